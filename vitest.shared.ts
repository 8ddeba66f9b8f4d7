import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Tests import sibling packages from their sources, never from a stale `dist/`.
const root = fileURLToPath(new URL('.', import.meta.url));
export const workspaceAliases = ['packages', 'apps'].flatMap((group) =>
  readdirSync(`${root}${group}`).map((name) => ({
    find: new RegExp(`^@media-sync/${name}$`),
    replacement: `${root}${group}/${name}/src/index.ts`,
  })),
);

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

it('README example prints the output the README shows', () => {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const output = /```text\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("from '@media-sync/publisher-memory'");
  // Run against this package's sources (not a possibly stale dist/), from a scratch directory
  // inside the package, so `@media-sync/queue` and `@media-sync/storage-memory` resolve as it would for a user.
  const source = new URL('../src/index.ts', import.meta.url).href;
  const dir = mkdtempSync(join(packageDir, '.readme-'));
  try {
    const file = join(dir, 'example.mts');
    writeFileSync(file, (code as string).replace("'@media-sync/publisher-memory'", JSON.stringify(source)));
    const run = spawnSync(process.execPath, ['--conditions=@media-sync/source', '--import', 'tsx', file], {
      cwd: packageDir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

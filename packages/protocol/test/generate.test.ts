import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'media-sync-gen-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('generated code', () => {
  it('is exactly what `npm run generate` makes from proto/ today', { timeout: 60_000 }, () => {
    execFileSync('bash', ['scripts/generate.sh', out], { cwd: packageDir, stdio: 'pipe' });
    for (const file of ['media_sync.js', 'media_sync.d.ts']) {
      const fresh = readFileSync(join(out, file), 'utf8');
      const committed = readFileSync(join(packageDir, 'src/gen', file), 'utf8');
      expect(committed === fresh, `src/gen/${file} is stale: run npm run generate and commit it`).toBe(true);
    }
  });
});

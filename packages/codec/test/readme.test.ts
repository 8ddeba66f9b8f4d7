import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');

/** Every ```ts block, with the output block that follows it when the README says what it prints. */
function examples(): { code: string; prints: string | undefined }[] {
  const found: { code: string; prints: string | undefined }[] = [];
  const pattern = /```ts\n([\s\S]*?)```\n/g;
  for (let match = pattern.exec(readme); match !== null; match = pattern.exec(readme)) {
    const after = readme.slice(pattern.lastIndex);
    const prints = /^\nprints[^\n]*\n\n```\n([\s\S]*?)```/.exec(after)?.[1];
    found.push({ code: match[1] as string, prints });
  }
  return found;
}

/** Runs TypeScript as a user would, against this package's sources; returns what it printed. */
function run(code: string): { status: number | null; stdout: string; stderr: string } {
  const source = new URL('../src/index.ts', import.meta.url).href;
  const dir = mkdtempSync(join(packageDir, '.readme-'));
  try {
    const file = join(dir, 'example.mts');
    writeFileSync(file, code.replaceAll("'@media-sync/codec'", JSON.stringify(source)));
    return spawnSync(process.execPath, ['--conditions=@media-sync/source', '--import', 'tsx', file], {
      cwd: packageDir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('every README example runs and prints what the README shows', () => {
  const all = examples();
  const first = all[0]?.code ?? '';
  expect(first).toContain("from '@media-sync/codec'");
  // Fragments (no import of their own) continue the first example: its codec and ops.
  const prelude = first.slice(0, first.indexOf('}));') + 4);
  let checked = 0;
  for (const { code, prints } of all) {
    const result = run(code.includes('import ') ? code : `${prelude}\n${code}`);
    expect({ code, stderr: result.stderr, status: result.status }).toEqual({ code, stderr: '', status: 0 });
    if (prints !== undefined) {
      expect(result.stdout).toBe(prints);
      checked += 1;
    }
  }
  // The example and the user-bound frames say what they print.
  expect(checked).toBeGreaterThanOrEqual(2);
}, 120_000);

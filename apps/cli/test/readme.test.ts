import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_SCRIPT, cli, later, tempDir } from './helpers.js';

// `--import tsx` resolves from the working directory; the example runs in a temp one.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The fenced block that follows `marker` in the README. */
function blockAfter(marker: string): string {
  const at = README.indexOf(marker);
  expect(at).toBeGreaterThan(-1);
  const open = README.indexOf('```', at);
  const start = README.indexOf('\n', open) + 1;
  return README.slice(start, README.indexOf('```', start));
}

describe('README example', () => {
  it('runs as written and prints the output shown', async () => {
    const dir = tempDir();
    // `npx media-sync` is this CLI from source.
    const bin = join(dir, '.bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh\nshift\nexec "${process.execPath}" --conditions=@media-sync/source --import "${TSX}" "${CLI_SCRIPT}" "$@"\n`,
    );
    chmodSync(join(bin, 'npx'), 0o755);
    const commands = blockAfter('## Example');
    // The gateway runs in the background; like a reader, the script waits for it to print its
    // URL before replaying to it, and stops it at the end.
    const script = commands.replace(
      /^(npx media-sync serve .*&)(.*)$/m,
      '$1$2\nwhile [ ! -s gateway.url ]; do sleep 0.1; done',
    );
    const child = spawn('bash', ['-euo', 'pipefail', '-c', `${script}\nkill %1\nwait\n`], {
      cwd: dir,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, MEDIA_SYNC_SECRET: '', MEDIA_SYNC_TOKEN: '' },
    });
    later(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const varies = (text: string) => text.replace(/^(duration ms\s+)\d+$/m, '$1…');
    expect(varies(stdout)).toBe(varies(blockAfter('Output:')));
  }, 120_000);

  it.each(['demo', 'replay', 'enqueue', 'status', 'dead-letters list', 'dead-letters requeue', 'codec encode'])(
    'shows the options of %s exactly as --help prints them',
    async (command) => {
      const help = (await cli([...command.split(' '), '--help'])).stdout;
      const options = help
        .slice(help.indexOf('Options:\n') + 'Options:\n'.length)
        .split('\n')
        .filter((line) => line !== '' && !line.trim().startsWith('-h, --help'))
        .join('\n');
      expect(README).toContain(options);
    },
  );
});

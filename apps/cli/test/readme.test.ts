import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
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

/** Runs a bash script to its end; resolves with its exit code and output. */
function bash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env });
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
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
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
    const commands = blockAfter('## Example').split('\n');
    // The gateway runs in the background: the script stops after starting it, the test waits
    // for its URL (as a reader would), and the rest runs with the same exported variables.
    const serveLine = commands.findIndex((line) => /^npx media-sync serve .*&/.test(line));
    expect(serveLine).toBeGreaterThan(-1);
    const exports = commands.slice(0, serveLine).filter((line) => line.startsWith('export '));
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, MEDIA_SYNC_SECRET: '', MEDIA_SYNC_TOKEN: '' };
    const first = await bash(`${commands.slice(0, serveLine + 1).join('\n')}\necho $! > serve.pid\n`, dir, env);
    const servePid = () => Number(readFileSync(join(dir, 'serve.pid'), 'utf8'));
    later(() => {
      try {
        process.kill(servePid(), 'SIGKILL');
      } catch {
        // Already gone.
      }
    });
    await vi.waitFor(() => expect(readFileSync(join(dir, 'gateway.url'), 'utf8')).toMatch(/^ws:\/\/.+\n/), {
      timeout: 60_000,
      interval: 50,
    });
    const second = await bash([...exports, ...commands.slice(serveLine + 1)].join('\n'), dir, env);
    process.kill(servePid(), 'SIGTERM');
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    const stdout = first.stdout + second.stdout;
    // The ops' HLCs are the wall clock at enqueue, stored as offsets from the trace's timestamps:
    // the frame's size moves by a few bytes with the day the example runs.
    const varies = (text: string) =>
      text
        .replace(/^(duration ms\s+)\d+$/m, '$1…')
        .replace(/^(bytes sent \(frames with session context\)\s+)\d+$/m, '$1…')
        .replace(/^(sent \/ JSON\s+)[\d.]+$/m, '$1…');
    expect(varies(stdout)).toBe(varies(blockAfter('Output:')));
  }, 240_000);

  it.each([
    'demo',
    'replay',
    'enqueue',
    'status',
    'dead-letters list',
    'dead-letters requeue',
    'codec encode',
    'codec decode',
    'web',
    'bench codec',
    'bench publishers',
  ])('shows the options of %s exactly as --help prints them', async (command) => {
    const help = (await cli([...command.split(' '), '--help'])).stdout;
    const options = help
      .slice(help.indexOf('Options:\n') + 'Options:\n'.length)
      .split('\n')
      .filter((line) => line !== '' && !line.trim().startsWith('-h, --help'))
      .join('\n');
    expect(README).toContain(options);
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/main.js';
import { generateTrace } from '../src/trace-generator.js';
import { cli, finished, spawnCli, tempDir } from './helpers.js';

/** Reads the child's stdout until `line` matches, then returns the matching line. */
function lineMatching(child: ReturnType<typeof spawnCli>, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) {
        child.stdout.off('data', onData);
        resolve(line);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing ${pattern}: ${text}`)));
  });
}

describe('a closed pipe (`… | head -1`)', () => {
  it('ends codec decode quietly with exit 0', async () => {
    const dir = tempDir();
    const trace = join(dir, 't.jsonl');
    writeFileSync(trace, `${generateTrace({ seed: 3, ops: 4000 }).join('\n')}\n`);
    expect((await cli(['codec', 'encode', '--trace', trace, '--out', join(dir, 'frames')])).code).toBe(0);
    const child = spawnCli(['codec', 'decode', join(dir, 'frames')]);
    const done = finished(child);
    // `head -1`: read one line, then close the pipe.
    await lineMatching(child, /^\{/);
    child.stdout.destroy();
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  }, 30_000);

  it('ends the demo quietly and removes its temporary folder', async () => {
    const dir = tempDir();
    const trace = join(dir, 't.jsonl');
    writeFileSync(trace, `${generateTrace({ seed: 5, ops: 1500 }).join('\n')}\n`);
    const child = spawnCli(['demo', '--trace', trace]);
    const done = finished(child);
    // The demo names its gateway's SQLite file; the file lives in the demo's temporary folder.
    const line = await lineMatching(child, /^gateway .* \(SQLite .+\)$/);
    const folder = dirname(/\(SQLite (.+)\)$/.exec(line)?.[1] as string);
    expect(existsSync(folder)).toBe(true);
    child.stdout.destroy();
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(existsSync(folder)).toBe(false);
  }, 60_000);
});

describe('Ctrl-C', () => {
  it('stops the demo with exit 130 and removes its temporary folder', async () => {
    const dir = tempDir();
    const trace = join(dir, 't.jsonl');
    writeFileSync(trace, `${generateTrace({ seed: 5, ops: 1500 }).join('\n')}\n`);
    const child = spawnCli(['demo', '--trace', trace]);
    const done = finished(child);
    // The demo names its gateway's SQLite file; the file lives in the demo's temporary folder.
    const line = await lineMatching(child, /^gateway .* \(SQLite .+\)$/);
    const folder = dirname(/\(SQLite (.+)\)$/.exec(line)?.[1] as string);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(existsSync(folder)).toBe(false);
  }, 60_000);
});

describe('--version and --help', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('never prints the value of a secret or token from the environment', async () => {
    const env = { MEDIA_SYNC_TOKEN: 'token-value-4242', MEDIA_SYNC_SECRET: 'secret-value-4242' };
    for (const command of ['replay', 'status', 'enqueue']) {
      const help = await cli([command, '--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).not.toContain('4242');
    }
    expect((await cli(['replay', '--help'])).stdout).toContain('(env: MEDIA_SYNC_TOKEN)');
  });
});

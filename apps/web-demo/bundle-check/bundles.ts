// Bundles bundle-check/app the way a user would meet the browser packages: packed tarballs
// installed into a fresh project, then esbuild, Vite and webpack 5 with no configuration of
// their own. Shared by the test (test/bundles.test.ts) and the size report (scripts/bundle-sizes.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build as esbuild } from 'esbuild';
import { createLogger, build as viteBuild } from 'vite';
import webpack from 'webpack';

const root = resolve(import.meta.dirname, '../../..');
const appSource = join(import.meta.dirname, 'app');

/** The browser packages and the workspace packages they depend on, as npm would install them. */
const PACKED = ['protocol', 'codec', 'queue', 'storage-indexeddb', 'publisher-websocket'];

export interface Consumer {
  readonly dir: string;
}

/** Packs the packages (their built dist) and installs the tarballs into a fresh project. */
export function installConsumer(): Consumer {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-bundles-'));
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  const packed: Record<string, string> = {};
  for (const name of PACKED) {
    const [info] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', tarballs], {
        cwd: join(root, 'packages', name),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as [{ filename: string }];
    packed[`@media-sync/${name}`] = `file:${join(tarballs, info.filename)}`;
  }
  const project = join(dir, 'project');
  cpSync(appSource, join(project, 'src'), { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'bundle-check', private: true, type: 'module', dependencies: packed, overrides: packed }),
  );
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  return { dir: project };
}

export interface OutputFile {
  /** Path relative to the output folder. */
  readonly name: string;
  readonly raw: number;
  readonly gzip: number;
  /** What the file mostly is: the deflated zstd WebAssembly, zstd's runtime, or the app and packages. */
  readonly kind: 'zstd wasm' | 'zstd runtime' | 'app + packages' | 'html';
}

export interface BundleResult {
  readonly bundler: string;
  /** Folder to serve: index.html loads the page. */
  readonly outDir: string;
  readonly files: readonly OutputFile[];
  /** Warnings the bundler printed (a zero-config build must have none). */
  readonly warnings: readonly string[];
}

/** The deflated WebAssembly: the only base64 run this long (the dictionaries are 22 KB). */
const WASM_MARKER = /[A-Za-z0-9+/]{100000}/;
const RUNTIME_MARKER = 'instantiateWasm';
/** Emscripten's asm.js build declares this; it must never reach a browser bundle. */
export const ASM_JS_MARKER = '"use asm"';

function listFiles(outDir: string): OutputFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return walk(outDir)
    .filter((path) => /\.(m?js|html|wasm)$/.test(path))
    .map((path) => {
      const bytes = readFileSync(path);
      const text = bytes.toString('utf8');
      const kind: OutputFile['kind'] = path.endsWith('.html')
        ? 'html'
        : path.endsWith('.wasm') || WASM_MARKER.test(text)
          ? 'zstd wasm'
          : text.includes(RUNTIME_MARKER) && !text.includes('bundleCheck')
            ? 'zstd runtime'
            : 'app + packages';
      return { name: relative(outDir, path), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, kind };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const pageFor = (script: string, type: 'module' | 'classic') =>
  `<!doctype html><meta charset="utf-8"><title>bundle-check</title><script ${type === 'module' ? 'type="module" ' : ''}src="./${script}"></script>`;

/** `esbuild src/index.js --bundle --platform=browser --minify` (one file, the wasm inside). */
export async function bundleWithEsbuild(consumer: Consumer, variant: 'iife' | 'esm-splitting'): Promise<BundleResult> {
  const outDir = join(consumer.dir, `out-esbuild-${variant}`);
  const splitting = variant === 'esm-splitting';
  const result = await esbuild({
    absWorkingDir: consumer.dir,
    entryPoints: ['src/index.js'],
    bundle: true,
    platform: 'browser',
    minify: true,
    ...(splitting
      ? { format: 'esm' as const, splitting: true, outdir: outDir }
      : { outfile: join(outDir, 'index.js') }),
    logLevel: 'silent',
  });
  writeFileSync(join(outDir, 'index.html'), pageFor('index.js', splitting ? 'module' : 'classic'));
  return {
    bundler: splitting ? 'esbuild --format=esm --splitting' : 'esbuild',
    outDir,
    files: listFiles(outDir),
    warnings: result.warnings.map((warning) => warning.text),
  };
}

/** `vite build` with no config file: index.html is the entry. */
export async function bundleWithVite(consumer: Consumer): Promise<BundleResult> {
  const outDir = join(consumer.dir, 'out-vite');
  const warnings: string[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  const quiet = {
    ...logger,
    warn: (message: string) => warnings.push(message),
    warnOnce: (m: string) => warnings.push(m),
  };
  await viteBuild({
    root: join(consumer.dir, 'src'),
    configFile: false,
    base: './',
    logLevel: 'warn',
    customLogger: quiet,
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
  return { bundler: 'vite', outDir, files: listFiles(outDir), warnings };
}

/** webpack 5 in production mode with its defaults (entry ./src/index.js, output ./dist). */
export async function bundleWithWebpack(consumer: Consumer): Promise<BundleResult> {
  const outDir = join(consumer.dir, 'dist');
  const stats = await new Promise<webpack.Stats>((resolvePromise, reject) => {
    // What `npx webpack --mode production` run in the project uses: only the folders are spelled
    // out, because the defaults are relative to the process's working directory.
    webpack({ mode: 'production', context: consumer.dir, output: { path: outDir } }, (error, result) => {
      if (error || result === undefined) reject(error ?? new Error('webpack gave no stats'));
      else resolvePromise(result);
    });
  });
  const json = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(`webpack: ${json.errors?.map((e) => e.message).join('\n')}`);
  writeFileSync(join(outDir, 'index.html'), pageFor('main.js', 'classic'));
  return {
    bundler: 'webpack',
    outDir,
    files: listFiles(outDir),
    warnings: (json.warnings ?? []).map((warning) => warning.message),
  };
}

/** Everything a page transfers (gzip, as a server compresses it), split by kind. */
export function totals(result: BundleResult): Record<OutputFile['kind'] | 'total', { raw: number; gzip: number }> {
  const sum = { raw: 0, gzip: 0 };
  const byKind = {
    'zstd wasm': { raw: 0, gzip: 0 },
    'zstd runtime': { raw: 0, gzip: 0 },
    'app + packages': { raw: 0, gzip: 0 },
    html: { raw: 0, gzip: 0 },
  };
  for (const file of result.files) {
    byKind[file.kind].raw += file.raw;
    byKind[file.kind].gzip += file.gzip;
    sum.raw += file.raw;
    sum.gzip += file.gzip;
  }
  return { ...byKind, total: sum };
}

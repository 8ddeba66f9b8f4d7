// Bundles bundle-check/app the way a user would meet the browser packages: packed tarballs
// installed into a fresh project, then esbuild, Vite and webpack 5 with no configuration of
// their own. Shared by the test (test/bundles.test.ts) and the size report (scripts/bundle-sizes.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { brotliCompressSync, gzipSync, inflateRawSync, constants as zlibConstants } from 'node:zlib';
import { build as esbuild, transform } from 'esbuild';
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
  /** Brotli at its highest quality: what a server that prefers `br` sends. */
  readonly brotli: number;
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
      return {
        name: relative(outDir, path),
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
        brotli: brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        kind,
      };
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
export function totals(
  result: BundleResult,
): Record<OutputFile['kind'] | 'total', { raw: number; gzip: number; brotli: number }> {
  const sum = { raw: 0, gzip: 0, brotli: 0 };
  const byKind = {
    'zstd wasm': { raw: 0, gzip: 0, brotli: 0 },
    'zstd runtime': { raw: 0, gzip: 0, brotli: 0 },
    'app + packages': { raw: 0, gzip: 0, brotli: 0 },
    html: { raw: 0, gzip: 0, brotli: 0 },
  };
  for (const file of result.files) {
    for (const part of [byKind[file.kind], sum]) {
      part.raw += file.raw;
      part.gzip += file.gzip;
      part.brotli += file.brotli;
    }
  }
  return { ...byKind, total: sum };
}

/** A part of the bundle: what it is, its bytes in esbuild's minified output, and that code gzipped alone. */
export interface BundlePart {
  readonly part: string;
  /** Bytes of the minified output that come from this part's modules (esbuild's metafile: exact). */
  readonly raw: number;
  /**
   * The part's modules minified and gzipped on their own: an estimate of its share of the
   * transfer (the whole bundle gzips a little better than the sum of its parts).
   */
  readonly gzipAlone: number;
  readonly modules: number;
}

/** Which part of the bundle a module path belongs to. */
function partOf(path: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (pkg === null) return 'the page (src/)';
  const [, name, file] = pkg as unknown as [string, string, string];
  if (name === '@media-sync/codec') {
    if (file.includes('zstd-wasm-binary')) return 'codec: zstd WebAssembly (deflated, base64)';
    if (file.includes('zstd-wasm-glue')) return "codec: zstd's Emscripten runtime";
    if (file.includes('dictionaries')) return 'codec: zstd dictionary (base64)';
    return 'codec: frames, columns, session context';
  }
  if (name === '@media-sync/protocol')
    return file.includes('/gen/') ? 'protocol: generated protobuf code' : 'protocol: types, validation, HLC';
  if (name === 'protobufjs' || name === 'long' || name.startsWith('@protobufjs/')) return 'protobufjs runtime (+ long)';
  if (name === 'idb') return 'idb (IndexedDB promises, used by storage-indexeddb)';
  if (name === 'ws') return "ws (its browser stub: the page's own WebSocket)";
  return name.replace('@media-sync/', '');
}

/**
 * What esbuild's single-file bundle is made of, per part (the zstd build, protobuf, each package),
 * from its metafile: the question "what else is in the bundle" besides the WebAssembly.
 */
export async function esbuildBreakdown(consumer: Consumer): Promise<BundlePart[]> {
  const result = await esbuild({
    absWorkingDir: consumer.dir,
    entryPoints: ['src/index.js'],
    bundle: true,
    platform: 'browser',
    minify: true,
    write: false,
    metafile: true,
    outfile: join(consumer.dir, 'out-breakdown', 'index.js'),
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const parts = new Map<string, { raw: number; sources: string[] }>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const part = partOf(path);
    const entry = parts.get(part) ?? { raw: 0, sources: [] };
    entry.raw += bytesInOutput;
    entry.sources.push(readFileSync(join(consumer.dir, path), 'utf8'));
    parts.set(part, entry);
  }
  const breakdown: BundlePart[] = [];
  for (const [part, { raw, sources }] of parts) {
    // Each module minified on its own (ESM keeps its top-level names), then the part gzipped whole.
    const minified = await Promise.all(
      sources.map(async (source) => (await transform(source, { minify: true, format: 'esm', loader: 'js' })).code),
    );
    const gzipAlone = gzipSync(minified.join('\n'), { level: 9 }).length;
    breakdown.push({ part, raw, gzipAlone, modules: sources.length });
  }
  return breakdown.sort((a, b) => b.raw - a.raw);
}

/** The zstd WebAssembly binary the codec ships, and what each way of sending it transfers. */
export interface WasmTravel {
  readonly wasm: number;
  /** As shipped: Zopfli raw-deflated, base64 inside a JS module, that module gzipped by the server. */
  readonly deflatedBase64Gzip: number;
  /** A `.wasm` file gzipped (level 9) by the server. */
  readonly wasmGzip: number;
  /** A `.wasm` file with Brotli (quality 11). */
  readonly wasmBrotli: number;
}

export function wasmTravel(consumer: Consumer): WasmTravel {
  const module = readFileSync(
    join(consumer.dir, 'node_modules/@media-sync/codec/dist/generated/zstd-wasm-binary.js'),
    'utf8',
  );
  const base64 = WASM_MARKER.exec(module);
  if (base64 === null) throw new Error('the codec ships no base64 WebAssembly');
  const run = /[A-Za-z0-9+/=]+/.exec(module.slice(base64.index))?.[0] ?? '';
  const wasm = inflateRawSync(Buffer.from(run, 'base64'));
  return {
    wasm: wasm.length,
    deflatedBase64Gzip: gzipSync(module, { level: 9 }).length,
    wasmGzip: gzipSync(wasm, { level: 9 }).length,
    wasmBrotli: brotliCompressSync(wasm, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

// Derives the browser's zstd from the installed zstd-codec: its WebAssembly build only (never the
// asm.js fallback), as two ES modules under src/generated/ (not committed; `npm run build` makes them):
//   zstd-wasm-glue.js   zstd-codec's Emscripten runtime, with the Node-only branches made unreachable
//                       for bundlers (`require`, `module`, `exports`, `define`, `__dirname` are module
//                       locals, so no bundler tries to resolve `fs`, `path` or `crypto`), without its
//                       embedded base64 copy of the binary, and without its virtual file system (the
//                       binary's file syscalls serve only stdio, which zstd never uses here): minified
//                       with unused code removed, 36 KB instead of 143 KB (12 KB gzip instead of 28);
//   zstd-wasm-binary.js the same WebAssembly binary, raw-deflated with Zopfli (5 % smaller than zlib's
//                       level 9, inflated by the browser's own DecompressionStream) and base64-encoded:
//                       it travels inside JS, so every bundler takes it with no configuration, and a
//                       server's gzip brings the base64 back to about the deflated size.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const zopfli = require('@gfx/zopfli');
const acorn = require('acorn');
const { minify } = require('terser');
const zstdCodecDir = dirname(require.resolve('zstd-codec/package.json'));
const { version, license, author } = JSON.parse(readFileSync(join(zstdCodecDir, 'package.json'), 'utf8'));
const glue = readFileSync(join(zstdCodecDir, 'lib', 'zstd-codec-binding-wasm.js'), 'utf8');

const embedded = /wasmBinaryFile="data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(glue);
if (embedded === null) throw new Error(`zstd-codec ${version}: no embedded WebAssembly binary found`);
const wasm = Buffer.from(embedded[1], 'base64');
if (wasm.readUInt32BE(0) !== 0x0061736d) throw new Error(`zstd-codec ${version}: embedded binary is not WebAssembly`);

/**
 * Never takes the runtime's Node branches (its file system, `require`): in Node (tests) it runs as
 * in a browser, with the binary handed to it by the engine.
 */
function asWebOnly(source) {
  const detection = /ENVIRONMENT_HAS_NODE=typeof process==="object"[^;]*;/;
  if (!detection.test(source)) throw new Error(`zstd-codec ${version}: the runtime's Node detection was not found`);
  return source.replace(detection, 'ENVIRONMENT_HAS_NODE=false;');
}

/** Cuts the CommonJS/AMD export at the end: the module exports `Module` as an ES default export instead. */
function withoutUmdExport(source) {
  const at = source.lastIndexOf("if (typeof exports === 'object' && typeof module === 'object')");
  if (at === -1) throw new Error(`zstd-codec ${version}: the runtime's export statement was not found`);
  return source.slice(0, at);
}

/** The runtime's file-system layer: FS and its back ends, TTY, paths and the syscall helpers. */
const FILE_SYSTEM = new Set(['FS', 'MEMFS', 'IDBFS', 'NODEFS', 'WORKERFS', 'TTY', 'PATH', 'PATH_FS', 'SYSCALLS']);

/**
 * Drops the virtual file system. The binary imports file syscalls (open, close, readv, writev,
 * ioctl, fcntl, llseek) only for libc's stdio; zstd and the bindings never print nor open files,
 * so each becomes a function returning -ENOSYS (52 in Emscripten's musl), FS's start-up calls go,
 * and nothing references FS any more. The statements are found by parsing, not by text, and
 * every one must be found: another zstd-codec release fails the build instead of half-trimming.
 */
function withoutFileSystem(source) {
  const ast = acorn.parse(source, { ecmaVersion: 2020, sourceType: 'module' });
  let runtime;
  const visit = (node) => {
    if (runtime !== undefined || node === null || typeof node !== 'object') return;
    if (node.type === 'FunctionExpression' && node.params[0]?.name === 'Module') {
      runtime = node;
      return;
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (typeof value?.type === 'string') visit(value);
    }
  };
  visit(ast);
  if (runtime === undefined) throw new Error(`zstd-codec ${version}: the runtime's factory function was not found`);
  const replacements = [];
  const found = new Set();
  for (const statement of runtime.body.body) {
    const text = source.slice(statement.start, statement.end);
    const functionName = statement.type === 'FunctionDeclaration' ? statement.id.name : undefined;
    let replacement;
    if (statement.type === 'VariableDeclaration' && statement.declarations.every((d) => FILE_SYSTEM.has(d.id.name))) {
      replacement = '';
      for (const d of statement.declarations) found.add(d.id.name);
    } else if (functionName !== undefined && /^___syscall\d+$/.test(functionName)) {
      replacement = `function ${functionName}(){return-52}`;
      found.add('syscalls');
    } else if (functionName === 'initRuntime') {
      replacement = 'function initRuntime(){runtimeInitialized=true;callRuntimeCallbacks(__ATINIT__)}';
      found.add(functionName);
    } else if (functionName === 'preMain') {
      replacement = 'function preMain(){callRuntimeCallbacks(__ATMAIN__)}';
      found.add(functionName);
    } else if (text === 'FS.staticInit();') {
      replacement = '';
      found.add(text);
    } else if (/^if\(ENVIRONMENT_HAS_NODE\)\{var fs=require\("fs"\);/.test(text)) {
      replacement = '';
      found.add('NODEFS.staticInit');
    }
    if (replacement !== undefined) replacements.push({ start: statement.start, end: statement.end, replacement });
  }
  for (const what of [...FILE_SYSTEM, 'syscalls', 'initRuntime', 'preMain', 'FS.staticInit();', 'NODEFS.staticInit']) {
    if (!found.has(what)) throw new Error(`zstd-codec ${version}: the runtime's ${what} was not found`);
  }
  let trimmed = source;
  for (const { start, end, replacement } of replacements.sort((a, b) => b.start - a.start)) {
    trimmed = trimmed.slice(0, start) + replacement + trimmed.slice(end);
  }
  const left = trimmed.match(new RegExp(`\\b(${[...FILE_SYSTEM].join('|')})\\b`));
  if (left !== null) throw new Error(`zstd-codec ${version}: the runtime still uses ${left[0]} after trimming`);
  return trimmed;
}

const header = `// Generated by scripts/build-zstd-wasm.mjs from zstd-codec ${version} (${license}, ${author}; zstd: BSD, Meta). Do not edit.\n`;
const outDir = new URL('../src/generated/', import.meta.url);

const runtime =
  // Assigned, not only declared: a loader that wraps modules in a function taking `module`
  // and `exports` (Vite's SSR runner) would otherwise keep its own values.
  'var require = void 0, module = void 0, exports = void 0, define = void 0, __dirname = "", __filename = "";\n' +
  withoutFileSystem(withoutUmdExport(asWebOnly(glue.replace(embedded[0], 'wasmBinaryFile=""')))) +
  '\nexport default Module;\n';
// Minified here, not left to the page's bundler: bundlers drop unused top-level code only, and
// most of the runtime is unused functions inside its factory (embind's and libc's helpers).
// Quoted properties (`Module["asm"]`) keep their names, so the engine's options still apply.
const minified = await minify(runtime, {
  module: true,
  compress: { passes: 2, unused: true, dead_code: true },
  mangle: true,
  format: { comments: false },
});
if (minified.code === undefined) throw new Error('the runtime did not minify');
writeFileSync(new URL('zstd-wasm-glue.js', outDir), `${header}// biome-ignore-all lint: generated\n${minified.code}\n`);
const deflated = Buffer.from(
  await new Promise((resolve, reject) =>
    zopfli.deflate(wasm, { numiterations: 15 }, (error, output) => (error ? reject(error) : resolve(output))),
  ),
);
if (!inflateRawSync(deflated).equals(wasm)) throw new Error('the deflated WebAssembly does not inflate back');
writeFileSync(
  new URL('zstd-wasm-binary.js', outDir),
  `${header}export const ZSTD_WASM_BYTES = ${wasm.length};\n` +
    `export const ZSTD_WASM_DEFLATED_BASE64 =\n  '${deflated.toString('base64')}';\n`,
);

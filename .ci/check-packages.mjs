// The published shape of every package, checked as a user installing them from npm would meet it:
//   1. `publint --strict` and `attw --pack --profile esm-only` are clean for each package;
//   2. a consumer project installs the packed tarballs (not the workspace links);
//   3. its TypeScript, strict with `skipLibCheck: false`, type-checks every package's public types
//      under `moduleResolution` node16 and bundler;
//   4. each package README's example runs there (the CLI's through its installed `media-sync` bin).
// Run by `npm test` (turbo task `//#check:packages`) after the packages are built.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const failures = [];
const started = Date.now();

function step(label, run) {
  const t0 = Date.now();
  try {
    run();
    console.log(`ok    ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (error) {
    const output = [error.stdout, error.stderr].filter(Boolean).join('\n').trim();
    failures.push(`${label}\n${output || error.message}`);
    console.log(`FAIL  ${label}\n${indent(output || error.message)}`);
  }
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

function exec(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe', timeout: 120_000, ...options });
}

// Every package's dist/, up to date (a cache hit when `npm ci` or the test tasks built them).
exec(bin('turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: root, timeout: 600_000 });

const packages = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);

const work = mkdtempSync(join(tmpdir(), 'media-sync-consumer-'));
try {
  // 1. Lints of the published shape: publint packs the package itself; attw reads the tarball
  //    `npm pack` makes (what `attw --pack` does), the same one the consumer installs.
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = new Map();
  for (const { dir, manifest } of packages) {
    step(`publint --strict ${manifest.name}`, () => exec(bin('publint'), ['--strict'], { cwd: dir }));
    step(`attw --pack --profile esm-only ${manifest.name}`, () => {
      const [info] = JSON.parse(exec('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: dir }));
      const tarball = join(tarballs, info.filename);
      packed.set(manifest.name, `file:${tarball}`);
      exec(bin('attw'), [tarball, '--profile', 'esm-only', '--no-color'], { cwd: dir });
    });
  }

  // 2. A consumer project on the packed tarballs.
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  const fromRoot = (name) => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies[name];
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify(
      {
        name: 'media-sync-consumer',
        private: true,
        type: 'module',
        dependencies: {
          ...Object.fromEntries(packed),
          'fake-indexeddb': fromRoot('fake-indexeddb'),
          // @media-sync/react's README example renders with react-dom (an app's dependency, not the package's).
          'react-dom': reactDomVersion(),
        },
        // Internal dependencies resolve to the tarballs too, never to the registry.
        overrides: Object.fromEntries(packed),
      },
      null,
      2,
    ),
  );
  step('npm install the tarballs in a consumer project', () => {
    // No install scripts: better-sqlite3's native binary is copied from this checkout instead
    // of being downloaded or built again.
    exec('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error'], {
      cwd: consumer,
      timeout: 600_000,
    });
    const sqlite = dirname(require.resolve('better-sqlite3/package.json'));
    for (const installed of findAll(join(consumer, 'node_modules'), 'better-sqlite3')) {
      cpSync(join(sqlite, 'build'), join(installed, 'build'), { recursive: true });
    }
  });

  // 3. Strict consumer type-check of every package's public types.
  writeFileSync(
    join(consumer, 'uses-every-package.ts'),
    `${packages.map(({ manifest }, i) => `import * as p${i} from '${manifest.name}';`).join('\n')}\n` +
      `export const modules = [${packages.map((_, i) => `p${i}`).join(', ')}];\n`,
  );
  for (const moduleResolution of ['node16', 'bundler']) {
    const tsconfig = `tsconfig.${moduleResolution}.json`;
    writeFileSync(
      join(consumer, tsconfig),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          target: 'es2022',
          module: moduleResolution === 'node16' ? 'node16' : 'esnext',
          moduleResolution,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: ['uses-every-package.ts'],
      }),
    );
    step(`tsc strict, skipLibCheck false, moduleResolution ${moduleResolution}`, () =>
      exec(bin('tsc'), ['-p', tsconfig], { cwd: consumer }),
    );
  }

  // 4. Each README's example, run against the installed packages.
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  mkdirSync(join(consumer, 'examples'));
  for (const { dir, manifest } of packages) {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const example = /## Example[\s\S]*?```(ts|sh)\n([\s\S]*?)```/.exec(readme);
    if (!example) {
      failures.push(`${manifest.name}: README has no example`);
      continue;
    }
    const [, language, code] = example;
    if (/\bdescribe[A-Za-z]*\(/.test(code)) {
      // A test-suite example (storage-conformance) runs inside a test runner: type-checked above.
      console.log(`skip  ${manifest.name} README example (a test suite; its types are checked above)`);
      continue;
    }
    const name = manifest.name.replace('@media-sync/', '');
    const cwd = mkdtempSync(join(consumer, `run-${name}-`));
    if (language === 'ts') {
      const file = join(consumer, 'examples', `${name}.ts`);
      writeFileSync(file, code);
      step(`${manifest.name} README example`, () => exec(process.execPath, ['--import', tsx, file], { cwd }));
    } else {
      // The CLI: its installed bin, on a small trace.
      const cli = join(consumer, 'node_modules', '.bin', 'media-sync');
      step(`${manifest.name} installed bin`, () => {
        exec(cli, ['--version'], { cwd });
        exec(cli, ['trace', 'generate', '--seed', '1', '--ops', '5', '--out', 'trace.jsonl'], { cwd });
        exec(cli, ['codec', 'encode', '--trace', 'trace.jsonl', '--out', 'frames'], { cwd });
        const decoded = spawnSync(cli, ['codec', 'decode', 'frames'], { cwd, encoding: 'utf8' });
        if (decoded.status !== 0 || decoded.stdout.trim().split('\n').length !== 5) {
          throw new Error(`codec decode printed ${JSON.stringify(decoded.stdout)} ${decoded.stderr}`);
        }
      });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(
  `\n${failures.length === 0 ? 'all clean' : `${failures.length} failed`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
process.exitCode = failures.length === 0 ? 0 : 1;

function reactDomVersion() {
  return JSON.parse(readFileSync(join(root, 'packages/react/package.json'), 'utf8')).devDependencies['react-dom'];
}

function dirname(path) {
  return resolve(path, '..');
}

/** Every installed copy of a package under a node_modules tree. */
function findAll(nodeModules, name) {
  const found = [];
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    if (existsSync(join(dir, name, 'package.json'))) found.push(join(dir, name));
    for (const entry of readdirSync(dir)) {
      const nested = entry.startsWith('@')
        ? readdirSync(join(dir, entry)).map((sub) => join(dir, entry, sub, 'node_modules'))
        : [join(dir, entry, 'node_modules')];
      for (const child of nested) visit(child);
    }
  };
  visit(nodeModules);
  return found;
}

// What the Action's bundle was built from, as hashes: `dist/stamp.json`, written by build-action.mjs next to the
// bundle. `node scripts/action-stamp.mjs [distDir]` prints the stamp of the tree as it is now.
//
// Why: the test that dist/ is not stale rebuilt the bundle with ncc on every run (half a minute of CPU, minutes on
// a busy machine) though the inputs had not changed. The bundle is a function of its inputs (the Action's sources,
// core's built JavaScript, the locked dependencies and the build scripts), so when the inputs hash the same as at
// the last build and the files in dist/ are the ones that build wrote, dist/ is current without building again;
// when either differs, the test rebuilds and compares as before.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Every file under `dir`, relative to the repository with `/`, sorted. */
function filesUnder(dir, keep = () => true) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter(keep)
    .sort();
}

/** One hash over the files' paths and bytes, in order. */
function hashFiles(paths, base) {
  const hash = createHash('sha256');
  for (const path of paths)
    hash
      .update(`${path}\0`)
      .update(readFileSync(join(base, path)))
      .update('\0');
  return hash.digest('hex');
}

/**
 * Core's built JavaScript that its current sources emit. Not every .js under packages/core/dist: a source moved
 * or deleted leaves its old output there until the folder is removed, so a stamp written in a long-lived checkout
 * hashed files a fresh clone never has, and there the test rebuilt the bundle on every run. The bundles ncc makes
 * of core (cli-bundle/, reporter-bundle/) are not part of what the Action imports.
 */
function builtCore(path) {
  const source = path.replace(/^packages\/core\/dist\//, 'packages/core/src/').replace(/\.js$/, '.ts');
  return path.endsWith('.js') && existsSync(join(ROOT, source));
}

/**
 * What ncc reads to make the bundle: the Action's sources and the root tsconfig (ts-loader), core's built
 * JavaScript (the `testsigma-tm-core` the Action imports), the locked dependencies and the package manifests that
 * resolve them, and the build scripts themselves.
 */
function inputs() {
  return [
    ...filesUnder(join(ROOT, 'src')),
    ...filesUnder(join(ROOT, 'packages/core/dist'), builtCore),
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'packages/core/package.json',
    'scripts/build-action.mjs',
    'scripts/ncc.mjs',
    'scripts/action-stamp.mjs',
  ];
}

/** The stamp of the tree now: one hash of the inputs, and one per file of `distDir` (the stamp itself left out). */
export function actionStamp(distDir = join(ROOT, 'dist')) {
  const files = {};
  for (const name of readdirSync(distDir).sort()) if (name !== 'stamp.json') files[name] = hashFiles([name], distDir);
  return { inputs: hashFiles(inputs(), ROOT), files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(actionStamp(process.argv[2] ? resolve(process.argv[2]) : undefined), null, 2));
}

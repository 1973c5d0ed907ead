// Bundles core's `testsigma-tm-core/reporter` entry (after tsc built packages/core/dist) into one file with ncc:
// packages/core/dist/reporter-bundle/index.js, what the package's `./reporter` export points at.
//
// Why: the Jest and Playwright reporters load it inside the test run they report on, and every ES module costs
// its own resolution, read and compile: the start path is ~25 modules of ours, 45-50 ms to load one by one and
// 10-15 ms as one file. The upload code stays out of that file: its `import()`s become chunks, loaded when the
// run ends.
//
// undici is left to Node, resolved from core's own dependencies when the first request through a proxy is made
// (without a proxy, requests go over node:http and the npm undici is never loaded): bundled, it would
// ship a second copy; made an ncc external, it would be imported when the reporter loads, which must work even
// on a Node too old for undici. So the bundle is built from a copy of dist whose `import('undici')` webpack is
// told to leave alone (the Action's bundle, built from dist itself, does include undici).
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ncc } from './ncc.mjs';

const dist = join(ROOT, 'packages', 'core', 'dist');
const outDir = join(dist, 'reporter-bundle');
const UNDICI_IMPORT = "import('undici')";

// A fixed place, so that the bundle is the same from one build to the next (it names the files it came from).
const copy = join(ROOT, 'node_modules', '.cache', 'core-dist-for-reporter-bundle');
rmSync(copy, { recursive: true, force: true });
try {
  // Not the CLI's bundle either: npm run build:packages builds it at the same time.
  cpSync(dist, copy, { recursive: true, filter: (path) => !path.startsWith(outDir) && !path.startsWith(join(dist, 'cli-bundle')) });
  // ncc writes an ES module only for an ES module entry, which core's files are by its package.json.
  writeFileSync(join(copy, 'package.json'), '{ "type": "module" }\n');
  const transport = join(copy, 'api', 'transport.js');
  const source = readFileSync(transport, 'utf8');
  if (source.split(UNDICI_IMPORT).length !== 2) throw new Error(`${transport}: expected one ${UNDICI_IMPORT}`);
  writeFileSync(transport, source.replace(UNDICI_IMPORT, "import(/* webpackIgnore: true */ 'undici')"));

  rmSync(outDir, { recursive: true, force: true });
  ncc(join(copy, 'reporter.js'), outDir);
} finally {
  rmSync(copy, { recursive: true, force: true });
}

for (const file of readdirSync(outDir).filter((name) => name.endsWith('.js'))) {
  const path = join(outDir, file);
  const text = readFileSync(path, 'utf8');
  // The comments that say where each part came from name it in dist, not in the copy.
  const named = text.replaceAll('./node_modules/.cache/core-dist-for-reporter-bundle/', 'dist/');
  if (named.includes('node_modules/')) throw new Error(`${path} bundles a dependency: leave it to Node as undici is`);
  // tsc's source-map comments name maps beside the unbundled files, not these.
  writeFileSync(path, named.replace(/^\/\/# sourceMappingURL=.*\n/gmu, ''));
}

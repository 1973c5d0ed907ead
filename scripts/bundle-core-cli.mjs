// Bundles core's `testsigma-tm-core/cli` entry (after tsc built packages/core/dist) into one file with ncc:
// packages/core/dist/cli-bundle/index.js, what the package's `./cli` export points at.
//
// Why: every ES module costs its own resolution (a realpath and a URL per import), read and compile. `upload` of
// one JUnit file loaded ~140 modules one by one: 150–190 ms CPU and 66 MB before reading a byte, against 60 ms
// and 51 MB for the same code as one file (Node 24, import measured alone). The commands' own work is unchanged.
//
// The dependencies stay Node's to resolve, so the bundle ships no second copy of them: commander (imported at
// start anyway) as an ncc external; undici and tinyglobby, imported only when a request is made or a glob
// expanded, by telling webpack to leave their `import()`s alone (an ncc external is imported at load).
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ncc } from './ncc.mjs';

const dist = join(ROOT, 'packages', 'core', 'dist');
const outDir = join(dist, 'cli-bundle');
const EXTERNAL = ['commander'];
const LAZY = {
  'api/transport.js': "import('undici')",
  'formats/read-files.js': "import('tinyglobby')",
};

// A fixed place, so that the bundle is the same from one build to the next (it names the files it came from).
const copy = join(ROOT, 'node_modules', '.cache', 'core-dist-for-cli-bundle');
rmSync(copy, { recursive: true, force: true });
try {
  cpSync(dist, copy, { recursive: true, filter: (path) => !path.startsWith(outDir) && !path.startsWith(join(dist, 'reporter-bundle')) });
  // ncc writes an ES module only for an ES module entry, which core's files are by its package.json.
  writeFileSync(join(copy, 'package.json'), '{ "type": "module" }\n');
  for (const [file, lazy] of Object.entries(LAZY)) {
    const path = join(copy, file);
    const source = readFileSync(path, 'utf8');
    if (source.split(lazy).length !== 2) throw new Error(`${path}: expected one ${lazy}`);
    writeFileSync(path, source.replace(lazy, lazy.replace('import(', 'import(/* webpackIgnore: true */ ')));
  }
  rmSync(outDir, { recursive: true, force: true });
  ncc(
    join(copy, 'hosts', 'cli', 'main.js'),
    outDir,
    EXTERNAL.flatMap((name) => ['--external', name]),
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
}

for (const file of readdirSync(outDir).filter((name) => name.endsWith('.js'))) {
  const path = join(outDir, file);
  const text = readFileSync(path, 'utf8');
  const named = text.replaceAll('./node_modules/.cache/core-dist-for-cli-bundle/', 'dist/');
  // A module taken from a dependency is named by its path in the bundle's comments (the code itself mentions
  // node_modules: the glob's ignore list).
  if (/MODULE: \S*node_modules\//u.test(named)) throw new Error(`${path} bundles a dependency: leave it to Node as undici is`);
  writeFileSync(path, named.replace(/^\/\/# sourceMappingURL=.*\n/gmu, ''));
}

// Bundle the GitHub Action (src/ + testsigma-tm-core) into dist/ with ncc, as ESM for node24.
// `node scripts/build-action.mjs [outDir]`: the stale-dist test builds into a temporary folder and compares.
// stamp.json, next to the bundle, says what it was built from (see action-stamp.mjs).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { actionStamp } from './action-stamp.mjs';
import { ROOT, ncc } from './ncc.mjs';

const outDir = resolve(process.argv[2] ?? join(ROOT, 'dist'));

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
ncc(join(ROOT, 'src', 'index.ts'), outDir, ['--license', 'licenses.txt']);
writeFileSync(join(outDir, 'stamp.json'), `${JSON.stringify(actionStamp(outDir), null, 2)}\n`);

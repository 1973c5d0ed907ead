// Bundle the GitHub Action (src/ + testsigma-tm-core) into dist/ with ncc, as ESM for node24.
// `node scripts/build-action.mjs [outDir]`: the stale-dist test builds into a temporary folder and compares.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, ncc } from './ncc.mjs';

const outDir = resolve(process.argv[2] ?? join(ROOT, 'dist'));

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
ncc(join(ROOT, 'src', 'index.ts'), outDir, ['--license', 'licenses.txt']);

// Bundle the GitHub Action (src/ + testsigma-tm-core) into dist/ with ncc, as ESM for node24.
// `node scripts/build-action.mjs [outDir]`: the stale-dist test builds into a temporary folder and compares.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist'));
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
execFileSync(process.execPath, [ncc, 'build', join(root, 'src', 'index.ts'), '-o', outDir, '--license', 'licenses.txt', '--target', 'es2023', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});

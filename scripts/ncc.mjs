// Runs ncc (the repository's own copy) on one entry: the Action's bundle and core's reporter entry are built with it.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NCC = fileURLToPath(import.meta.resolve('@vercel/ncc/dist/ncc/cli.js'));

/** `ncc build <entry> -o <outDir> …extra`, for Node 20 and later (ES2023), quietly. */
export function ncc(entry, outDir, extra = []) {
  execFileSync(process.execPath, [NCC, 'build', entry, '-o', outDir, '--target', 'es2023', '--quiet', ...extra], { cwd: ROOT, stdio: 'inherit' });
}

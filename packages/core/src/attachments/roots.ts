/**
 * Where evidence may be read from. A file is inside the workspace when it is under one of these roots: the working
 * directory, the repository root (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`, the git top level found from the working
 * directory) and what the host adds (the Playwright reporter: its config's `outputDir`s, where Playwright writes
 * screenshots and traces whatever the working directory). Each root is still checked as strictly as one: `..`,
 * absolute paths elsewhere and symbolic links leading out of every root are refused.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
/** The environment, as the hosts hand it over (settings' Env: only names and optional values). */
type Env = Readonly<Record<string, string | undefined>>;

export function evidenceRoots(cwd: string, env: Env, extra: readonly string[] = []): string[] {
  const roots = [cwd, env.GITHUB_WORKSPACE, env.CI_PROJECT_DIR, gitTopLevel(cwd), ...extra];
  return [...new Set(roots.filter((root): root is string => typeof root === 'string' && root.trim() !== '').map((root) => path.resolve(cwd, root)))];
}

/** The nearest folder at or above `from` holding `.git` (a directory, or a file in a worktree), without running git. */
function gitTopLevel(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

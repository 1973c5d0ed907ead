/**
 * Where an attachment's file is, and whether it may be read at all. A result file can be written by anyone
 * (a pull request's test, a downloaded artifact), so a path it names is not trusted: only regular files inside
 * the workspace are read. `..` out of it, an absolute path elsewhere (`/etc/passwd`, `~/.ssh/id_rsa`) and a
 * symbolic link pointing out are refused, with a warning naming the path.
 *
 * A relative path is looked up next to the result file first (where JUnit writers mean it), then in the
 * working directory (where Playwright and most runners write their output).
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type Located = { kind: 'file'; path: string; size: number } | { kind: 'refused'; reason: string } | { kind: 'missing'; reason: string };

export interface LocateContext {
  /** The directory files may be read from (the working directory, or the CI workspace). */
  workspace: string;
  /** Other directories files may be read from, each as strictly (roots.ts: the repository root, Playwright's outputDirs). */
  roots?: readonly string[];
  /** The working directory relative paths fall back to. */
  cwd: string;
}

/** Paths as symbolic links resolve, so a link inside the workspace pointing out is seen as out. */
async function realWorkspace(workspace: string): Promise<string> {
  try {
    return await realpath(workspace);
  } catch {
    return path.resolve(workspace);
  }
}

function inside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The real paths of the workspace and of every other root, for locate. */
export async function realRoots(context: LocateContext): Promise<string[]> {
  return [...new Set(await Promise.all([context.workspace, ...(context.roots ?? [])].map(realWorkspace)))];
}

/**
 * `resultSource` is the result file as read (relative to `cwd`), or a reporter's name, which is no file: then
 * only the working directory is tried. `real` comes from realRoots(context) (or realWorkspace(context.workspace)).
 */
export async function locate(named: string, resultSource: string, context: LocateContext, real: string | readonly string[]): Promise<Located> {
  const root = path.resolve(context.workspace);
  const roots = [...new Set([root, ...(context.roots ?? []).map((r) => path.resolve(r))])];
  const reals = typeof real === 'string' ? [real] : real;
  const insideAny = (candidate: string, list: readonly string[]): boolean => list.some((r) => inside(r, candidate));
  const where = roots.length > 1 ? `the workspace ${root} (or ${roots.slice(1).join(', ')})` : `the workspace ${root}`;
  const candidates = path.isAbsolute(named)
    ? [path.normalize(named)]
    : [...new Set([path.resolve(path.dirname(path.resolve(context.cwd, resultSource)), named), path.resolve(context.cwd, named)])];
  const reasons: string[] = [];
  for (const candidate of candidates) {
    if (!insideAny(candidate, roots) && !insideAny(candidate, reals)) {
      reasons.push(`${candidate} is outside ${where}`);
      continue;
    }
    let realPath: string;
    try {
      realPath = await realpath(candidate);
    } catch {
      reasons.push(`${candidate} does not exist`);
      continue;
    }
    if (!insideAny(realPath, reals)) return { kind: 'refused', reason: `it leads outside ${where} (to ${realPath}); only files inside it are uploaded` };
    try {
      const info = await stat(realPath);
      if (!info.isFile()) return { kind: 'missing', reason: `${candidate} is not a regular file` };
      return { kind: 'file', path: realPath, size: info.size };
    } catch (error) {
      return { kind: 'missing', reason: `${candidate} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  if (reasons.length > 0 && reasons.every((r) => r.includes('outside the workspace'))) {
    return { kind: 'refused', reason: `it is outside ${where}; only files inside it are uploaded` };
  }
  return { kind: 'missing', reason: `not found (${reasons.join('; ')})` };
}

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
  /** The working directory relative paths fall back to. */
  cwd: string;
}

/** Paths as symbolic links resolve, so a link inside the workspace pointing out is seen as out. */
export async function realWorkspace(workspace: string): Promise<string> {
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

/**
 * `resultSource` is the result file as read (relative to `cwd`), or a reporter's name, which is no file: then
 * only the working directory is tried. `realRoot` comes from realWorkspace(context.workspace).
 */
export async function locate(named: string, resultSource: string, context: LocateContext, realRoot: string): Promise<Located> {
  const root = path.resolve(context.workspace);
  const candidates = path.isAbsolute(named)
    ? [path.normalize(named)]
    : [...new Set([path.resolve(path.dirname(path.resolve(context.cwd, resultSource)), named), path.resolve(context.cwd, named)])];
  const reasons: string[] = [];
  for (const candidate of candidates) {
    if (!inside(root, candidate) && !inside(realRoot, candidate)) {
      reasons.push(`${candidate} is outside the workspace ${root}`);
      continue;
    }
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      reasons.push(`${candidate} does not exist`);
      continue;
    }
    if (!inside(realRoot, real)) return { kind: 'refused', reason: `it leads outside the workspace ${root} (to ${real}); only files inside it are uploaded` };
    try {
      const info = await stat(real);
      if (!info.isFile()) return { kind: 'missing', reason: `${candidate} is not a regular file` };
      return { kind: 'file', path: real, size: info.size };
    } catch (error) {
      return { kind: 'missing', reason: `${candidate} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  if (reasons.length > 0 && reasons.every((r) => r.includes('outside the workspace'))) {
    return { kind: 'refused', reason: `it is outside the workspace ${root}; only files inside it are uploaded` };
  }
  return { kind: 'missing', reason: `not found (${reasons.join('; ')})` };
}

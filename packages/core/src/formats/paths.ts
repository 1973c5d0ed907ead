import path from 'node:path';

/**
 * A test file as results show it: relative to `rootDir` (the runner's root) with `/` separators, so titles and
 * descriptions do not depend on where the checkout lies; the path as given when there is no root or the file
 * lies outside it.
 */
export function displayPath(filePath: string, rootDir: string | undefined): string {
  if (!rootDir || !path.isAbsolute(filePath)) return filePath;
  const relative = path.relative(rootDir, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return filePath;
  return relative.split(path.sep).join('/');
}

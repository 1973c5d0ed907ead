import path from 'node:path';

/**
 * A test file as results show it: relative to `rootDir` (the runner's root) with `/` separators, so titles and
 * descriptions do not depend on where the checkout lies; the path as given when there is no root or the file
 * lies outside it.
 */
export function displayPath(filePath: string, rootDir: string | undefined): string {
  if (!rootDir || !path.isAbsolute(filePath)) return filePath;
  // Converters ask once per test, so the same file comes thousands of times in a row: the last answer is kept.
  // Both paths are absolute, so the answer does not depend on the working directory.
  if (last && last.filePath === filePath && last.rootDir === rootDir) return last.shown;
  const shown = relativeDisplayPath(filePath, rootDir);
  if (path.isAbsolute(rootDir)) last = { filePath, rootDir, shown };
  return shown;
}

let last: { filePath: string; rootDir: string; shown: string } | undefined;

function relativeDisplayPath(filePath: string, rootDir: string): string {
  const relative = path.relative(rootDir, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return filePath;
  return relative.split(path.sep).join('/');
}

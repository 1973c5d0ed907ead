/**
 * The folders of packages/core/src form layers: the import graph between them (values and types alike, since a
 * type import ties two folders as much as a value does) has no cycle. A file directly in src/ (model.ts,
 * errors.ts…) counts as a folder of its own. Within folders, files have no import cycle either. Read from the sources with a pattern, not a compiler: every import
 * in core is a relative `import … from`, `export … from` or `import(…)`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../packages/core/src', import.meta.url));
const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The folder of core a file belongs to: its first path segment under src/, without `.ts` for a file in src/. */
function folderOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]?.replace(/\.ts$/, '') ?? '';
}

/** Folder → the folders its files import (itself left out); with `node` = the file itself, file → files. */
export function folderGraph(node: (file: string) => string = folderOf): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = node(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), match[1] ?? match[2] ?? '');
      if (!target.startsWith(SRC + path.sep)) continue;
      const to = node(target.replace(/\.js$/, '.ts'));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the path that closes it (`a → b → a`). */
export function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const walk = (node: string, trail: string[]): void => {
    const at = trail.indexOf(node);
    if (at >= 0) return void found.push([...trail.slice(at), node].join(' → '));
    if (done.has(node)) return;
    for (const next of [...(graph.get(node) ?? [])].sort()) walk(next, [...trail, node]);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) walk(node, []);
  return found;
}

/** The folders of core (directories only). */
function folders(): string[] {
  return readdirSync(SRC, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe('the folders of core', () => {
  it('each says in a header what it owns and may import (`/** <folder>/: …` opening one of its files)', () => {
    const withoutHeader = folders().filter(
      (folder) => !sourceFiles(path.join(SRC, folder)).some((file) => readFileSync(file, 'utf8').startsWith(`/**\n * ${folder}/: `)),
    );
    expect(withoutHeader).toEqual([]);
  });

  it('import one another without a cycle', () => {
    expect(cycles(folderGraph())).toEqual([]);
  });

  it('and their files import one another without a cycle either', () => {
    expect(cycles(folderGraph((file) => path.relative(SRC, file)))).toEqual([]);
  });

  it('the walk finds a cycle when there is one (a check that cannot fail protects nothing)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(graph)).toEqual(['a → b → c → a']);
  });

  it('the graph reads type imports and re-exports too', () => {
    const graph = folderGraph();
    expect(graph.get('index')).toContain('settings'); // export { … } from './settings/index.js'
    expect(graph.get('run')).toContain('api'); // import type { … } from '../api/client.js'
  });
});

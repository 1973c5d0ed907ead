/**
 * What the enclosing suites hand down to a testcase, one context per open suite level. Each level points at
 * its parent instead of copying the parent's path and property lists, so memory grows linearly with the
 * nesting depth (a copy per level made a 20,000-level file cost memory with the square of its depth); a
 * path is built only for a level whose testcases ask for it, and kept for the rest of them.
 */
import type { Property } from '../../model.js';

export interface SuiteContext {
  readonly parent: SuiteContext | undefined;
  /** The `name` this level adds to the suite path; '' for a level that adds none (`<testsuites>`, no name). */
  readonly name: string;
  file?: string;
  /** This level's own `<property>` elements, in document order. */
  readonly ownProperties: Property[];
  /** The merged properties of this and every enclosing level, shared by every testcase of the suite. */
  properties: Property[];
  /** The suite path, once a testcase asked for it. */
  path?: string[];
  /** The last classname read in the suite as written, and its trimmed, detached copy: testcases of a suite mostly share one. */
  lastClassname?: { raw: string; kept: string | undefined };
}

export function rootContext(): SuiteContext {
  return { parent: undefined, name: '', ownProperties: [], properties: [] };
}

export function childContext(parent: SuiteContext, name: string, file: string | undefined): SuiteContext {
  const context: SuiteContext = { parent, name, ownProperties: [], properties: parent.properties };
  if (file !== undefined) context.file = file;
  return context;
}

/** The names of the enclosing suites that have one, outermost first; built once per level that asks. */
export function suitePathOf(context: SuiteContext | undefined): string[] {
  if (context === undefined) return [];
  if (context.path !== undefined) return context.path;
  const names: string[] = [];
  let level: SuiteContext | undefined = context;
  while (level !== undefined && level.path === undefined) {
    if (level.name !== '') names.push(level.name);
    level = level.parent;
  }
  const outer = level?.path ?? [];
  // A level that adds no name shares its parent's list.
  context.path = names.length === 0 ? outer : [...outer, ...names.reverse()];
  return context.path;
}

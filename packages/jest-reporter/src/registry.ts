/**
 * The reporter's side of `attach()` (attach.cjs): create the registry directory, read what the tests registered,
 * and hang each file on its test's result. Best effort: a registry that cannot be created or read means no
 * attachments (said once), never a broken run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileOutcome } from 'testsigma-tm-core';

/** The variable `attach()` (attach.cjs, CommonJS so Jest's module system can load it) reads; the same name there. */
const ATTACHMENTS_DIR_ENV = 'TESTSIGMA_TM_JEST_ATTACHMENTS_DIR';

/** One line of the registry, as attach.cjs writes it. */
export interface RegisteredAttachment {
  /** Absolute path of the test file (Jest's testPath). */
  testPath: string;
  /** Jest's full test name: describe titles and the test title, joined by spaces. */
  testName: string;
  /** Absolute path of the file. */
  path: string;
  name: string;
}

/** Creates the directory and names it in the environment the workers inherit; undefined when it cannot. */
export function openRegistry(): string | undefined {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'testsigma-tm-jest-attachments-'));
    process.env[ATTACHMENTS_DIR_ENV] = dir;
    return dir;
  } catch {
    return undefined;
  }
}

/** Every registered line (a torn or foreign line is skipped). */
export function readRegistry(dir: string): RegisteredAttachment[] {
  const out: RegisteredAttachment[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return out;
  }
  for (const name of names) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      try {
        const parsed = JSON.parse(line) as Partial<RegisteredAttachment>;
        if (typeof parsed.testPath === 'string' && typeof parsed.testName === 'string' && typeof parsed.path === 'string') {
          out.push({
            testPath: parsed.testPath,
            testName: parsed.testName,
            path: parsed.path,
            name: typeof parsed.name === 'string' ? parsed.name : parsed.path,
          });
        }
      } catch {
        // an empty or torn line
      }
    }
  }
  return out;
}

/** Adds each registered file to the result of its test (matched by test file and Jest's full name). */
export function applyRegistry(files: readonly FileOutcome[], registered: readonly RegisteredAttachment[]): void {
  if (registered.length === 0) return;
  const byTest = new Map<string, RegisteredAttachment[]>();
  for (const r of registered) {
    const key = `${r.testPath}\u0000${r.testName}`;
    byTest.set(key, [...(byTest.get(key) ?? []), r]);
  }
  for (const file of files) {
    for (const result of file.results) {
      const found = byTest.get(`${file.path}\u0000${[...result.suitePath, result.name].join(' ')}`);
      for (const r of found ?? []) {
        if (!result.attachments.some((a) => a.path === r.path)) result.attachments.push({ name: r.name, path: r.path });
      }
    }
  }
}

export function closeRegistry(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // a leftover temporary directory is harmless
  }
}

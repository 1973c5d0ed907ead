/**
 * The token and credentials in URLs must never reach an output or a file. Tests that run our programs collect
 * every stdout and stderr and the directories the programs could write to (spools, summaries, temp dirs), and
 * search them all at the end: a leak is named by where it was found, never by printing the secret itself.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from './run.js';

export class SecretSearch {
  private readonly outputs: { what: string; text: string }[] = [];

  /** `secrets` are the exact strings that must not appear (the token, `user:pass@`, a password). */
  constructor(private readonly secrets: readonly string[]) {
    if (secrets.some((s) => s.length < 6)) throw new Error('a secret to search for must be at least 6 characters, or every match is noise');
  }

  /** Keep a program's outputs for the search; returns the result unchanged, to wrap a call. */
  record(what: string, result: RunResult): RunResult {
    this.outputs.push({ what: `${what} stdout`, text: result.stdout }, { what: `${what} stderr`, text: result.stderr });
    return result;
  }

  get recorded(): number {
    return this.outputs.length / 2;
  }

  /** Where any secret was found: in the recorded outputs, or in a file under one of `dirs` (recursively). */
  async leaks(dirs: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    const check = (what: string, text: string) => {
      this.secrets.forEach((secret, i) => {
        if (text.includes(secret)) found.push(`secret #${i + 1} in ${what}`);
      });
    };
    for (const { what, text } of this.outputs) check(what, text);
    for (const dir of dirs) for (const file of await filesUnder(dir)) check(file, await readFile(file, 'latin1'));
    return found;
  }
}

/** Every regular file under `dir` (none when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

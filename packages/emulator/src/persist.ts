// `--data FILE`: the data (not the request log) survives restarts. Written after each change through a
// temporary file and a rename, so a crash mid-write leaves the previous complete file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreData } from './types.js';

const FORMAT = 'testsigma-tm-emulator/state';

export function loadDataFile(file: string): StoreData | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Data file ${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}); remove it to start from the seed.`, {
      cause: err,
    });
  }
  const doc = parsed as { format?: unknown; data?: StoreData } | null;
  if (doc?.format !== FORMAT || doc.data?.version !== 1) {
    throw new Error(`Data file ${file} was not written by testsigma-tm-emulator (format ${FORMAT}, version 1); remove it to start from the seed.`);
  }
  return doc.data;
}

export function saveDataFile(file: string, data: StoreData): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ format: FORMAT, data })}\n`);
  renameSync(tmp, file);
}

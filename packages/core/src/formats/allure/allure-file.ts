/**
 * One Allure JSON file (`*-result.json`, `*-container.json`, `*-globals.json`) as a value. Most are a few
 * kilobytes and read with JSON.parse; a large one (a test that attached megabytes of trace or logged into its
 * status details) is read in pieces through the tokenizer, its long strings cut as they are read, so memory
 * stays bounded whatever the file's size.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { FAILURE_TEXT, OTHER_TEXT, type StringLimit } from '../json-stream/long-string.js';
import { JsonItemStream, type ItemRoutes, type PathStep, type Route } from '../json-stream/item-stream.js';
import { stripBom } from '../text.js';

/** Files up to this size are parsed whole: JSON.parse is several times faster than the tokenizer. */
const WHOLE_FILE_BYTES = 4 * 1024 * 1024;

/** Builds the document whole, its strings cut: a result's message and trace to the stack cap, others to the output cap. */
export class AllureFileReader implements ItemRoutes {
  result: unknown;

  route(_path: readonly PathStep[]): Route {
    return 'build';
  }

  value(_path: readonly PathStep[], value: unknown): void {
    this.result = value;
  }

  limit(key: string | undefined): StringLimit {
    return key === 'message' || key === 'trace' ? FAILURE_TEXT : OTHER_TEXT;
  }
}

/** The file's JSON value; `size` is what stat said. Throws (a SyntaxError or an InputError) when it is not JSON. */
export async function readAllureFile(file: string, shown: string, size: number): Promise<unknown> {
  if (size <= WHOLE_FILE_BYTES) return JSON.parse(stripBom(await readFile(file, 'utf8'))) as unknown;
  const reader = new AllureFileReader();
  const stream = new JsonItemStream(shown, 'an Allure result (<uuid>-result.json)', reader);
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) stream.write(chunk as string);
  stream.end();
  return reader.result;
}

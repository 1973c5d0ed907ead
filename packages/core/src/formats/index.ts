/** The parsing stage: result files (JUnit XML, Jest --json, Playwright JSON) → the one result model. */
export { FORMATS, detect, expectedFormats } from './registry.js';
export type { Format, FormatId, ReadContext } from './format.js';
export { parseJestJson } from './jest/jest-json.js';
export { parseJUnit } from './junit/junit.js';
export { parsePlaywrightJson, playwrightGlobalErrors } from './playwright/playwright-json.js';
export {
  DEFAULT_MAX_FILE_BYTES,
  decodeResultBytes,
  parseResultText,
  readResultFile,
  readResultFiles,
  type ReadFileOptions,
  type ParsedText,
  type ReadFileOutcome,
  type ReadOptions,
} from './read-files.js';

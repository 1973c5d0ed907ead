/**
 * testsigma-tm-core: everything the CLI, the GitHub Action and the reporters share.
 * Hosts use: resolveSettings → (readResultFiles | their own TestResult[]) → uploadResults → render*.
 */
export * from './model.js';
export * from './errors.js';
export * from './settings.js';
export * from './log.js';
export * from './ci.js';
export * from './summary.js';
export * from './pipeline.js';
export { readResultFiles, parseResultText } from './formats/index.js';
export * from './formats/jest/jest.js';
export { displayPath } from './formats/paths.js';
// Playwright live reporter → the same rules as the Playwright JSON reader (added for playwright-reporter).
export { playwrightTestToResult, type LivePlaywrightTest } from './formats/playwright/from-live.js';
export { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, msOrUndefined, nonEmpty, normaliseTags } from './formats/text.js';
export * from './reporting.js';
export * from './map/index.js';
export * from './plan/index.js';
export { VERSION } from './version.js';

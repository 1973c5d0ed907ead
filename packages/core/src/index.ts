/**
 * testsigma-tm-core's public API: what a library user needs to read result files, resolve settings, upload and
 * report. Listed name by name (no `export *`), so an internal never becomes public by accident; the reporters'
 * plumbing is a separate entry, `testsigma-tm-core/reporter`.
 *
 * Use: resolveSettings → resultFileSource (or readResultFiles, or your own TestResult[]) → uploadResults → renderText / renderMarkdown.
 */
export { uploadResults } from './pipeline/upload.js';
export type { UploadInput, UploadOutcome } from './pipeline/stages.js';
export { runUrl } from './pipeline/outcome-summary.js';
export { applyEmptyPolicy } from './pipeline/inputs.js';
/** A host stopped by a signal aborts UploadInput.interrupt with `new StopRequested('SIGINT')` (or 'SIGTERM'). */
export { StopRequested, stoppedBy, type StopSignal } from './pipeline/interrupted.js';
export { closeRunCommand, resumeCommand, type CommandInput, type CommandOutcome } from './operations/commands.js';
export { ACTION_MODES, type ActionMode } from './operations/table.js';
export { doctor, type DoctorCheck, type DoctorInput, type DoctorOutcome } from './operations/doctor.js';
export { renderText, whatToDoLine } from './report/summary-text.js';
export { renderMarkdown } from './report/summary-markdown.js';
export {
  emptySummary,
  filesByUse,
  type CaseCounts,
  type FailedTest,
  type FileSummary,
  type MappingLine,
  type MappingReason,
  type UploadFigures,
  type UploadSummary,
} from './report/summary.js';
export { ANNOTATION_LIMIT, failureAnnotations, locate, type Annotation, type AnnotationSet, type SourceLocation } from './report/annotations.js';
export { readResultFiles, resultFileSource, type ResultFileSource } from './formats/read-files.js';
// For a host in a process of its own (the CLI's bin, the Action's entry): see hosts/young-generation.ts.
export { boundYoungGeneration } from './hosts/young-generation.js';
export { tierCompilerFor } from './hosts/compiler-tier.js';
export {
  DEFAULT_BASE_URL,
  SETTINGS,
  SETTING_KEYS,
  closest,
  readSettings,
  resolveSettings,
  settingLabel,
  type ConfigFile,
  type Env,
  type Host,
  type SettingKey,
  type Settings,
  type SettingsInput,
  type SettingsReading,
} from './settings/index.js';
export {
  ApiError,
  ConfigError,
  ERROR_CODES,
  InputError,
  InternalError,
  InterruptedError,
  MappingError,
  TestsigmaTmError,
  UnsentResultsError,
  UsageError,
  asToolError,
  exitCodeFor,
  type ErrorCode,
} from './errors.js';
export {
  displayTitle,
  fullTitle,
  isFlaky,
  type Attachment,
  type Attempt,
  type FileOutcome,
  type FileOutsideTests,
  type OutsideTestError,
  type Property,
  type ResultSource,
  type TestResult,
  type TestStatus,
} from './model.js';
export type { Logger } from './log.js';
export { redact, redactDeep } from './redact.js';
export { VERSION } from './version.js';

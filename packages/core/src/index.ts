/**
 * testsigma-tm-core's public API: what a library user needs to read result files, resolve settings, upload and
 * report. Listed name by name (no `export *`), so an internal never becomes public by accident; the reporters'
 * plumbing is a separate entry, `testsigma-tm-core/reporter`.
 *
 * Use: resolveSettings → resultFileSource (or readResultFiles, or your own TestResult[]) → uploadResults → renderText / renderMarkdown.
 */
export { uploadResults, type UploadInput, type UploadOutcome } from './upload/upload.js';
export { runUrl } from './upload/outcome-summary.js';
export { applyEmptyPolicy } from './upload/inputs.js';
export { closeRunCommand, resumeCommand, type CommandInput, type CommandOutcome } from './upload/commands.js';
export { doctor, type DoctorCheck, type DoctorInput, type DoctorOutcome } from './upload/doctor.js';
export {
  emptySummary,
  renderMarkdown,
  renderText,
  type CaseCounts,
  type FailedTest,
  type FileSummary,
  type MappingLine,
  type MappingReason,
  type UploadFigures,
  type UploadSummary,
} from './upload/summary.js';
export { ANNOTATION_LIMIT, failureAnnotations, locate, type Annotation, type AnnotationSet, type SourceLocation } from './upload/annotations.js';
export { readResultFiles, resultFileSource, type ResultFileSource } from './formats/read-files.js';
export {
  DEFAULT_BASE_URL,
  SETTINGS,
  SETTING_KEYS,
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
  type Property,
  type ResultSource,
  type TestResult,
  type TestStatus,
} from './model.js';
export type { Logger } from './log.js';
export { redact, redactDeep } from './redact.js';
export { VERSION } from './version.js';

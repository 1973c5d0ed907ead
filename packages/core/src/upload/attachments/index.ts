export { attachmentsFor, contentTypeOf, fileNameOf, inUploadOrder, kindOf, type AttachmentKind, type AttachmentPolicy } from './choose.js';
export { locate, realWorkspace, type Located, type LocateContext } from './locate.js';
export {
  formatBytes,
  planAttachments,
  withSkippedNote,
  type AttachmentSettings,
  type CaseFiles,
  type CaseResults,
  type PlannedFile,
  type SkippedFile,
} from './plan.js';

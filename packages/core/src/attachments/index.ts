/**
 * attachments/: choosing, locating and sizing the files attached to results; imports no other folder.
 */
export { attachmentsFor, contentTypeOf, fileNameOf, inUploadOrder } from './choose.js';
export { planAttachments, withSkippedNote, type CaseFiles } from './plan.js';

export { attachmentsFor, contentTypeOf, fileNameOf, inUploadOrder } from './choose.js';
export { planAttachments, withSkippedNote, type CaseFiles } from './plan.js';

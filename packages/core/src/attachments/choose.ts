/**
 * Which of a result's attachments are candidates for upload, in which order, and with which content type.
 * Pure: no file is touched here (locate.ts does that).
 *
 * - Policy `failed` (the default): failed, errored and flaky results carry the attachments of their last failing
 *   attempt (the screenshot and trace of the failure a person needs); `all`: every result carries those of the
 *   attempt a person should see; `none`: nothing.
 * - Order: screenshots, then traces, then videos, then everything else, each group in the producer's order, so
 *   the per-case count keeps the most useful files.
 */
import { isFlaky, type Attachment, type TestResult } from '../model.js';

export type AttachmentPolicy = 'failed' | 'all' | 'none';

type AttachmentKind = 'screenshot' | 'trace' | 'video' | 'other';
const KIND_ORDER: readonly AttachmentKind[] = ['screenshot', 'trace', 'video', 'other'];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  webm: 'video/webm',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  zip: 'application/zip',
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  pdf: 'application/pdf',
  har: 'application/json',
};

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'video/webm': 'webm',
  'application/zip': 'zip',
  'application/json': 'json',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
};

/** The attachments of one result that the policy selects (not yet ordered or limited). */
export function attachmentsFor(result: TestResult, policy: AttachmentPolicy): Attachment[] {
  if (policy === 'none') return [];
  const failed = result.status === 'failed' || result.status === 'error' || isFlaky(result);
  if (policy === 'failed' && !failed) return [];
  if (!failed) return result.attachments;
  const lastFailing = [...result.attempts].reverse().find((a) => a.status === 'failed' || a.status === 'error');
  // A producer that knows attempts (Playwright) fills them; JUnit and Jest carry the result's own only.
  return lastFailing?.attachments && lastFailing.attachments.length > 0 ? lastFailing.attachments : result.attachments;
}

/** The file name sent: the path's last segment, or the name (with an extension from the content type) for inline content. */
export function fileNameOf(attachment: Attachment): string {
  if (attachment.path) return attachment.path.split(/[\\/]/).pop() || attachment.name;
  const name = attachment.name.replace(/[\\/]/g, '_') || 'attachment';
  const ext = attachment.contentType ? EXTENSIONS[attachment.contentType.split(';')[0]?.trim() ?? ''] : undefined;
  return ext && !/\.[A-Za-z0-9]{1,5}$/.test(name) ? `${name}.${ext}` : name;
}

/** From the extension; else what the producer said; else bytes. */
export function contentTypeOf(fileName: string, declared: string | undefined): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (ext && CONTENT_TYPES[ext]) ?? declared ?? 'application/octet-stream';
}

function kindOf(attachment: Attachment): AttachmentKind {
  const name = attachment.name.toLowerCase();
  const type = contentTypeOf(fileNameOf(attachment), attachment.contentType);
  if (name === 'trace' || /(^|[\\/])trace[^\\/]*\.zip$/i.test(attachment.path ?? '')) return 'trace';
  if (name === 'screenshot' || name.startsWith('screenshot') || type.startsWith('image/')) return 'screenshot';
  if (name === 'video' || type.startsWith('video/')) return 'video';
  return 'other';
}

/** Stable: screenshots, traces, videos, others. */
export function inUploadOrder<T extends Attachment>(attachments: readonly T[]): T[] {
  return KIND_ORDER.flatMap((kind) => attachments.filter((a) => kindOf(a) === kind));
}

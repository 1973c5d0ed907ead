/**
 * The files that go with each test case's result: chosen by the policy and order (choose.ts), found on disk
 * safely (locate.ts), then cut to the per-file size and per-case count. Nothing is read here but file metadata:
 * the bytes are streamed from disk when the batch is sent. Whatever is not sent is said: a refused or missing
 * path is a warning, and every file left out is named in the case's description and the summary with its reason.
 */
import { displayTitle, type TestResult } from '../model.js';
import type { Logger } from '../log.js';
import { attachmentsFor, contentTypeOf, fileNameOf, inUploadOrder, type AttachmentPolicy } from './choose.js';
import { locate, realRoots, type LocateContext } from './locate.js';

export interface PlannedFile {
  /** The file name sent with the part. */
  fileName: string;
  contentType: string;
  size: number;
  /** The real path on disk (read when sent), or */
  path?: string;
  /** inline content, base64. */
  body?: string;
}

export interface SkippedFile {
  /** The file name, or the path as the result named it. */
  name: string;
  reason: string;
}

export interface CaseFiles {
  files: PlannedFile[];
  skipped: SkippedFile[];
}

export interface AttachmentSettings extends LocateContext {
  policy: AttachmentPolicy;
  maxBytes: number;
  perCase: number;
  /** The one redaction (the token, credentials in URLs): a file's name is sent and shown, its path only opened. */
  redact?: (text: string) => string;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The planner for one upload: the workspace's real path is looked up once. */
async function attachmentPlanner(settings: AttachmentSettings, log: Logger): Promise<(results: TestResult[]) => Promise<CaseFiles>> {
  const reals = await realRoots(settings);
  return (results) => planCaseFiles(results, settings, reals, log);
}

async function planCaseFiles(results: TestResult[], settings: AttachmentSettings, realRoot: readonly string[], log: Logger): Promise<CaseFiles> {
  const out: CaseFiles = { files: [], skipped: [] };
  if (settings.policy === 'none') return out;
  const seen = new Set<string>();
  for (const result of results) {
    for (const attachment of inUploadOrder(attachmentsFor(result, settings.policy))) {
      const shown = settings.redact ?? ((text: string) => text);
      const fileName = shown(fileNameOf(attachment));
      let file: PlannedFile;
      if (attachment.path !== undefined && attachment.path !== '') {
        const found = await locate(attachment.path, result.source, settings, realRoot);
        if (found.kind !== 'file') {
          const what = found.kind === 'refused' ? 'refused' : 'missing or unreadable';
          log.warn(`Attachment ${attachment.path} of "${displayTitle(result)}" is not uploaded (${what}): ${found.reason}.`);
          out.skipped.push({ name: shown(attachment.path), reason: found.kind === 'refused' ? 'outside the workspace' : 'not found or unreadable' });
          continue;
        }
        if (seen.has(found.path)) continue;
        seen.add(found.path);
        file = { fileName, contentType: contentTypeOf(fileName, attachment.contentType), size: found.size, path: found.path };
      } else if (attachment.body !== undefined) {
        const key = `body:${attachment.name}:${attachment.body.length}:${attachment.body.slice(0, 64)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        file = {
          fileName,
          contentType: contentTypeOf(fileName, attachment.contentType),
          size: Buffer.byteLength(attachment.body, 'base64'),
          body: attachment.body,
        };
      } else {
        continue;
      }
      if (file.size > settings.maxBytes) {
        out.skipped.push({ name: fileName, reason: `${formatBytes(file.size)}, over the ${formatBytes(settings.maxBytes)} limit per file` });
      } else if (out.files.length >= settings.perCase) {
        out.skipped.push({ name: fileName, reason: `over the limit of ${settings.perCase} file(s) per test case` });
      } else {
        out.files.push(file);
      }
    }
  }
  return out;
}

const MAX_NOTE_LINES = 20;

/** The description with the files that were not sent named at its end, so none is dropped silently. */
export function withSkippedNote(description: string, skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return description;
  const lines = skipped.slice(0, MAX_NOTE_LINES).map((s) => `- ${s.name}: ${s.reason}`);
  if (skipped.length > MAX_NOTE_LINES) lines.push(`- … and ${skipped.length - MAX_NOTE_LINES} more`);
  return `${description}\n\nFiles not attached:\n${lines.join('\n')}`;
}

/** One mapped test case whose results may carry files. */
export interface CaseResults {
  caseId: string;
  results: TestResult[];
}

/** The files of every case, by test case id (cases with neither files nor skipped ones are left out). */
export async function planAttachments(cases: readonly CaseResults[], settings: AttachmentSettings, log: Logger): Promise<Map<string, CaseFiles>> {
  const byCase = new Map<string, CaseFiles>();
  if (settings.policy === 'none') return byCase;
  const plan = await attachmentPlanner(settings, log);
  for (const { caseId, results } of cases) {
    const planned = await plan(results);
    if (planned.files.length > 0 || planned.skipped.length > 0) byCase.set(caseId, planned);
  }
  return byCase;
}

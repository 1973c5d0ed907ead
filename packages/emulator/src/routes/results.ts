// PUT /projects/{pid}/test_runs/{rid}/test_cases: record results in a batch. Everything is checked before anything
// is written, so a refused call leaves the run exactly as it was.
import { createHash } from 'node:crypto';
import type { ProjectHandler } from '../context.js';
import { badRequest, unprocessable } from '../errors.js';
import { isMultipart, parseForm, parseJson } from '../multipart.js';
import type { AttachmentInfo, TestCaseRecord } from '../types.js';
import { runCaseView } from '../views.js';

interface Entry {
  test_case_id: string;
  test_run_status_id: string;
  user_id: string;
  description: string;
}

function readEntries(value: unknown): Entry[] {
  const list = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).test_run_cases : undefined;
  if (!Array.isArray(list)) {
    throw badRequest(
      'test_run_cases is required',
      'The body must be {"test_run_cases": [{"test_case_id", "test_run_status_id", "user_id", "description"}, ...]}.',
    );
  }
  if (list.length === 0) throw badRequest('test_run_cases is empty', 'Send at least one entry.');
  return list.map((raw: unknown, i): Entry => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    for (const key of ['test_case_id', 'test_run_status_id', 'user_id']) {
      if (typeof e[key] !== 'string' || e[key] === '') throw badRequest(`test_run_cases[${i}].${key} is required`, `${key} must be a UUID string.`);
    }
    if (e.description !== undefined && e.description !== null && typeof e.description !== 'string') {
      throw badRequest(`test_run_cases[${i}].description must be a string`);
    }
    return {
      test_case_id: String(e.test_case_id),
      test_run_status_id: String(e.test_run_status_id),
      user_id: String(e.user_id),
      description: typeof e.description === 'string' ? e.description : '',
    };
  });
}

/** The `data` part must be a plain field: a server reading form values does not see a file part. */
function dataField(form: FormData): string {
  const data = form.get('data');
  if (data === null) throw badRequest('Missing form field data', 'A multipart upload needs a text field named "data" holding the JSON.');
  if (typeof data !== 'string') {
    throw badRequest(
      'Form field data must be text, not a file',
      `The "data" part arrived as a file (filename ${JSON.stringify(data.name)}); append the JSON as a string, not as a Blob.`,
    );
  }
  return data;
}

async function sha256Of(file: File): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of file.stream()) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * The files of each entry, from parts named `attachments_<i>_<j>` (the j-th file of the i-th entry, from 0),
 * ordered by j. The body has already passed the size limit, so hashing the parts here is bounded.
 */
async function attachmentsOf(form: FormData, entryCount: number): Promise<Map<number, AttachmentInfo[]>> {
  const found: { i: number; j: number; info: AttachmentInfo }[] = [];
  for (const [field, value] of form) {
    const match = /^attachments_(\d+)_(\d+)$/.exec(field);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const i = Number(match[1]);
    if (typeof value === 'string') throw badRequest(`Part ${field} must be a file`, 'Attachments are file parts (with a filename).');
    if (i >= entryCount) {
      throw badRequest(
        `Part ${field} names entry ${i}, but test_run_cases has ${entryCount} ${entryCount === 1 ? 'entry' : 'entries'}`,
        `Attachment parts are named attachments_<i>_<j>: the j-th file of the i-th entry of test_run_cases, both counted from 0, so i must be below ${entryCount}. Nothing from this request was applied.`,
      );
    }
    found.push({ i, j: Number(match[2]), info: { name: value.name, size: value.size, content_type: value.type, sha256: await sha256Of(value) } });
  }
  found.sort((a, b) => a.i - b.i || a.j - b.j);
  const out = new Map<number, AttachmentInfo[]>();
  for (const { i, info } of found) out.set(i, [...(out.get(i) ?? []), info]);
  return out;
}

export const recordResults: ProjectHandler = async (ctx) => {
  const run = ctx.store.testRun(ctx.project, ctx.params.rid ?? '');
  const body = await ctx.readBody();

  let entries: Entry[];
  let attachments = new Map<number, AttachmentInfo[]>();
  if (isMultipart(ctx.contentType)) {
    const form = await parseForm(body, ctx.contentType);
    entries = readEntries(parseJson(Buffer.from(dataField(form), 'utf8'), 'Form field data'));
    attachments = await attachmentsOf(form, entries.length);
  } else {
    entries = readEntries(parseJson(body));
  }

  if (run.status === 'CLOSED') {
    throw unprocessable(`Test run ${run.human_id} (${run.id}) is CLOSED`, 'Results cannot be recorded in a CLOSED run; nothing from this request was applied.');
  }
  const selected = new Set(run.selection);
  const problems: { at: number; message: string }[] = [];
  entries.forEach((e, at) => {
    if (!selected.has(e.test_case_id.toLowerCase())) problems.push({ at, message: `test case ${e.test_case_id} is not part of test run ${run.human_id}` });
    if (!ctx.store.lookup('test_run_statuses', e.test_run_status_id)) problems.push({ at, message: `unknown test_run_status_id ${e.test_run_status_id}` });
    if (!ctx.store.user(e.user_id)) problems.push({ at, message: `unknown user_id ${e.user_id}` });
  });
  const [first] = problems;
  if (first !== undefined) {
    const all = problems.map((p) => `test_run_cases[${p.at}]: ${p.message}`).join('; ');
    throw unprocessable(first.message, `${all}. Nothing from this request was applied.`);
  }

  // Last write wins: a repeated entry (in this call or a later one) replaces the earlier result, its
  // attachments included (a write without files leaves the case without attachments).
  const now = Date.now();
  const touched = new Map<string, TestCaseRecord>();
  entries.forEach((e, i) => {
    const caseId = e.test_case_id.toLowerCase();
    const status = ctx.store.lookup('test_run_statuses', e.test_run_status_id);
    run.results[caseId] = {
      status_id: status?.id ?? '',
      status: status?.name ?? '',
      user_id: e.user_id.toLowerCase(),
      description: e.description,
      attachments: attachments.get(i) ?? [],
      updated_at: now,
      writes: (run.results[caseId]?.writes ?? 0) + 1,
    };
    const tc = ctx.store.caseById(caseId);
    if (tc) touched.set(caseId, tc);
  });
  run.updated_at = now;
  return {
    status: 200,
    body: { message: '', data: { test_run_cases: [...touched.values()].map((tc) => runCaseView(ctx.store, run, tc)) } },
  };
};

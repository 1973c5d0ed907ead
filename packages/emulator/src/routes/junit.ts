// The service's own JUnit import, simplified: processed at once (status `completed`), cases matched by
// `<PREFIX>-<n>` tokens in the testcase name or classname. The live matching rules are undocumented.
import type { ProjectHandler } from '../context.js';
import { single } from '../context.js';
import { badRequest, notFound, unprocessable } from '../errors.js';
import { newId } from '../ids.js';
import { isMultipart, parseForm } from '../multipart.js';
import type { ImportRecord, LookupRecord } from '../types.js';
import { importView } from '../views.js';

interface ParsedCase {
  name: string;
  classname: string;
  outcome: 'passed' | 'failed' | 'skipped';
  message: string;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, ref: string) => {
    const lower = ref.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? '';
  });
}

function attribute(attrs: string, name: string): string {
  const match = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs);
  return decodeEntities(match?.[2] ?? match?.[3] ?? '');
}

/** A tolerant scan, not a validating parser: enough for the shapes JUnit producers write. */
function parseJUnit(xml: string): ParsedCase[] {
  const cases: ParsedCase[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    const attrs = m[1] ?? '';
    const inner = m[3] ?? '';
    const problem = /<(failure|error)\b([^>]*)>?/.exec(inner);
    const skipped = /<skipped\b/.test(inner);
    cases.push({
      name: attribute(attrs, 'name'),
      classname: attribute(attrs, 'classname'),
      outcome: problem ? 'failed' : skipped ? 'skipped' : 'passed',
      message: problem ? attribute(problem[2] ?? '', 'message') : '',
    });
  }
  return cases;
}

export const importJUnit: ProjectHandler = async (ctx) => {
  const { project } = ctx;
  const run = ctx.store.testRun(project, ctx.params.rid ?? '');
  const body = await ctx.readBody();
  if (!isMultipart(ctx.contentType)) throw badRequest('Expected multipart/form-data', 'Send the report as a file part named junit_xml.');
  const part = (await parseForm(body, ctx.contentType)).get('junit_xml');
  if (part === null) throw badRequest('Missing junit_xml', 'Send the report as a file part named junit_xml.');
  if (run.status === 'CLOSED') throw unprocessable(`Test run ${run.human_id} (${run.id}) is CLOSED`, 'Results cannot be imported into a CLOSED run.');
  const xml = typeof part === 'string' ? part : await part.text();

  const record: ImportRecord = {
    id: newId(),
    project_id: project.id,
    test_run_id: run.id,
    status: 'completed',
    details: { imported_count: 0, failed_count: 0, errors: [] },
    created_at: Date.now(),
  };
  const parsed = parseJUnit(xml);
  const statuses: Record<ParsedCase['outcome'], LookupRecord | undefined> = {
    passed: ctx.store.runStatusNamed('Passed'),
    failed: ctx.store.runStatusNamed('Failed'),
    skipped: ctx.store.runStatusNamed('Skipped'),
  };
  const user = ctx.store.data.users.find((u) => u.status.toUpperCase() === 'ACTIVE');
  const token = new RegExp(`\\b${project.human_id_prefix}-(\\d+)\\b`, 'i');
  if (parsed.length === 0) {
    record.status = 'failed';
    record.details.errors.push('No <testcase> elements found in junit_xml.');
  }
  const now = Date.now();
  for (const tc of parsed) {
    const label = tc.classname ? `${tc.classname} ${tc.name}` : tc.name;
    const n = token.exec(tc.name)?.[1] ?? token.exec(tc.classname)?.[1];
    const target = n === undefined ? undefined : ctx.store.casesOf(project).find((c) => c.number === Number(n));
    const status = statuses[tc.outcome];
    let error: string | null = null;
    if (n === undefined) error = `"${label}": no ${project.human_id_prefix}-<n> id in the name`;
    else if (!target || !run.selection.includes(target.id)) error = `"${label}": ${project.human_id_prefix}-${n} is not part of test run ${run.human_id}`;
    else if (!status || !user) error = `"${label}": no ${tc.outcome} status or no active user to record it`;
    if (error !== null || !target || !status || !user) {
      record.details.failed_count++;
      record.details.errors.push(error ?? label);
      continue;
    }
    run.results[target.id] = {
      status_id: status.id,
      status: status.name,
      user_id: user.id,
      description: tc.message,
      attachments: [],
      updated_at: now,
      writes: (run.results[target.id]?.writes ?? 0) + 1,
    };
    record.details.imported_count++;
  }
  run.updated_at = now;
  ctx.store.data.imports.push(record);
  return single('import', importView(record));
};

export const importStatus: ProjectHandler = (ctx) => {
  const id = (ctx.params.iid ?? '').toLowerCase();
  const record = ctx.store.data.imports.find((i) => i.project_id === ctx.project.id && i.id === id);
  if (!record) throw notFound('Import', ctx.params.iid ?? '');
  return single('import', importView(record));
};

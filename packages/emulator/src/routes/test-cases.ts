import type { ProjectHandler } from '../context.js';
import { single } from '../context.js';
import { badRequest, unprocessable } from '../errors.js';
import { applyFilters } from '../filters.js';
import { newId } from '../ids.js';
import { listReply } from '../pagination.js';
import type { Lookups, TestCaseRecord } from '../types.js';
import { labelIdsFor, readLabelRefs } from '../labels.js';
import { has, jsonObject, optionalString, requiredString } from '../validate.js';
import { testCaseView } from '../views.js';

export const listTestCases: ProjectHandler = (ctx) => {
  let items = ctx.store.casesOf(ctx.project);
  const folderId = ctx.query.get('folder_id');
  if (folderId) items = items.filter((c) => c.folder_id === folderId.toLowerCase());
  const search = ctx.query.get('search')?.trim().toLowerCase();
  if (search) {
    items = items.filter((c) => [c.title, c.description, c.human_id].some((text) => text.toLowerCase().includes(search)));
  }
  const view = (c: TestCaseRecord): Record<string, unknown> => testCaseView(ctx.store, c);
  return listReply(ctx, 'test_cases', 'test_cases', applyFilters(items, ctx.query, view), view);
};

export const getTestCase: ProjectHandler = (ctx) => single('test_case', testCaseView(ctx.store, ctx.store.testCase(ctx.project, ctx.params.id ?? '')));

const REQUIRED_IDS: [field: string, kind: keyof Lookups | 'users'][] = [
  ['status_id', 'test_case_statuses'],
  ['priority_id', 'test_case_priorities'],
  ['type_id', 'test_case_types'],
  ['automation_type_id', 'test_case_automation_types'],
  ['owner_id', 'users'],
];

export const createTestCase: ProjectHandler = async (ctx) => {
  const { project } = ctx;
  const body = jsonObject(await ctx.readBody());
  const title = requiredString(body, 'title');
  const missing = REQUIRED_IDS.map(([field]) => field).filter((f) => typeof body[f] !== 'string' || body[f] === '');
  if (missing.length > 0) {
    throw badRequest(
      `Missing required fields: ${missing.join(', ')}`,
      'status_id, priority_id, type_id, automation_type_id and owner_id are all required (UUIDs).',
    );
  }
  const ids: Record<string, string> = {};
  for (const [field, kind] of REQUIRED_IDS) {
    const id = String(body[field]).toLowerCase();
    const exists = kind === 'users' ? ctx.store.user(id) : ctx.store.lookup(kind, id);
    if (!exists)
      throw unprocessable(
        `Unknown ${field} ${String(body[field])}`,
        `${field} must be the id of an entry of ${kind === 'users' ? 'GET /users' : `the ${kind} lookup`}.`,
      );
    ids[field] = id;
  }
  const folderId = optionalString(body, 'folder_id', true);
  if (typeof folderId === 'string') ctx.store.folder(project, folderId);
  const templateType = optionalString(body, 'template_type') ?? 'TCD';
  if (templateType !== 'TCD' && templateType !== 'STEPS') throw badRequest('Invalid template_type', 'template_type must be "TCD" or "STEPS".');
  // label_ids is the documented field; labels and label_names are emulator conveniences (see labels.ts).
  const labels = readLabelRefs(ctx.store, body, ['label_ids', 'labels', 'label_names']) ?? [];
  if (has(body, 'project_id') && String(body.project_id).toLowerCase() !== project.id) {
    throw unprocessable(`project_id ${String(body.project_id)} does not match the project in the path`);
  }

  const text = (key: string): string => optionalString(body, key, true) ?? '';
  const [description, preconditions, steps, expectedResults] = ['description', 'preconditions', 'steps', 'expected_results'].map(text);

  const now = Date.now();
  const n = project.next_case_number++;
  const tc: TestCaseRecord = {
    seq: ctx.store.nextSeq(),
    id: newId(),
    project_id: project.id,
    number: n,
    human_id: `${project.human_id_prefix}-${n}`,
    title,
    description: description ?? '',
    template_type: templateType,
    preconditions: preconditions ?? '',
    steps: steps ?? '',
    expected_results: expectedResults ?? '',
    folder_id: folderId?.toLowerCase() ?? null,
    status_id: ids.status_id ?? '',
    priority_id: ids.priority_id ?? '',
    type_id: ids.type_id ?? '',
    automation_type_id: ids.automation_type_id ?? '',
    owner_id: ids.owner_id ?? '',
    label_ids: labelIdsFor(ctx.store, labels),
    created_at: now,
    updated_at: now,
  };
  ctx.store.data.test_cases.push(tc);
  return single('test_case', testCaseView(ctx.store, tc), 201);
};

export const deleteTestCase: ProjectHandler = (ctx) => {
  const tc = ctx.store.testCase(ctx.project, ctx.params.id ?? '');
  const data = ctx.store.data;
  data.test_cases = data.test_cases.filter((c) => c !== tc);
  for (const run of data.test_runs) {
    run.selection = run.selection.filter((id) => id !== tc.id);
    delete run.results[tc.id];
  }
  return { status: 200, body: { message: '' } };
};

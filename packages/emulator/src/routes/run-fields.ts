// The body fields a run is created and updated with: all validated first (readRunFields), then applied
// (applyRunFields), so a refused request changes nothing.
import type { ProjectContext } from '../context.js';
import { badRequest, unprocessable } from '../errors.js';
import type { LabelRef } from '../labels.js';
import { labelIdsFor, readLabelRefs } from '../labels.js';
import type { TestRunRecord } from '../types.js';
import type { Obj } from '../validate.js';
import { has, optionalNumber, optionalString, optionalStringArray, requiredString } from '../validate.js';
import { testCaseView } from '../views.js';

const SELECTION_OPERATORS = new Set(['IN', 'NOT_IN', 'EQ', 'NEQ']);

/**
 * Evaluates `[{field, operator, values}]` (ANDed) over the project's cases, once, when the run is
 * written. Unknown ids in an `id IN [...]` list are refused: a silently smaller run hides client bugs.
 */
function evaluateSelection(ctx: ProjectContext, filters: unknown, key: string): string[] {
  const { project } = ctx;
  if (!Array.isArray(filters)) throw badRequest(`Invalid ${key}`, `${key} must be an array of {field, operator, values}.`);
  let cases = ctx.store.casesOf(project);
  const known = new Set(cases.map((c) => c.id));
  filters.forEach((raw: unknown, i) => {
    const f = (typeof raw === 'object' && raw !== null ? raw : {}) as Obj;
    const { field, operator, values } = f;
    if (typeof field !== 'string' || typeof operator !== 'string' || !Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
      throw badRequest(`Invalid ${key}[${i}]`, 'Each filter is {"field": "id", "operator": "IN", "values": ["<test case UUID>", ...]}.');
    }
    const op = operator.toUpperCase();
    if (!SELECTION_OPERATORS.has(op)) throw badRequest(`Unsupported operator ${operator} in ${key}[${i}]`, 'Supported: IN, NOT_IN, EQ, NEQ.');
    const wanted = new Set((values as string[]).map((v) => (field === 'id' ? v.toLowerCase() : v)));
    if (field === 'id' && (op === 'IN' || op === 'EQ')) {
      const unknown = (values as string[]).filter((id) => !known.has(id.toLowerCase()));
      if (unknown.length > 0) {
        throw unprocessable(
          `Test case ${unknown[0] ?? ''} not found in project ${project.id}`,
          `Unknown test case ids (bodies take UUIDs, not human ids): ${unknown.join(', ')}`,
        );
      }
    }
    cases = cases.filter((c) => {
      const actual = (testCaseView(ctx.store, c) as Obj)[field];
      const hit = typeof actual === 'string' || typeof actual === 'number' ? wanted.has(String(actual)) : false;
      return op === 'IN' || op === 'EQ' ? hit : !hit;
    });
  });
  return cases.sort((a, b) => a.seq - b.seq).map((c) => c.id);
}

/** The fields create and update share, validated before anything changes. */
export interface RunFields {
  title?: string;
  description?: string;
  status?: 'ACTIVE' | 'CLOSED';
  start_date?: number | null;
  end_date?: number | null;
  assignee_id?: string | null;
  test_plan_id?: string | null;
  labels?: LabelRef[];
  environment_ids?: string[];
  selection?: { type: 'STATIC' | 'DYNAMIC'; ids: string[] };
}

export function readRunFields(ctx: ProjectContext, body: Obj, creating: boolean): RunFields {
  const { project } = ctx;
  const out: RunFields = {};
  if (creating || has(body, 'title')) out.title = requiredString(body, 'title');
  const description = optionalString(body, 'description', true);
  if (description !== undefined) out.description = description ?? '';
  const status = optionalString(body, 'status');
  if (status !== undefined) {
    if (status !== 'ACTIVE' && status !== 'CLOSED') throw badRequest('Invalid status', 'status must be "ACTIVE" or "CLOSED".');
    out.status = status;
  }
  for (const key of ['start_date', 'end_date'] as const) {
    const value = optionalNumber(body, key);
    if (value !== undefined) out[key] = value;
  }
  const assignee = optionalString(body, 'assignee_id', true);
  if (assignee !== undefined) {
    if (assignee !== null && !ctx.store.user(assignee))
      throw unprocessable(`Unknown assignee_id ${assignee}`, 'assignee_id must be a user id from GET /users.');
    out.assignee_id = assignee?.toLowerCase() ?? null;
  }
  const plan = optionalString(body, 'test_plan_id', true);
  if (plan !== undefined) {
    if (plan !== null && !ctx.store.data.test_plans.some((p) => p.project_id === project.id && p.id === plan.toLowerCase())) {
      throw unprocessable(`Unknown test_plan_id ${plan}`, 'test_plan_id must be the UUID of a plan of this project.');
    }
    out.test_plan_id = plan?.toLowerCase() ?? null;
  }
  const labels = readLabelRefs(ctx.store, body, ['label_names', 'labels']);
  if (labels !== undefined) out.labels = labels;
  const environments = optionalStringArray(body, 'environment_ids');
  if (environments !== undefined) out.environment_ids = environments;
  if (has(body, 'project_id') && String(body.project_id).toLowerCase() !== project.id) {
    throw unprocessable(`project_id ${String(body.project_id)} does not match the project in the path`);
  }

  const selectionType = optionalString(body, 'selection_type');
  if (selectionType !== undefined && selectionType !== 'STATIC' && selectionType !== 'DYNAMIC') {
    throw badRequest('Invalid selection_type', 'selection_type must be "STATIC" or "DYNAMIC".');
  }
  if (selectionType === 'DYNAMIC' || (selectionType === undefined && !has(body, 'static_selection_filters') && has(body, 'dynamic_selection_filters'))) {
    out.selection = { type: 'DYNAMIC', ids: evaluateSelection(ctx, body.dynamic_selection_filters ?? [], 'dynamic_selection_filters') };
  } else if (has(body, 'static_selection_filters') || creating) {
    out.selection = { type: 'STATIC', ids: evaluateSelection(ctx, body.static_selection_filters ?? [], 'static_selection_filters') };
  }
  return out;
}

export function applyRunFields(ctx: ProjectContext, run: TestRunRecord, f: RunFields): void {
  if (f.title !== undefined) run.title = f.title;
  if (f.description !== undefined) run.description = f.description;
  if (f.status !== undefined) run.status = f.status;
  if (f.start_date !== undefined) run.start_date = f.start_date;
  if (f.end_date !== undefined) run.end_date = f.end_date;
  if (f.assignee_id !== undefined) run.assignee_id = f.assignee_id;
  if (f.test_plan_id !== undefined) run.test_plan_id = f.test_plan_id;
  if (f.labels !== undefined) run.label_ids = labelIdsFor(ctx.store, f.labels);
  if (f.environment_ids !== undefined) run.environment_ids = f.environment_ids;
  if (f.selection !== undefined) {
    // Replacing the selection keeps the results of cases that stay and drops the others'.
    const keep = new Set(f.selection.ids);
    run.selection_type = f.selection.type;
    run.selection = f.selection.ids;
    run.results = Object.fromEntries(Object.entries(run.results).filter(([id]) => keep.has(id)));
  }
  run.updated_at = Date.now();
}

import type { ProjectHandler } from '../context.js';
import { single } from '../context.js';
import { applyFilters } from '../filters.js';
import { newId } from '../ids.js';
import { listReply } from '../pagination.js';
import type { TestCaseRecord, TestRunRecord } from '../types.js';
import { jsonObject } from '../validate.js';
import { runCaseView, runView } from '../views.js';
import { applyRunFields, readRunFields } from './run-fields.js';

export const listRuns: ProjectHandler = (ctx) => {
  const items = ctx.store.data.test_runs.filter((r) => r.project_id === ctx.project.id);
  const view = (r: TestRunRecord): Record<string, unknown> => runView(ctx.store, r);
  return listReply(ctx, 'test_runs', 'test_runs', applyFilters(items, ctx.query, view), view);
};

export const getRun: ProjectHandler = (ctx) => single('test_run', runView(ctx.store, ctx.store.testRun(ctx.project, ctx.params.rid ?? '')));

export const listRunCases: ProjectHandler = (ctx) => {
  const run = ctx.store.testRun(ctx.project, ctx.params.rid ?? '');
  // One lookup table per request: finding each selected case by scanning every case costs O(cases²) per page,
  // seconds per page once a run holds tens of thousands of cases.
  const byId = new Map(ctx.store.data.test_cases.map((c) => [c.id, c]));
  const cases = run.selection.flatMap((id) => byId.get(id) ?? []);
  const view = (c: TestCaseRecord): Record<string, unknown> => runCaseView(ctx.store, run, c);
  return listReply(ctx, 'test_run_cases', 'test_run_cases', applyFilters(cases, ctx.query, view), view);
};

export const createRun: ProjectHandler = async (ctx) => {
  const { project } = ctx;
  const fields = readRunFields(ctx, jsonObject(await ctx.readBody()), true);
  const now = Date.now();
  const n = project.next_run_number++;
  const run: TestRunRecord = {
    seq: ctx.store.nextSeq(),
    id: newId(),
    project_id: project.id,
    number: n,
    human_id: `${project.human_id_prefix}-R-${n}`,
    title: '',
    description: '',
    status: 'ACTIVE',
    selection_type: 'STATIC',
    start_date: null,
    end_date: null,
    assignee_id: null,
    label_ids: [],
    test_plan_id: null,
    environment_ids: [],
    created_at: now,
    updated_at: now,
    selection: [],
    results: {},
  };
  applyRunFields(ctx, run, fields);
  ctx.store.data.test_runs.push(run);
  return single('test_run', runView(ctx.store, run), 201);
};

export const updateRun: ProjectHandler = async (ctx) => {
  const run = ctx.store.testRun(ctx.project, ctx.params.rid ?? '');
  const fields = readRunFields(ctx, jsonObject(await ctx.readBody()), false);
  applyRunFields(ctx, run, fields);
  return single('test_run', runView(ctx.store, run));
};

/** 204 without a body, as the reference pages say (the contract allows either). */
export const deleteRun: ProjectHandler = (ctx) => {
  const run = ctx.store.testRun(ctx.project, ctx.params.rid ?? '');
  ctx.store.data.test_runs = ctx.store.data.test_runs.filter((r) => r !== run);
  return { status: 204 };
};

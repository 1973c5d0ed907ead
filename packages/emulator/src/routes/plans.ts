import type { ProjectHandler } from '../context.js';
import { single } from '../context.js';
import { applyFilters } from '../filters.js';
import { newId } from '../ids.js';
import { listReply } from '../pagination.js';
import type { TestPlanRecord } from '../types.js';
import { jsonObject, optionalNumber, optionalString, requiredString } from '../validate.js';
import { planView } from '../views.js';

export const listPlans: ProjectHandler = (ctx) => {
  const items = ctx.store.data.test_plans.filter((p) => p.project_id === ctx.project.id);
  return listReply(ctx, 'test_plans', 'test_plans', applyFilters(items, ctx.query, planView), planView);
};

export const getPlan: ProjectHandler = (ctx) => single('test_plan', planView(ctx.store.testPlan(ctx.project, ctx.params.plid ?? '')));

export const createPlan: ProjectHandler = async (ctx) => {
  const { project } = ctx;
  const body = jsonObject(await ctx.readBody());
  const title = requiredString(body, 'title');
  const description = optionalString(body, 'description', true) ?? '';
  const startDate = optionalNumber(body, 'start_date') ?? null;
  const endDate = optionalNumber(body, 'end_date') ?? null;
  const now = Date.now();
  const n = project.next_plan_number++;
  const plan: TestPlanRecord = {
    seq: ctx.store.nextSeq(),
    id: newId(),
    project_id: project.id,
    number: n,
    human_id: `${project.human_id_prefix}-P-${n}`,
    title,
    description,
    status: 'ACTIVE',
    start_date: startDate,
    end_date: endDate,
    label_ids: [],
    created_at: now,
    updated_at: now,
  };
  ctx.store.data.test_plans.push(plan);
  return single('test_plan', planView(plan), 201);
};

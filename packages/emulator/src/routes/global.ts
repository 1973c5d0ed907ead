// Projects and the account-wide lists: lookups, users, labels.
import type { Handler, ProjectHandler } from '../context.js';
import { single } from '../context.js';
import { applyFilters } from '../filters.js';
import { listReply } from '../pagination.js';
import type { Lookups } from '../types.js';
import { labelView, lookupView, projectView, userView } from '../views.js';

export const listProjects: Handler = (ctx) => {
  const items = applyFilters(ctx.store.data.projects, ctx.query, projectView);
  return listReply(ctx, 'projects', 'projects', items, projectView);
};

export const getProject: ProjectHandler = (ctx) => single('project', projectView(ctx.project));

/** Lookups are paginated lists like any other (`data.<key>[]` + page_info). */
export function listLookup(kind: keyof Lookups, key: string): Handler {
  return (ctx) => {
    const items = ctx.store.data.lookups[kind].map((l, i) => ({ ...l, seq: i + 1 }));
    return listReply(ctx, key, kind, applyFilters(items, ctx.query, lookupView), lookupView);
  };
}

/** The one list the live service answers as a bare array, without page_info. */
export const listUsers: Handler = (ctx) => ({
  status: 200,
  body: { message: '', data: applyFilters(ctx.store.data.users, ctx.query, userView).map(userView) },
});

export const listLabels: Handler = (ctx) => {
  const items = ctx.store.data.labels.map((l, i) => ({ ...l, seq: i + 1 }));
  return listReply(ctx, 'labels', 'labels', applyFilters(items, ctx.query, labelView), labelView);
};

// The route table of the API (paths relative to /api/v1). `{name}` captures one path segment.
import type { Handler, ProjectHandler } from './context.js';
import * as cases from './routes/test-cases.js';
import * as folders from './routes/folders.js';
import * as global from './routes/global.js';
import * as junit from './routes/junit.js';
import * as plans from './routes/plans.js';
import * as results from './routes/results.js';
import * as runs from './routes/runs.js';

interface Route {
  method: string;
  /** `GET /projects/{pid}` — also the key of the per-route counts. */
  name: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = [];
  const source = path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { method, name: `${method} ${path}`, pattern: new RegExp(`^${source}$`), keys, handler };
}

/**
 * A route under `/projects/{pid}`: the project is resolved here, once, so an unknown project is the same
 * 404 on every such path and no handler can forget to check it.
 */
function inProject(method: string, subpath: string, handler: ProjectHandler): Route {
  return route(method, `/projects/{pid}${subpath}`, (ctx) => handler({ ...ctx, project: ctx.store.project(ctx.params.pid ?? '') }));
}

const ROUTES: Route[] = [
  route('GET', '/projects', global.listProjects),
  route('GET', '/users', global.listUsers),
  route('GET', '/labels', global.listLabels),
  route('GET', '/test_cases/statuses', global.listLookup('test_case_statuses', 'statuses')),
  route('GET', '/test_cases/priorities', global.listLookup('test_case_priorities', 'priorities')),
  route('GET', '/test_cases/types', global.listLookup('test_case_types', 'types')),
  route('GET', '/test_cases/automation_types', global.listLookup('test_case_automation_types', 'automation_types')),
  route('GET', '/test_runs/statuses', global.listLookup('test_run_statuses', 'statuses')),
  inProject('GET', '', global.getProject),
  inProject('GET', '/test_cases', cases.listTestCases),
  inProject('POST', '/test_cases', cases.createTestCase),
  inProject('GET', '/test_cases/{id}', cases.getTestCase),
  inProject('DELETE', '/test_cases/{id}', cases.deleteTestCase),
  inProject('GET', '/folders', folders.listFolders),
  inProject('POST', '/folders', folders.createFolder),
  inProject('GET', '/folders/{fid}', folders.getFolder),
  inProject('POST', '/folders/{fid}/move', folders.moveFolder),
  inProject('GET', '/test_plans', plans.listPlans),
  inProject('POST', '/test_plans', plans.createPlan),
  inProject('GET', '/test_plans/{plid}', plans.getPlan),
  inProject('GET', '/test_runs', runs.listRuns),
  inProject('POST', '/test_runs', runs.createRun),
  inProject('GET', '/test_runs/{rid}', runs.getRun),
  inProject('PUT', '/test_runs/{rid}', runs.updateRun),
  inProject('DELETE', '/test_runs/{rid}', runs.deleteRun),
  inProject('GET', '/test_runs/{rid}/test_cases', runs.listRunCases),
  inProject('PUT', '/test_runs/{rid}/test_cases', results.recordResults),
  inProject('POST', '/junit-import/test-run/{rid}', junit.importJUnit),
  inProject('GET', '/junit-imports/{iid}/status', junit.importStatus),
];

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export type RouteMatch =
  { kind: 'found'; name: string; handler: Handler; params: Record<string, string> } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

export function matchRoute(method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method !== method) {
      allowed.push(r.method);
      continue;
    }
    const params: Record<string, string> = {};
    r.keys.forEach((key, i) => {
      params[key] = safeDecode(m[i + 1] ?? '');
    });
    return { kind: 'found', name: r.name, handler: r.handler, params };
  }
  return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
}

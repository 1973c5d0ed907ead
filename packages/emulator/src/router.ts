// The route table of CONTRACT §5 (paths relative to /api/v1). `{name}` captures one path segment.
import type { Handler } from './context.js';
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

const ROUTES: Route[] = [
  route('GET', '/projects', global.listProjects),
  route('GET', '/projects/{pid}', global.getProject),
  route('GET', '/users', global.listUsers),
  route('GET', '/labels', global.listLabels),
  route('GET', '/test_cases/statuses', global.listLookup('test_case_statuses', 'statuses')),
  route('GET', '/test_cases/priorities', global.listLookup('test_case_priorities', 'priorities')),
  route('GET', '/test_cases/types', global.listLookup('test_case_types', 'types')),
  route('GET', '/test_cases/automation_types', global.listLookup('test_case_automation_types', 'automation_types')),
  route('GET', '/test_runs/statuses', global.listLookup('test_run_statuses', 'statuses')),
  route('GET', '/projects/{pid}/test_cases', cases.listTestCases),
  route('POST', '/projects/{pid}/test_cases', cases.createTestCase),
  route('GET', '/projects/{pid}/test_cases/{id}', cases.getTestCase),
  route('DELETE', '/projects/{pid}/test_cases/{id}', cases.deleteTestCase),
  route('GET', '/projects/{pid}/folders', folders.listFolders),
  route('POST', '/projects/{pid}/folders', folders.createFolder),
  route('GET', '/projects/{pid}/folders/{fid}', folders.getFolder),
  route('POST', '/projects/{pid}/folders/{fid}/move', folders.moveFolder),
  route('GET', '/projects/{pid}/test_plans', plans.listPlans),
  route('POST', '/projects/{pid}/test_plans', plans.createPlan),
  route('GET', '/projects/{pid}/test_plans/{plid}', plans.getPlan),
  route('GET', '/projects/{pid}/test_runs', runs.listRuns),
  route('POST', '/projects/{pid}/test_runs', runs.createRun),
  route('GET', '/projects/{pid}/test_runs/{rid}', runs.getRun),
  route('PUT', '/projects/{pid}/test_runs/{rid}', runs.updateRun),
  route('DELETE', '/projects/{pid}/test_runs/{rid}', runs.deleteRun),
  route('GET', '/projects/{pid}/test_runs/{rid}/test_cases', runs.listRunCases),
  route('PUT', '/projects/{pid}/test_runs/{rid}/test_cases', results.recordResults),
  route('POST', '/projects/{pid}/junit-import/test-run/{rid}', junit.importJUnit),
  route('GET', '/projects/{pid}/junit-imports/{iid}/status', junit.importStatus),
];

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export type RouteMatch =
  | { kind: 'found'; name: string; handler: Handler; params: Record<string, string> }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

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

/**
 * The simulated Test Management service's data and routes, with the emulator's semantics (packages/emulator/src
 * routes/runs.ts, results.ts, run-fields.ts; /work/shared/api/CONTRACT.md): one project, its run statuses, one
 * user, test cases listed page by page, runs created with a static selection, found by `title__CONTAINS`, updated
 * by PUT (a selection or label list replaces the whole list; a selection keeps the results of cases that stay),
 * closed by `status: CLOSED`, deleted; results recorded all or nothing (422 for a case outside the run or a CLOSED
 * run), last write wins. Synchronous and in memory: the transport (service.ts) decides when a request is applied.
 * Every write applied is counted, for the invariants.
 */

export interface SimCase {
  seq: number;
  id: string;
  human_id: string;
  title: string;
}

interface SimResult {
  status_id: string;
  description: string;
}

export interface SimRun {
  seq: number;
  id: string;
  human_id: string;
  title: string;
  description: string;
  status: 'ACTIVE' | 'CLOSED';
  selection: string[];
  results: Map<string, SimResult>;
  labels: string[];
  created_at: number;
  deleted: boolean;
  /** Applied transitions from ACTIVE to CLOSED. */
  closes: number;
  /** Result writes applied, by case id. */
  writes: Map<string, number>;
}

export interface Answer {
  status: number;
  body?: unknown;
}

/** A refusal: the emulator's error shape. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_NAMES = ['Passed', 'Failed', 'Blocked', 'Skipped', 'Untested'] as const;
export type StatusName = (typeof STATUS_NAMES)[number];

/** UUID-shaped ids from a counter: the same in every replay. */
function idFor(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export class ServiceState {
  readonly project = { id: idFor(1, 1), name: 'Demo', human_id_prefix: 'DEMO' };
  readonly statuses = STATUS_NAMES.map((name, i) => ({ id: idFor(2, i + 1), name, order: i + 1, alias: name.toLowerCase() }));
  readonly user = { id: idFor(3, 1), email: 'sim@example.com', first_name: 'Sim', last_name: 'User', status: 'ACTIVE' };
  readonly cases: SimCase[];
  private readonly untestedId = this.statusNamed('Untested');
  private readonly appliedRequests = new WeakSet<object>();
  private readonly statusNames = new Map(this.statuses.map((s) => [s.id, s.name]));
  private readonly caseById: Map<string, SimCase>;
  /** Each case as the service shows it, frozen: made once, a case never changes. */
  private readonly caseViews: Map<string, unknown>;
  readonly runs: SimRun[] = [];
  private seq = 0;
  private nextRun = 1;

  constructor(
    caseCount: number,
    /** The largest page the service answers (the emulator's is 100): small, so listings take several pages. */
    private readonly maxPageSize: number,
    private readonly now: () => number,
  ) {
    this.cases = Array.from({ length: caseCount }, (_, i) => ({
      seq: ++this.seq,
      id: idFor(4, i + 1),
      human_id: `DEMO-${i + 1}`,
      title: `case ${i + 1}`,
    }));
    this.caseById = new Map(this.cases.map((c) => [c.id, c]));
    this.caseViews = new Map(this.cases.map((c) => [c.id, caseView(c)]));
  }

  statusNamed(name: StatusName): string {
    return this.statuses.find((s) => s.name === name)!.id;
  }

  /**
   * Answer one request already decoded; never throws (a refusal is an answer). Every answer is built anew, but for
   * the views of what never changes (a case, a status): those are made once and frozen, so that the client can
   * read them and never change the service's own objects (a change would throw).
   */
  handle(method: string, path: string | Route, query: URLSearchParams, body: unknown, request?: object): Answer {
    try {
      return this.route(method, typeof path === 'string' ? routeOf(path) : path, query, body, request);
    } catch (error) {
      if (error instanceof Refusal) return { status: error.status, body: { message: error.message, errors: { code: error.status, message: error.message } } };
      throw error;
    }
  }

  private route(method: string, { parts, shape, keys }: Route, query: URLSearchParams, body: unknown, request: object | undefined): Answer {
    const [top, pid, , rid] = parts;
    const key = keys[method] ?? (keys[method] = `${method} ${shape}`);
    if (key === 'GET projects') return this.list('projects', [{ seq: 1, ...this.project }], query, (p) => ({ ...p }));
    if (key === 'GET test_runs/:pid' && pid === 'statuses')
      return this.list(
        'statuses',
        this.statuses.map((s, i) => ({ ...s, seq: i + 1 })),
        query,
        (s) => ({ ...s }),
      );
    if (key === 'GET users') return { status: 200, body: { message: '', data: [{ ...this.user }] } };
    if (top !== 'projects' || (pid !== this.project.id && pid !== this.project.name)) throw new Refusal(404, `Project ${pid} not found`);
    if (key === 'GET projects/:pid') return single('project', { ...this.project });
    if (key === 'GET projects/:pid/test_cases') return this.list('test_cases', this.cases, query, (c) => this.caseViews.get(c.id));
    if (key === 'GET projects/:pid/test_runs') {
      const text = query.get('title__CONTAINS')?.toLowerCase();
      const runs = this.runs.filter((r) => !r.deleted && (text === undefined || r.title.toLowerCase().includes(text)));
      return this.list('test_runs', runs, query, runView);
    }
    if (key === 'POST projects/:pid/test_runs') return single('test_run', runView(this.createRun(object(body))), 201);
    const run = this.runs.find((r) => !r.deleted && (r.id === rid || r.human_id === rid));
    if (!run) throw new Refusal(404, `Test run ${rid} not found`);
    if (key === 'GET projects/:pid/test_runs/:rid') return single('test_run', runView(run));
    if (key === 'PUT projects/:pid/test_runs/:rid') return single('test_run', runView(this.updateRun(run, object(body))));
    if (key === 'DELETE projects/:pid/test_runs/:rid') {
      run.deleted = true;
      return { status: 204 };
    }
    if (key === 'GET projects/:pid/test_runs/:rid/test_cases') {
      const wanted = query.get('status_id') ?? query.get('status_id__EQ');
      // Rows by case order; each row's view is built only if it is on the page asked for.
      const rows = run.selection
        .map((id) => ({ seq: this.caseById.get(id)!.seq, id }))
        .filter((row) => wanted === null || this.statusOf(run, row.id) === wanted);
      return this.list('test_run_cases', rows, query, (row) => this.runCase(run, row.id).view);
    }
    if (key === 'PUT projects/:pid/test_runs/:rid/test_cases') return this.recordResults(run, object(body), request);
    throw new Refusal(404, `No route ${method} /${parts.join('/')}`);
  }

  /** Keyset pagination like the emulator's: `next` is an opaque cursor sent back with the original query. */
  private list<T extends { seq: number }>(key: string, items: T[], query: URLSearchParams, view: (item: T) => unknown): Answer {
    const size = Math.min(Number(query.get('page_size') ?? 20) || 20, this.maxPageSize);
    const cursor = query.get('cursor');
    const after = cursor === null ? 0 : Number(/^after-(\d+)$/.exec(cursor)?.[1] ?? 0);
    // The page: the first `size` items past the cursor, and whether any is left after it (items come in seq order).
    let first = 0;
    while (first < items.length && items[first]!.seq <= after) first++;
    const page = items.slice(first, first + size);
    const next = items.length - first > size ? `after-${page.at(-1)!.seq}` : null;
    return { status: 200, body: { message: '', data: { [key]: page.map(view) }, page_info: { page_size: size, total_count: items.length, next, prev: null } } };
  }

  private statusOf(run: SimRun, caseId: string): string {
    return run.results.get(caseId)?.status_id ?? this.untestedId;
  }

  private runCase(run: SimRun, caseId: string): { seq: number; status_id: string; view: unknown } {
    const c = this.caseById.get(caseId)!;
    const status = this.statusOf(run, caseId);
    const name = this.statusNames.get(status);
    return {
      seq: c.seq,
      status_id: status,
      view: { id: `${run.id}:${c.id}`, status_id: status, status: name, assignee_id: this.user.id, test_case: this.caseViews.get(c.id) },
    };
  }

  private createRun(body: Record<string, unknown>): SimRun {
    if (typeof body.title !== 'string' || body.title === '') throw new Refusal(400, 'title is required');
    const n = this.nextRun++;
    const run: SimRun = {
      seq: ++this.seq,
      id: idFor(5, n),
      human_id: `DEMO-R-${n}`,
      title: body.title,
      description: '',
      status: 'ACTIVE',
      selection: [],
      results: new Map(),
      labels: [],
      created_at: this.now(),
      deleted: false,
      closes: 0,
      writes: new Map(),
    };
    this.applyFields(run, body, true);
    this.runs.push(run);
    return run;
  }

  private updateRun(run: SimRun, body: Record<string, unknown>): SimRun {
    this.applyFields(run, body, false);
    return run;
  }

  /** Validate every field first, then apply: a refused update changes nothing. */
  private applyFields(run: SimRun, body: Record<string, unknown>, creating: boolean): void {
    const status = body.status;
    if (status !== undefined && status !== 'ACTIVE' && status !== 'CLOSED') throw new Refusal(400, 'status must be "ACTIVE" or "CLOSED".');
    const labels = body.label_names ?? body.labels;
    if (labels !== undefined && (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string'))) throw new Refusal(400, 'label_names must be strings');
    const selection = body.static_selection_filters !== undefined || creating ? this.selectionOf(body.static_selection_filters ?? []) : undefined;
    if (typeof body.title === 'string') run.title = body.title;
    if (typeof body.description === 'string') run.description = body.description;
    if (status === 'CLOSED' && run.status === 'ACTIVE') run.closes++;
    if (status !== undefined) run.status = status;
    if (labels !== undefined) run.labels = [...new Set(labels as string[])];
    if (selection) {
      const keep = new Set(selection);
      run.selection = selection;
      for (const id of [...run.results.keys()]) if (!keep.has(id)) run.results.delete(id);
    }
  }

  /** `[{field: 'id', operator: 'IN', values}]` → the selected case ids in case order; unknown ids are refused. */
  private selectionOf(filters: unknown): string[] {
    if (!Array.isArray(filters)) throw new Refusal(400, 'static_selection_filters must be an array');
    let ids = new Set(this.cases.map((c) => c.id));
    for (const f of filters as { field?: unknown; operator?: unknown; values?: unknown }[]) {
      if (f.field !== 'id' || f.operator !== 'IN' || !Array.isArray(f.values))
        throw new Refusal(400, 'the simulation selects by {field: "id", operator: "IN"}');
      const wanted = new Set((f.values as string[]).map((v) => v.toLowerCase()));
      const unknown = [...wanted].filter((v) => !ids.has(v));
      if (unknown.length > 0) throw new Refusal(422, `Test case ${unknown[0]} not found in project ${this.project.id}`);
      ids = new Set([...ids].filter((id) => wanted.has(id)));
    }
    return this.cases.filter((c) => ids.has(c.id)).map((c) => c.id);
  }

  /**
   * A retry of a request already applied (its answer was lost) lands again but is not another write of the
   * protocol's: `writes` counts each request once, however often the HTTP client had to send it.
   */
  private recordResults(run: SimRun, body: Record<string, unknown>, request: object | undefined): Answer {
    const again = request !== undefined && this.appliedRequests.has(request);
    const entries = body.test_run_cases;
    if (!Array.isArray(entries) || entries.length === 0) throw new Refusal(400, 'test_run_cases is required');
    if (run.status === 'CLOSED') throw new Refusal(422, `Test run ${run.human_id} (${run.id}) is CLOSED`);
    const selected = new Set(run.selection);
    for (const e of entries as Record<string, unknown>[]) {
      const caseId = String(e.test_case_id ?? '').toLowerCase();
      if (!selected.has(caseId)) throw new Refusal(422, `test case ${caseId} is not part of test run ${run.human_id}`);
      if (!this.statuses.some((s) => s.id === e.test_run_status_id)) throw new Refusal(422, `unknown test_run_status_id ${String(e.test_run_status_id)}`);
      if (e.user_id !== this.user.id) throw new Refusal(422, `unknown user_id ${String(e.user_id)}`);
    }
    for (const e of entries as Record<string, string>[]) {
      const caseId = e.test_case_id!.toLowerCase();
      run.results.set(caseId, { status_id: e.test_run_status_id!, description: e.description ?? '' });
      if (!again) run.writes.set(caseId, (run.writes.get(caseId) ?? 0) + 1);
    }
    if (request) this.appliedRequests.add(request);
    const touched = [...new Set((entries as Record<string, string>[]).map((e) => e.test_case_id!.toLowerCase()))];
    return { status: 200, body: { message: '', data: { test_run_cases: touched.map((id) => this.runCase(run, id).view) } } };
  }
}

/** A path under the base URL, split: `routeOf` makes it (service.ts keeps it with the URL it came from). */
export interface Route {
  parts: string[];
  /** The path with its ids as placeholders: `projects/:pid/test_runs/:rid`. */
  shape: string;
  /** `GET projects/:pid/test_runs/:rid` by method, made once. */
  keys: Record<string, string>;
}

/** Paths seen, split: a schedule asks for the same few again and again, and every schedule for the same ones. */
const routes = new Map<string, Route>();

export function routeOf(path: string): Route {
  let route = routes.get(path);
  if (!route) {
    const parts = path.split('/').filter(Boolean);
    const [top, pid, kind, rid, sub] = parts;
    route = { parts, shape: [top, pid && ':pid', kind, rid && ':rid', sub].filter(Boolean).join('/'), keys: {} };
    if (routes.size >= 1000) routes.clear();
    routes.set(path, route);
  }
  return route;
}

function single(key: string, value: unknown, status = 200): Answer {
  return { status, body: { message: '', data: { [key]: value } } };
}

function object(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Refusal(400, 'The body must be a JSON object.');
  return body as Record<string, unknown>;
}

function caseView(c: SimCase): unknown {
  return Object.freeze({ id: c.id, human_id: c.human_id, title: c.title, description: '', folder_id: null, project_id: '', labels: Object.freeze([]) });
}

function runView(r: SimRun): unknown {
  return {
    id: r.id,
    human_id: r.human_id,
    title: r.title,
    description: r.description,
    status: r.status,
    selection_type: 'STATIC',
    labels: r.labels.map((name) => ({ id: `label:${name}`, name })),
    test_cases_count: r.selection.length,
    created_at: r.created_at,
    updated_at: r.created_at,
  };
}

/**
 * api/: the HTTP client and the Test Management API's endpoints and wire types; a leaf (imports no other
 * folder).
 *
 * The endpoints the integration uses, typed, each one request or one paginated listing. Every answer is
 * checked by the guards in wire.ts before the tool reads it. Calls may run concurrently (e.g. several
 * `putResults`): the HTTP client's pacer schedules them within the rate limit.
 */
import type { HttpClient } from './http.js';
import type { FormFile, FormPart } from './transport.js';
import { listAll, type Observed } from './paginate.js';
import {
  readFolder,
  readLookup,
  readPage,
  readProject,
  readRunCase,
  readRunStatus,
  readSingle,
  readTestCase,
  readTestPlan,
  readTestRun,
  readUser,
  type AnswerContext,
  type Reader,
  type Folder,
  type Lookup,
  type Project,
  type ResultEntry,
  type RunCase,
  type RunStatus,
  type TestCase,
  type TestPlan,
  type TestRun,
  type User,
} from './wire.js';

/** A file sent with a result: on disk (streamed) or inline base64. */
export type ResultFile = Omit<FormFile, 'name'>;

export type { Folder, Lookup, Project, ResultEntry, RunCase, RunStatus, TestCase, TestPlan, TestRun, User } from './wire.js';

export interface NewRun {
  title: string;
  description: string;
  projectId: string;
  caseIds: string[];
  assigneeId: string;
  labels: string[];
  now: number;
  /** The plan's UUID (bodies take UUIDs only). */
  testPlanId?: string;
  environmentIds?: string[];
}

/** How a create (of a run, of a test case) that may have been applied is found rather than made twice. */
export interface CreateOptions<T> {
  /**
   * Creating is not idempotent: after a failure that may have been applied (no answer, a timeout, a 5xx),
   * this is asked before creating again, and what it finds is taken as what the lost answer announced.
   */
  findExisting?: () => Promise<T | undefined>;
  /**
   * A create that got no answer may still be applied this long after it was sent (run/timing.ts LATE_WRITE_MS):
   * when `findExisting` finds nothing sooner, it is asked again once the create can no longer land, before the
   * create is sent again (ApiRequest.lateWriteMs).
   */
  lateWriteMs?: number;
}

/** A run's paths, made once per run: a job asks for its run again and again (see HttpClient's URLs). */
interface RunPaths {
  run: string;
  cases: string;
}

/** Runs whose paths are kept: a job reports into one, a close step looks at a few. */
const MAX_RUN_PATHS = 16;

export class TestManagementApi {
  /** Each run's paths by project and run id (a path made anew each time would be parsed and looked up anew). */
  private readonly runPaths = new Map<string, Map<string, RunPaths>>();

  constructor(readonly http: HttpClient) {}

  private pathsOf(projectId: string, runId: string): RunPaths {
    const ofProject = this.runPaths.get(projectId) ?? this.runPaths.set(projectId, new Map()).get(projectId)!;
    let paths = ofProject.get(runId);
    if (!paths) {
      if (ofProject.size >= MAX_RUN_PATHS) ofProject.clear();
      const run = `/projects/${enc(projectId)}/test_runs/${enc(runId)}`;
      paths = { run, cases: `${run}/test_cases` };
      ofProject.set(runId, paths);
    }
    return paths;
  }

  async getProject(projectId: string): Promise<Project> {
    return this.getOne(`/projects/${enc(projectId)}`, 'project', readProject, `Project "${projectId}"`);
  }

  listProjects(): Promise<Project[]> {
    return listAll(this.http, '/projects', 'projects', readProject);
  }

  listRunStatuses(): Promise<RunStatus[]> {
    return listAll(this.http, '/test_runs/statuses', 'statuses', readRunStatus);
  }

  /** `/users` answers a bare `data` array without page_info. */
  async listUsers(): Promise<User[]> {
    const res = await this.http.send({ method: 'GET', path: '/users', idempotent: true });
    return readPage(res.body, 'users', readUser, context(res)).items;
  }

  listTestCases(projectId: string): Promise<TestCase[]> {
    return listAll(this.http, `/projects/${enc(projectId)}/test_cases`, 'test_cases', readTestCase, {}, `Project "${projectId}"`, undefined, true);
  }

  /** `look`: a look only worth its answer soon, sent once with a short timeout (see ApiRequest.look). */
  async getRun(projectId: string, runId: string, look?: { timeoutMs: number }): Promise<TestRun> {
    return this.getOne(this.pathsOf(projectId, runId).run, 'test_run', readTestRun, `Test run "${runId}"`, look);
  }

  /** One test plan, by UUID or human id (`DEMO-P-3`). */
  async getTestPlan(projectId: string, planId: string): Promise<TestPlan> {
    return this.getOne(`/projects/${enc(projectId)}/test_plans/${enc(planId)}`, 'test_plan', readTestPlan, `Test plan "${planId}"`);
  }

  /** One resource read by GET: `data.<key>` of the answer; `resource` names it when the service answers 404. */
  private async getOne<T>(path: string, key: string, read: Reader<T>, resource: string, look?: { timeoutMs: number }): Promise<T> {
    const res = await this.http.send({ method: 'GET', path, idempotent: true, resource, ...(look ? { look } : {}) });
    return readSingle(res.body, key, read, context(res));
  }

  listTestPlans(projectId: string): Promise<TestPlan[]> {
    return listAll(this.http, `/projects/${enc(projectId)}/test_plans`, 'test_plans', readTestPlan, {}, `Project "${projectId}"`);
  }

  /** Runs whose title is exactly `title`, checked here too: the service may ignore the filter. */
  async findRunsByTitle(projectId: string, title: string): Promise<TestRun[]> {
    const runs = await listAll(this.http, `/projects/${enc(projectId)}/test_runs`, 'test_runs', readTestRun, { title__CONTAINS: title });
    return runs.filter((run) => run.title === title);
  }

  /** Runs whose title contains `text`, checked here too: the service may ignore the filter. */
  async findRunsByTitleContaining(projectId: string, text: string): Promise<TestRun[]> {
    const runs = await listAll(this.http, `/projects/${enc(projectId)}/test_runs`, 'test_runs', readTestRun, { title__CONTAINS: text });
    return runs.filter((run) => run.title.includes(text));
  }

  /** Delete a run (a duplicate this upload created and that holds nothing). */
  async deleteRun(projectId: string, runId: string): Promise<void> {
    await this.http.send({ method: 'DELETE', path: this.pathsOf(projectId, runId).run, idempotent: true, resource: `Test run "${runId}"` });
  }

  async createRun(run: NewRun, options: CreateOptions<TestRun> = {}): Promise<TestRun> {
    const res = await this.http.send<TestRun>({
      method: 'POST',
      path: `/projects/${enc(run.projectId)}/test_runs`,
      idempotent: false,
      ...(options.findExisting ? { recover: options.findExisting } : {}),
      ...(options.lateWriteMs !== undefined ? { lateWriteMs: options.lateWriteMs } : {}),
      resource: `Project "${run.projectId}"`,
      json: {
        title: run.title,
        description: run.description,
        status: 'ACTIVE',
        project_id: run.projectId,
        selection_type: 'STATIC',
        static_selection_filters: [{ field: 'id', operator: 'IN', values: run.caseIds }],
        dynamic_selection_filters: [],
        assignee_id: run.assigneeId,
        start_date: run.now,
        end_date: run.now,
        label_names: run.labels,
        environment_ids: run.environmentIds ?? [],
        ...(run.testPlanId ? { test_plan_id: run.testPlanId } : {}),
      },
    });
    if (res.recovered) return res.recovered;
    try {
      return readSingle(res.body, 'test_run', readTestRun, context(res));
    } catch (error) {
      // Applied, but answered with a body that names no run: find it rather than leave it behind unknown.
      const found = await options.findExisting?.();
      if (found) return found;
      throw error;
    }
  }

  /** Sparse update (a close is `{status: 'CLOSED'}`); the answer's body is not needed. */
  /** `stale`: not sent, because `sendBefore` passed first (see ApiRequest.sendBefore). */
  async updateRun(projectId: string, runId: string, changes: Record<string, unknown>, options: { sendBefore?: number } = {}): Promise<'written' | 'stale'> {
    const answer = await this.http.send({
      method: 'PUT',
      path: this.pathsOf(projectId, runId).run,
      json: changes,
      idempotent: true,
      resource: `Test run "${runId}"`,
      ...options,
    });
    return answer.stale ? 'stale' : 'written';
  }

  /**
   * Close the run; returns the run as the answer shows it, or undefined when the answer holds none (an empty
   * or unexpected 2xx body): then only a read can tell whether the close was applied.
   */
  async closeRun(projectId: string, runId: string, changes: Record<string, unknown>): Promise<TestRun | undefined> {
    const res = await this.http.send({
      method: 'PUT',
      path: this.pathsOf(projectId, runId).run,
      json: { ...changes, status: 'CLOSED' },
      idempotent: true,
      resource: `Test run "${runId}"`,
    });
    try {
      return readSingle(res.body, 'test_run', readTestRun, context(res));
    } catch {
      return undefined;
    }
  }

  listRunCases(projectId: string, runId: string): Promise<RunCase[]> {
    return listAll(this.http, this.pathsOf(projectId, runId).cases, 'test_run_cases', readRunCase, {}, `Test run "${runId}"`);
  }

  /** The run's cases, and when the first page was answered: a write built from them is as old as that page. */
  async readRunCases(projectId: string, runId: string): Promise<{ cases: RunCase[]; answeredAt: number | undefined }> {
    const observed: Observed = {};
    const path = this.pathsOf(projectId, runId).cases;
    const cases = await listAll(this.http, path, 'test_run_cases', readRunCase, {}, `Test run "${runId}"`, observed);
    return { cases, answeredAt: observed.firstAnswerAt };
  }

  /**
   * One batch of results, as multipart with a plain `data` field (the live service reads form values). Safe
   * to repeat (last write wins). A non-JSON answer is an error (see HttpClient.send). `files[i]` are the files
   * of `entries[i]`, sent as parts `attachments_<i>_<j>` after the `data` field (which must stay a plain field:
   * a server reading form values does not see a file part).
   *
   * Returns whether the answer confirms the batch: it lists every case of the batch (`data.test_run_cases`, as
   * the service and the emulator answer). An empty or other 2xx answer is unconfirmed — a proxy can say 200 for
   * a write that never reached the service — and the caller reads the run to know (run/send.ts).
   */
  async putResults(projectId: string, runId: string, entries: ResultEntry[], files: ReadonlyArray<readonly ResultFile[] | undefined> = []): Promise<boolean> {
    const form: FormPart[] = [{ name: 'data', value: JSON.stringify({ test_run_cases: entries }) }];
    files.forEach((ofEntry, i) => ofEntry?.forEach((file, j) => form.push({ ...file, name: `attachments_${i}_${j}` })));
    const res = await this.http.send({
      method: 'PUT',
      path: this.pathsOf(projectId, runId).cases,
      form,
      idempotent: true,
      resource: `Test run "${runId}"`,
    });
    return confirmsBatch(res.body, entries);
  }

  // Case sync (opt-in): creating test cases and folders for tests that name no case.

  /** One of the lookups a new test case needs an id from. */
  listCaseLookup(kind: CaseLookupKind): Promise<Lookup[]> {
    return listAll(this.http, `/test_cases/${kind}`, kind, readLookup);
  }

  listFolders(projectId: string): Promise<Folder[]> {
    return listAll(this.http, `/projects/${enc(projectId)}/folders`, 'folders', readFolder, {}, `Project "${projectId}"`);
  }

  /**
   * The documented body is `{name, order}`; the parent is sent too, and when the answer shows it was not taken,
   * the folder is moved under it (the documented way). Not idempotent: the caller re-lists and converges.
   */
  async createFolder(projectId: string, name: string, parentId: string | null, order: number): Promise<Folder> {
    const res = await this.http.send({
      method: 'POST',
      path: `/projects/${enc(projectId)}/folders`,
      json: { name, order, ...(parentId ? { parent_folder_id: parentId } : {}) },
      idempotent: false,
      resource: `Project "${projectId}"`,
    });
    const folder = readSingle(res.body, 'folder', readFolder, context(res));
    if (parentId === null || folder.parent_folder_id === parentId) return folder;
    const moved = await this.http.send({
      method: 'POST',
      path: `/projects/${enc(projectId)}/folders/${enc(folder.id)}/move`,
      json: { parent_folder_id: parentId },
      idempotent: true,
      resource: `Folder "${name}"`,
    });
    return readSingle(moved.body, 'folder', readFolder, context(moved));
  }

  /**
   * Not idempotent: the caller re-lists the cases afterwards and converges on one case per test. After a
   * failure that may have been applied, `findExisting` is asked before creating again, and after no answer asked
   * again once the create can no longer land (`lateWriteMs`), as for runs.
   */
  async createTestCase(projectId: string, testCase: NewTestCase, options: CreateOptions<TestCase> = {}): Promise<TestCase> {
    const res = await this.http.send<TestCase>({
      method: 'POST',
      path: `/projects/${enc(projectId)}/test_cases`,
      idempotent: false,
      ...(options.findExisting ? { recover: options.findExisting } : {}),
      ...(options.lateWriteMs !== undefined ? { lateWriteMs: options.lateWriteMs } : {}),
      resource: `Project "${projectId}"`,
      json: {
        title: testCase.title,
        description: testCase.description,
        folder_id: testCase.folderId,
        template_type: 'TCD',
        status_id: testCase.statusId,
        priority_id: testCase.priorityId,
        type_id: testCase.typeId,
        automation_type_id: testCase.automationTypeId,
        owner_id: testCase.ownerId,
      },
    });
    return res.recovered ?? readSingle(res.body, 'test_case', readTestCase, context(res));
  }

  /** Delete a test case (a duplicate another upload created at the same time). */
  async deleteTestCase(projectId: string, caseId: string): Promise<void> {
    await this.http.send({
      method: 'DELETE',
      path: `/projects/${enc(projectId)}/test_cases/${enc(caseId)}`,
      idempotent: true,
      resource: `Test case "${caseId}"`,
    });
  }
}

export type CaseLookupKind = 'statuses' | 'priorities' | 'types' | 'automation_types';

export interface NewTestCase {
  title: string;
  description: string;
  folderId: string | null;
  statusId: string;
  priorityId: string;
  typeId: string;
  automationTypeId: string;
  ownerId: string;
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function context(res: { method: string; path: string; status: number; requestId: string | undefined }): AnswerContext {
  return { method: res.method, path: res.path, status: res.status, requestId: res.requestId };
}

/** Does a batch's answer list every case of the batch (`data.test_run_cases[].test_case.id`)? */
function confirmsBatch(body: unknown, entries: readonly ResultEntry[]): boolean {
  const data = (body as { data?: { test_run_cases?: unknown } } | undefined)?.data;
  const rows = data?.test_run_cases;
  if (!Array.isArray(rows)) return false;
  const named = new Set<string>();
  for (const row of rows as { test_case?: { id?: unknown }; test_case_id?: unknown }[]) {
    const id = row?.test_case?.id ?? row?.test_case_id;
    if (typeof id === 'string') named.add(id.toLowerCase());
  }
  return entries.every((e) => named.has(e.test_case_id.toLowerCase()));
}

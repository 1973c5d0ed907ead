/**
 * The endpoints the integration uses (CONTRACT §5), typed, each one request or one paginated listing.
 * Shapes are read defensively: unknown fields are ignored, missing ones are tolerated where the contract
 * says the real service varies.
 */
import { FormData } from 'undici';
import { ApiError } from '../errors.js';
import type { HttpClient } from './http.js';
import { listAll, listOf } from './paginate.js';

export interface Project {
  id: string;
  name: string;
  human_id_prefix: string;
}

export interface TestCase {
  id: string;
  human_id: string;
  title: string;
}

export interface RunStatus {
  id: string;
  name: string;
}

export interface User {
  id: string;
  email: string;
  status?: string;
}

export interface TestRun {
  id: string;
  human_id: string;
  title: string;
  status: string;
  selection_type?: string;
}

export interface RunCase {
  id: string;
  status_id?: string;
  test_case: { id: string; human_id?: string };
}

export type { ResultEntry } from '../plan/batches.js';
import type { ResultEntry } from '../plan/batches.js';

export interface NewRun {
  title: string;
  description: string;
  projectId: string;
  caseIds: string[];
  assigneeId: string;
  labels: string[];
  now: number;
}


export class TestManagementApi {
  constructor(readonly http: HttpClient) {}

  async getProject(projectId: string): Promise<Project> {
    const res = await this.http.send({ method: 'GET', path: `/projects/${enc(projectId)}`, idempotent: true, resource: `Project "${projectId}"` });
    return single<Project>(res.body, 'project', 'GET', `/projects/${projectId}`);
  }

  listProjects(): Promise<Project[]> {
    return listAll<Project>(this.http, '/projects', 'projects');
  }

  listRunStatuses(): Promise<RunStatus[]> {
    return listAll<RunStatus>(this.http, '/test_runs/statuses', 'statuses');
  }

  async listUsers(): Promise<User[]> {
    const res = await this.http.send({ method: 'GET', path: '/users', idempotent: true });
    return listOf<User>((res.body as { data?: unknown } | undefined)?.data, 'users');
  }

  listTestCases(projectId: string): Promise<TestCase[]> {
    return listAll<TestCase>(this.http, `/projects/${enc(projectId)}/test_cases`, 'test_cases', {}, `Project "${projectId}"`);
  }

  async getRun(projectId: string, runId: string): Promise<TestRun> {
    const path = `/projects/${enc(projectId)}/test_runs/${enc(runId)}`;
    const res = await this.http.send({ method: 'GET', path, idempotent: true, resource: `Test run "${runId}"` });
    return single<TestRun>(res.body, 'test_run', 'GET', path);
  }

  /** Runs whose title contains `title`, checked client-side too: the service may ignore the filter (§2). */
  async findRunsByTitle(projectId: string, title: string): Promise<TestRun[]> {
    const runs = await listAll<TestRun>(this.http, `/projects/${enc(projectId)}/test_runs`, 'test_runs', { title__CONTAINS: title });
    return runs.filter((run) => run.title === title);
  }

  /** Not idempotent: the caller looks the title up before retrying (CONTRACT §6). */
  async createRun(run: NewRun): Promise<TestRun> {
    const path = `/projects/${enc(run.projectId)}/test_runs`;
    const res = await this.http.send({
      method: 'POST',
      path,
      idempotent: false,
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
        environment_ids: [],
      },
    });
    return single<TestRun>(res.body, 'test_run', 'POST', path);
  }

  async updateRun(projectId: string, runId: string, changes: Record<string, unknown>): Promise<void> {
    await this.http.send({ method: 'PUT', path: `/projects/${enc(projectId)}/test_runs/${enc(runId)}`, json: changes, idempotent: true, resource: `Test run "${runId}"` });
  }

  listRunCases(projectId: string, runId: string): Promise<RunCase[]> {
    return listAll<RunCase>(this.http, `/projects/${enc(projectId)}/test_runs/${enc(runId)}/test_cases`, 'test_run_cases', {}, `Test run "${runId}"`);
  }

  /** One batch of results, as multipart with a plain `data` field (CONTRACT §6). Safe to repeat. */
  async putResults(projectId: string, runId: string, entries: ResultEntry[]): Promise<void> {
    const form = new FormData();
    form.append('data', JSON.stringify({ test_run_cases: entries }));
    await this.http.send({ method: 'PUT', path: `/projects/${enc(projectId)}/test_runs/${enc(runId)}/test_cases`, form, idempotent: true, resource: `Test run "${runId}"` });
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function single<T>(body: unknown, key: string, method: string, path: string): T {
  const value = (body as { data?: Record<string, unknown> } | undefined)?.data?.[key];
  if (!value || typeof value !== 'object') {
    throw new ApiError('API_UNEXPECTED_BODY', { method, path }, `Expected the answer to hold data.${key}; it did not. The service may have changed.`);
  }
  return value as T;
}

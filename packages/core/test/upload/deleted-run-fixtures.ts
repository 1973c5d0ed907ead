/**
 * A run deleted in Testsigma while an upload or a resume sends to it (someone removes it in the UI while CI
 * uploads): the deletion, made by a transport in front of the emulator at a request the test picks, and what the
 * emulator holds after it.
 */
import { expect } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { exchange, makeDispatcher } from '../../src/api/transport.js';

export type Run = ReturnType<EmulatorHandle['state']>['test_runs'][number];
export type Request = Parameters<Transport>[0];

/** DEMO-1 to DEMO-4 of the tests' four results, each written once. */
export const ALL_ONCE = { 'DEMO-1': 'Passed x1', 'DEMO-2': 'Failed x1', 'DEMO-3': 'Passed x1', 'DEMO-4': 'Passed x1' };

/** Someone deletes the run in Testsigma (DELETE, as the API offers it). */
export async function deleteRun(emulator: EmulatorHandle, runId: string): Promise<void> {
  const answer = await fetch(`${emulator.url}/projects/${DEMO_FACTS.project.id}/test_runs/${runId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${emulator.token}` },
  });
  expect(answer.status).toBe(204);
}

/**
 * In front of the emulator: someone deletes the run (`runId`, else the one the request names) just before the
 * request `chosen` picks goes out, once every request before it was answered; the requests after it go out after
 * the deletion.
 */
export async function deletedBefore(
  emulator: EmulatorHandle,
  chosen: (request: Request) => boolean,
  runId?: string,
): Promise<{ transport: Transport; done: () => Promise<void> }> {
  const dispatcher = await makeDispatcher(30_000, undefined);
  const answered: Promise<unknown>[] = [];
  let deleted: Promise<void> | undefined;
  const transport: Transport = async (request) => {
    const pass = () => exchange(dispatcher, request.method, request.url, request.headers, request.body, request.timeoutMs, request.nowMs);
    if (deleted) return deleted.then(pass);
    if (!chosen(request)) {
      const answer = pass();
      answered.push(answer.catch(() => undefined));
      return answer;
    }
    const target = runId ?? /test_runs\/([^/]+)/.exec(request.url.pathname)![1]!;
    deleted = Promise.all(answered).then(() => deleteRun(emulator, target));
    return deleted.then(pass);
  };
  return { transport, done: () => dispatcher.close() };
}

export function isBatch(request: Request): boolean {
  return request.method === 'PUT' && request.url.pathname.endsWith('/test_cases');
}

/** The second request of results: the first lands, the run is deleted before the second. */
export function secondBatch(): (request: Request) => boolean {
  let batches = 0;
  return (request) => isBatch(request) && ++batches === 2;
}

/** The request that closes the run, once every result landed. */
export function closing(request: Request): boolean {
  return request.method === 'PUT' && new TextDecoder().decode(request.body?.bytes).includes('"status":"CLOSED"');
}

/** The requests the emulator served after the (last) run was deleted, as `PUT /test_runs/<id>/test_cases 404`. */
export function requestsAfterDeletion(emulator: EmulatorHandle): string[] {
  const { requests } = emulator.state();
  const deletion = requests.findLastIndex((r) => r.method === 'DELETE');
  expect(deletion).toBeGreaterThan(-1);
  return requests.slice(deletion + 1).map((r) => `${r.method} ${r.path.replace(/^.*\/projects\/[^/]+/, '')} ${r.status}`);
}

export function runsOtherThanSeeded(emulator: EmulatorHandle): Run[] {
  return emulator.state().test_runs.filter((r) => r.id !== DEMO_FACTS.closedRun.id);
}

/** What `run` holds, by case: `Passed x1` (its status and how many times it was written). */
export function writes(emulator: EmulatorHandle, run: Run): Record<string, string> {
  const human = new Map(emulator.state().test_cases.map((c) => [c.id, c.human_id]));
  return Object.fromEntries(Object.entries(run.results).map(([id, r]) => [human.get(id) ?? id, `${r.status} x${r.writes}`]));
}

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS } from '../src/index.js';
import type { Api } from './helpers.js';
import { createRun, start, stillClock } from './helpers.js';

const PID = DEMO_FACTS.project.id;
const cid = DEMO_FACTS.caseId;
const RESULTS_ROUTE = 'PUT /projects/*/test_runs/*/test_cases';
let api: Api;

beforeAll(async () => {
  api = await start();
});
beforeEach(() => {
  api.emu.setFaults([]);
  api.emu.reset();
});
afterAll(async () => {
  await api.emu.close();
});

const body = (n: number, status = 'Passed'): unknown => ({
  test_run_cases: [{ test_case_id: cid(n), test_run_status_id: DEMO_FACTS.runStatusId(status), user_id: DEMO_FACTS.users.alice.id, description: '' }],
});

async function networkError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? String(err);
  }
  throw new Error('expected the request to fail at the network level');
}

describe('status faults', () => {
  it('answers 503 with Retry-After for the first N matching requests, then serves normally', async () => {
    api.emu.setFaults([{ kind: 'status', status: 503, times: 2 }]);
    const first = await api.get('/projects');
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.headers.get('x-request-id')).toBeTruthy();
    expect(first.json.errors.code).toBe(503);
    expect((await api.get('/projects')).status).toBe(503);
    expect((await api.get('/projects')).status).toBe(200);
  });

  it('answers 429 with Retry-After (default or given), 500 and 502 without it', async () => {
    api.emu.setFaults([
      { kind: 'status', status: 429, times: 1 },
      { kind: 'status', status: 429, retryAfter: 3, times: 1 },
      { kind: 'status', status: 500, times: 1 },
      { kind: 'status', status: 502, times: 1, body: '<html>Bad Gateway</html>' },
    ]);
    const a = await api.get('/users');
    expect([a.status, a.headers.get('retry-after')]).toEqual([429, '1']);
    const b = await api.get('/users');
    expect([b.status, b.headers.get('retry-after')]).toEqual([429, '3']);
    const c = await api.get('/users');
    expect([c.status, c.headers.get('retry-after')]).toEqual([500, null]);
    const d = await api.get('/users');
    expect([d.status, d.text, d.headers.get('content-type')]).toEqual([502, '<html>Bad Gateway</html>', 'text/plain; charset=utf-8']);
    expect((await api.get('/users')).status).toBe(200);
  });

  it('does not apply the write when a status fault answers instead', async () => {
    const run = await createRun(api, PID, [cid(1)]);
    api.emu.setFaults([{ kind: 'status', status: 500, route: RESULTS_ROUTE, times: 1 }]);
    expect((await api.call('PUT', `/projects/${PID}/test_runs/${run.id}/test_cases`, body(1))).status).toBe(500);
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
  });
});

describe('connection faults', () => {
  it('resets the connection without an answer and without applying the write', async () => {
    const run = await createRun(api, PID, [cid(1)]);
    api.emu.setFaults([{ kind: 'reset', route: RESULTS_ROUTE, times: 1 }]);
    const code = await networkError(api.call('PUT', `/projects/${PID}/test_runs/${run.id}/test_cases`, body(1)));
    expect(code).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed|socket/i);
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
    const entry = api.emu.state().requests.at(-1);
    expect(entry).toMatchObject({ method: 'PUT', status: 0, faults: ['reset'], route: 'PUT /projects/{pid}/test_runs/{rid}/test_cases' });
    expect((await api.call('PUT', `/projects/${PID}/test_runs/${run.id}/test_cases`, body(1))).status).toBe(200);
  });

  it('lost answer: applies the write, then drops the connection', async () => {
    const run = await createRun(api, PID, [cid(1), cid(2)]);
    api.emu.setFaults([{ kind: 'lost-answer', route: RESULTS_ROUTE, times: 1 }]);
    await networkError(api.call('PUT', `/projects/${PID}/test_runs/${run.id}/test_cases`, body(2, 'Failed')));
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results[cid(2)]?.status).toBe('Failed');
    expect(api.emu.state().requests.at(-1)).toMatchObject({ status: 200, faults: ['lost-answer'] });
    // A retry of the same batch is harmless (last write wins).
    expect((await api.call('PUT', `/projects/${PID}/test_runs/${run.id}/test_cases`, body(2, 'Failed'))).status).toBe(200);
  });

  it('lost answer on a create leaves the run created', async () => {
    api.emu.setFaults([{ kind: 'lost-answer', route: 'POST /projects/*/test_runs', times: 1 }]);
    await networkError(createRun(api, PID, [cid(1)], 'lost create'));
    expect(api.emu.state().test_runs.map((r) => r.title)).toContain('lost create');
  });
});

describe('latency, targeting and control', () => {
  it('adds latency before serving, on the matching route only', async () => {
    // On the emulator's clock: the wait is asked of it, and the request log counts it in the duration.
    const clock = stillClock();
    const slow = await start({ clock, faults: [{ kind: 'latency', ms: 150, route: 'GET /users' }] });
    try {
      expect((await slow.get('/users')).status).toBe(200);
      expect((await slow.get('/projects')).status).toBe(200);
      expect(clock.sleeps).toEqual([150]);
      const log = slow.emu.state().requests.map((r) => [r.path.slice(r.path.lastIndexOf('/')), r.faults, r.duration_ms]);
      expect(log).toEqual([
        ['/users', ['latency:150'], 150],
        ['/projects', [], 0],
      ]);
    } finally {
      await slow.emu.close();
    }
  });

  it('with maxMs, draws each delay from ms..maxMs with the seeded generator; maxMs below ms is refused', async () => {
    const draws = async (): Promise<number[]> => {
      const clock = stillClock();
      const slow = await start({ clock, faults: { seed: 7, rules: [{ kind: 'latency', ms: 100, maxMs: 2000 }] } });
      try {
        for (let i = 0; i < 12; i++) expect((await slow.get('/users')).status).toBe(200);
        expect(slow.emu.state().requests.map((r) => r.faults)).toEqual(clock.sleeps.map((ms) => [`latency:${ms}`]));
        return clock.sleeps;
      } finally {
        await slow.emu.close();
      }
    };
    const first = await draws();
    expect(first).toHaveLength(12);
    for (const ms of first) expect(ms >= 100 && ms <= 2000 && Number.isInteger(ms)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await draws()).toEqual(first);
    expect(() => api.emu.setFaults([{ kind: 'latency', ms: 500, maxMs: 100 }])).toThrow('faults.rules[0]: latency maxMs must be a number >= ms');
  });

  it('targets one route by method and path pattern', async () => {
    const run = await createRun(api, PID, [cid(1)]);
    api.emu.setFaults([{ kind: 'status', status: 503, route: RESULTS_ROUTE }]);
    expect((await api.get(`/projects/${PID}/test_runs/${run.id}/test_cases`)).status).toBe(200);
    expect((await api.call('PUT', `/projects/${PID}/test_runs/${run.id}`, { title: 'x' })).status).toBe(200);
    expect((await api.call('PUT', `/projects/${PID}/test_runs/${run.human_id}/test_cases`, body(1))).status).toBe(503);
    api.emu.setFaults([{ kind: 'status', status: 502, route: '/api/v1/projects/**' }]);
    expect((await api.get(`/projects/${PID}/folders`)).status).toBe(502);
    expect((await api.get('/users')).status).toBe(200);
  });

  it('draws `probability` from a seeded generator: the same seed gives the same faults', async () => {
    const pattern = async (): Promise<number[]> => {
      api.emu.setFaults({ seed: 42, rules: [{ kind: 'status', status: 500, probability: 0.5 }] });
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push((await api.get('/users')).status);
      return out;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it('changes faults while running through the admin endpoint, which reports fired counts', async () => {
    const put = await fetch(`${api.emu.origin}/__emulator/faults`, {
      method: 'PUT',
      body: JSON.stringify({ rules: [{ kind: 'status', status: 503, route: 'GET /projects', times: 1 }] }),
    });
    expect(put.status).toBe(200);
    expect((await api.get('/projects')).status).toBe(503);
    expect((await api.get('/projects')).status).toBe(200);
    const current = (await (await fetch(`${api.emu.origin}/__emulator/faults`)).json()) as { rules: { fired: number }[] };
    expect(current.rules[0]?.fired).toBe(1);
    await fetch(`${api.emu.origin}/__emulator/faults`, { method: 'PUT', body: JSON.stringify([{ kind: 'status', status: 500 }]) });
    expect((await api.get('/users')).status).toBe(500);
    expect((await fetch(`${api.emu.origin}/__emulator/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await api.get('/users')).status).toBe(200);
  });

  it('refuses invalid fault rules', async () => {
    const res = await fetch(`${api.emu.origin}/__emulator/faults`, { method: 'PUT', body: JSON.stringify([{ kind: 'explode' }]) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { details: string } }).errors.details).toContain('rules[0]');
    expect(() => api.emu.setFaults([{ kind: 'status', status: 200 }])).toThrow(/status/);
  });

  it('counts fault-injected answers in the request log and per route', async () => {
    api.emu.setFaults([{ kind: 'status', status: 503, route: 'GET /projects', times: 2 }]);
    for (let i = 0; i < 3; i++) await api.get('/projects');
    const state = api.emu.state();
    expect(state.counts['GET /projects']).toBe(3);
    expect(state.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('takes faults at start', async () => {
    const other = await start({ faults: [{ kind: 'status', status: 429, times: 1 }] });
    try {
      expect((await other.get('/projects')).status).toBe(429);
      expect((await other.get('/projects')).status).toBe(200);
    } finally {
      await other.emu.close();
    }
  });
});

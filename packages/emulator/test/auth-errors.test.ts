import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS } from '../src/index.js';
import type { Api } from './helpers.js';
import { read, start } from './helpers.js';

const PID = DEMO_FACTS.project.id;
let api: Api;

beforeAll(async () => {
  api = await start();
});
afterAll(async () => {
  await api.emu.close();
});

describe('authentication', () => {
  it('answers 401 with the flat body when Authorization is missing', async () => {
    const res = await read(await fetch(`${api.emu.url}/projects`));
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ code: 401, message: 'Unauthorized: missing bearer token' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 401 for a wrong token and for a non-Bearer scheme', async () => {
    const wrong = await read(await fetch(`${api.emu.url}/projects`, { headers: { authorization: 'Bearer tms_emu_00000000000000000000000000000000' } }));
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ code: 401, message: 'Unauthorized: invalid token' });
    const basic = await read(await fetch(`${api.emu.url}/projects`, { headers: { authorization: `Basic ${api.emu.token}` } }));
    expect(basic.json).toEqual({ code: 401, message: 'Unauthorized: missing bearer token' });
  });

  it('checks the token before resolving the route, like the live service', async () => {
    const res = await read(await fetch(`${api.emu.url}/no/such/thing`));
    expect(res.status).toBe(401);
  });

  it('hands out a tms_emu_ token, or the one it was given', async () => {
    expect(api.emu.token).toMatch(/^tms_emu_[0-9a-f]{32}$/);
    const fixed = await start({ token: 'tms_emu_fixed_for_test' });
    try {
      expect(fixed.emu.token).toBe('tms_emu_fixed_for_test');
      expect((await fixed.get('/projects')).status).toBe(200);
    } finally {
      await fixed.emu.close();
    }
  });
});

describe('error bodies', () => {
  it('404 for an unknown project names it', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const res = await api.get(`/projects/${id}`);
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      message: 'Project not found',
      errors: { code: 404, message: 'Project not found', details: `Project not found with ID: ${id}` },
    });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('404 for an unknown test case, run and plan (UUID or human id)', async () => {
    for (const [path, entity, ref] of [
      [`/projects/${PID}/test_cases/DEMO-999`, 'Test case', 'DEMO-999'],
      [`/projects/${PID}/test_cases/11111111-1111-4111-8111-111111111111`, 'Test case', '11111111-1111-4111-8111-111111111111'],
      [`/projects/${PID}/test_runs/DEMO-R-99`, 'Test run', 'DEMO-R-99'],
      [`/projects/${PID}/test_runs/DEMO-R-99/test_cases`, 'Test run', 'DEMO-R-99'],
      [`/projects/${PID}/test_plans/DEMO-P-9`, 'Test plan', 'DEMO-P-9'],
    ] as const) {
      const res = await api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.json).toEqual({
        message: `${entity} not found`,
        errors: { code: 404, message: `${entity} not found`, details: `${entity} not found with ID: ${ref}` },
      });
    }
  });

  it('a human id of another project does not resolve in this one', async () => {
    expect((await api.get(`/projects/${PID}/test_cases/SBX-1`)).status).toBe(404);
    expect((await api.get(`/projects/${DEMO_FACTS.sandboxProject.id}/test_cases/SBX-1`)).status).toBe(200);
    expect((await api.get(`/projects/${DEMO_FACTS.sandboxProject.id}/test_cases/${DEMO_FACTS.caseId(1)}`)).status).toBe(404);
  });

  it('unknown paths answer the flat 404 and known paths with another method 405', async () => {
    const res = await api.get('/nope');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ code: 404, message: 'Not Found' });
    const outside = await read(await fetch(`${api.emu.origin}/api/v2/projects`, { headers: { authorization: `Bearer ${api.emu.token}` } }));
    expect(outside.status).toBe(404);
    const method = await api.call('PATCH', `/projects/${PID}/test_runs/DEMO-R-1`, {});
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, PUT, DELETE');
    expect(method.json.errors.code).toBe(405);
  });

  it('400 for a body that is not JSON', async () => {
    const res = await api.call('POST', `/projects/${PID}/test_runs`, '{not json', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ message: 'Invalid JSON', errors: { code: 400, message: 'Invalid JSON', details: 'Request body is not valid JSON.' } });
  });

  it('every answer carries a distinct x-request-id', async () => {
    const ids = new Set<string>();
    for (const path of ['/projects', '/nope', `/projects/${PID}/test_cases/DEMO-999`]) {
      const id = (await api.get(path)).headers.get('x-request-id');
      expect(id).toBeTruthy();
      ids.add(id ?? '');
    }
    expect(ids.size).toBe(3);
  });
});

describe('human ids in paths', () => {
  it('resolves DEMO-12 to the same case as its UUID', async () => {
    const byHuman = await api.get(`/projects/${PID}/test_cases/DEMO-12`);
    const byUuid = await api.get(`/projects/${PID}/test_cases/${DEMO_FACTS.caseId(12)}`);
    expect(byHuman.status).toBe(200);
    expect(byHuman.json.data.test_case).toEqual(byUuid.json.data.test_case);
    expect(byHuman.json.data.test_case).toMatchObject({ id: DEMO_FACTS.caseId(12), human_id: 'DEMO-12', project_id: PID });
  });

  it('resolves DEMO-R-1 and DEMO-P-1', async () => {
    const run = await api.get(`/projects/${PID}/test_runs/DEMO-R-1`);
    expect(run.json.data.test_run).toMatchObject({ id: DEMO_FACTS.closedRun.id, human_id: 'DEMO-R-1', status: 'CLOSED', test_plan_id: DEMO_FACTS.plan.id });
    const plan = await api.get(`/projects/${PID}/test_plans/DEMO-P-1`);
    expect(plan.json).toEqual({ message: '', data: { test_plan: expect.objectContaining({ id: DEMO_FACTS.plan.id, human_id: 'DEMO-P-1' }) } });
  });
});

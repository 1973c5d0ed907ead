import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from './helpers.js';
import { DEMO_FACTS } from '../src/index.js';
import { read, start as startEmulator, stillClock, type StillClock } from './helpers.js';

let api: Api | undefined;
// The windows are counted on a clock that stands still unless a test moves it: eleven requests fall in one
// second however slow the machine is, and a window passes without waiting for it.
let clock: StillClock;
const start = (options: Parameters<typeof startEmulator>[0]) => startEmulator({ ...options, clock: (clock = stillClock()) });
afterEach(async () => {
  await api?.emu.close();
  api = undefined;
});

describe('rate limit', () => {
  it('allows 10 requests per second per token, then answers 500 "rate limit exceeded" with the headers', async () => {
    api = await start({ rateLimit: { perSecond: 10 } });
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await api.get('/projects'));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.map((a) => a.headers.get('x-tms-api-remaining'))).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0', '0']);
    const refused = answers[10];
    expect(refused?.status).toBe(500);
    expect(refused?.json).toEqual({ message: 'rate limit exceeded' });
    expect(refused?.headers.get('x-tms-api-limit')).toBe('10');
    // Whole seconds until the oldest request leaves the one-second window.
    expect(refused?.headers.get('x-tms-api-reset')).toBe('1');
    expect(refused?.headers.get('x-request-id')).toBeTruthy();
    expect(api.emu.state().requests.at(-1)?.status).toBe(500);
  });

  it('uses a sliding window: a request goes through again once the oldest one leaves it', async () => {
    api = await start({ rateLimit: { perSecond: 3 } });
    expect((await api.get('/projects')).status).toBe(200);
    clock.advance(400);
    for (let i = 0; i < 2; i++) expect((await api.get('/projects')).status).toBe(200);
    const refused = await api.get('/projects');
    expect(refused.status).toBe(500);
    // 600 ms until the oldest leaves, in whole seconds rounded up.
    expect(refused.headers.get('x-tms-api-reset')).toBe('1');
    clock.advance(599);
    expect((await api.get('/projects')).status).toBe(500);
    clock.advance(1);
    expect((await api.get('/projects')).status).toBe(200);
    // The two from 400 ms and this one fill the window again.
    expect((await api.get('/projects')).status).toBe(500);
  });

  it('counts per token: requests with another token do not use up this one', async () => {
    api = await start({ rateLimit: { perSecond: 2 } });
    const other = async (): Promise<number> =>
      (await read(await fetch(`${api?.emu.url}/projects`, { headers: { authorization: 'Bearer someone-else' } }))).status;
    expect([await other(), await other(), await other()]).toEqual([401, 401, 500]);
    expect([(await api.get('/projects')).status, (await api.get('/projects')).status]).toEqual([200, 200]);
  });

  it('can be switched off, or changed while running (programmatically and via the admin endpoint)', async () => {
    api = await start({ rateLimit: false });
    for (let i = 0; i < 25; i++) expect((await api.get('/users')).status).toBe(200);
    api.emu.setRateLimit({ perSecond: 1 });
    expect((await api.get('/users')).status).toBe(200);
    expect((await api.get('/users')).status).toBe(500);
    const admin = await fetch(`${api.emu.origin}/__emulator/rate-limit`, { method: 'PUT', body: 'false' });
    expect(admin.status).toBe(200);
    expect((await api.get('/users')).status).toBe(200);
    const set = await fetch(`${api.emu.origin}/__emulator/rate-limit`, { method: 'PUT', body: JSON.stringify({ perSecond: 0 }) });
    expect(set.status).toBe(400);
  });

  it('sends the headers when switched off too: the configured limit, remaining never below 1', async () => {
    api = await start({ rateLimit: false });
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await api.get('/users'));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(answers.map((a) => a.headers.get('x-tms-api-limit'))).toEqual(Array(12).fill('10'));
    expect(answers.map((a) => a.headers.get('x-tms-api-remaining'))).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '1', '1', '1']);
    expect(answers.at(-1)?.headers.get('x-tms-api-reset')).toBe('1');
    api.emu.setRateLimit({ perSecond: 4 });
    api.emu.setRateLimit(false);
    api.emu.reset();
    const first = await api.get('/users');
    expect([first.headers.get('x-tms-api-limit'), first.headers.get('x-tms-api-remaining')]).toEqual(['4', '3']);
  });

  it('sends the headers on every API answer: 401, 404, 405, 422 and injected faults', async () => {
    api = await start({ rateLimit: { perSecond: 50 } });
    api.emu.setFaults([{ kind: 'status', status: 503, route: 'GET /labels' }]);
    const noToken = await read(await fetch(`${api.emu.url}/projects`));
    const answers = [noToken, await api.get('/nowhere'), await api.call('DELETE', '/projects'), await api.get('/labels')];
    const pid = DEMO_FACTS.project.id;
    answers.push(await api.call('PUT', `/projects/${pid}/test_runs/DEMO-R-1`, { assignee_id: '00000000-0000-4000-8000-000000000000' }));
    expect(answers.map((a) => a.status)).toEqual([401, 404, 405, 503, 422]);
    for (const a of answers) {
      expect(a.headers.get('x-tms-api-limit')).toBe('50');
      expect(Number(a.headers.get('x-tms-api-remaining'))).toBeGreaterThan(40);
      expect(a.headers.get('x-tms-api-reset')).toMatch(/^[01]$/);
    }
  });

  it('defaults to 10 per second', async () => {
    api = await start({ rateLimit: undefined });
    expect((await api.get('/projects')).headers.get('x-tms-api-limit')).toBe('10');
  });
});

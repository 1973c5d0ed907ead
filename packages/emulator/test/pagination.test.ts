import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS } from '../src/index.js';
import type { Api, Json } from './helpers.js';
import { start } from './helpers.js';

const PID = DEMO_FACTS.project.id;
const CASES = `/projects/${PID}/test_cases`;
let api: Api;

beforeAll(async () => {
  api = await start();
});
beforeEach(() => api.emu.setPagination('cursor'));
afterAll(async () => {
  await api.emu.close();
});

const ids = (res: Json): string[] => res.json.data.test_cases.map((c: Json) => c.human_id);

describe('cursor pagination', () => {
  it('walks 50 cases in three pages of 20 with opaque base64 cursors', async () => {
    const p1 = await api.get(`${CASES}?page_size=20`);
    expect(p1.json.page_info).toMatchObject({ page_size: 20, total_count: 50, prev: null });
    expect(ids(p1)).toHaveLength(20);
    const next1: string = p1.json.page_info.next;
    expect(next1).not.toMatch(/^http/);
    const decoded = JSON.parse(Buffer.from(next1, 'base64').toString('utf8'));
    expect(decoded).toEqual([{ field: 'test_cases.tsid', value: expect.stringMatching(/^\d+$/), direction: 'ASC' }]);

    const p2 = await api.get(`${CASES}?page_size=20&cursor=${encodeURIComponent(next1)}`);
    expect(ids(p2)[0]).toBe('DEMO-21');
    expect(p2.json.page_info.prev).toEqual(expect.any(String));
    const p3 = await api.get(`${CASES}?page_size=20&cursor=${encodeURIComponent(p2.json.page_info.next)}`);
    expect(ids(p3)).toHaveLength(10);
    expect(ids(p3).at(-1)).toBe('DEMO-50');
    expect(p3.json.page_info.next).toBeNull();

    const all = [...ids(p1), ...ids(p2), ...ids(p3)];
    expect(new Set(all).size).toBe(50);

    const back = await api.get(`${CASES}?page_size=20&cursor=${encodeURIComponent(p3.json.page_info.prev)}`);
    expect(ids(back)).toEqual(ids(p2));
  });

  it('defaults to 20 and re-applies the original filters with the cursor', async () => {
    const p1 = await api.get(`${CASES}?title__CONTAINS=e`);
    expect(p1.json.page_info.page_size).toBe(20);
    const total = p1.json.page_info.total_count;
    expect(total).toBeGreaterThan(20);
    const p2 = await api.get(`${CASES}?title__CONTAINS=e&cursor=${encodeURIComponent(p1.json.page_info.next)}`);
    expect(p2.json.page_info.total_count).toBe(total);
    for (const c of p2.json.data.test_cases) expect(c.title.toLowerCase()).toContain('e');
  });

  it('caps page_size at 100 and refuses nonsense', async () => {
    const big = await api.get(`${CASES}?page_size=500`);
    expect(big.status).toBe(200);
    expect(big.json.page_info.page_size).toBe(100);
    expect(ids(big)).toHaveLength(50);
    expect(big.json.page_info.next).toBeNull();
    for (const bad of ['0', '-3', 'ten']) {
      const res = await api.get(`${CASES}?page_size=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.json.errors.code).toBe(400);
    }
  });

  it('refuses a tampered cursor, a cursor of another list and an unencoded `+`', async () => {
    expect((await api.get(`${CASES}?cursor=bm90LWEtY3Vyc29y`)).status).toBe(400);
    const runsCursor = Buffer.from(JSON.stringify([{ field: 'test_runs.tsid', value: '1', direction: 'ASC' }])).toString('base64');
    expect((await api.get(`${CASES}?cursor=${encodeURIComponent(runsCursor)}`)).status).toBe(400);
    // A cursor mangled in transit (a `+` sent unencoded arrives as a space) is refused, not half-decoded.
    const next: string = (await api.get(`${CASES}?page_size=5`)).json.page_info.next;
    const mangled = `${next.slice(0, 10)} ${next.slice(11)}`;
    expect((await api.get(`${CASES}?cursor=${encodeURIComponent(mangled)}`)).status).toBe(400);
  });

  it('paginates other lists too (runs, folders, run cases)', async () => {
    const folders = await api.get(`/projects/${PID}/folders?page_size=4`);
    expect(folders.json.data.folders).toHaveLength(4);
    const rest = await api.get(`/projects/${PID}/folders?page_size=4&cursor=${encodeURIComponent(folders.json.page_info.next)}`);
    expect(rest.json.data.folders.map((f: Json) => f.name)).toEqual(['Account Settings', 'Notifications']);
    const runCases = await api.get(`/projects/${PID}/test_runs/DEMO-R-1/test_cases?page_size=2`);
    expect(runCases.json.page_info).toMatchObject({ page_size: 2, total_count: 5 });
  });
});

describe('URL pagination', () => {
  it('answers same-origin absolute URLs that repeat the query, switchable at run time', async () => {
    api.emu.setPagination('url');
    const p1 = await api.get(`${CASES}?page_size=20&search=a`);
    const next: string = p1.json.page_info.next;
    expect(next.startsWith(`${api.emu.url}/projects/${PID}/test_cases?`)).toBe(true);
    const url = new URL(next);
    expect(url.origin).toBe(api.emu.origin);
    expect(url.searchParams.get('page_size')).toBe('20');
    expect(url.searchParams.get('search')).toBe('a');
    const p2 = await api.get(next);
    expect(p2.status).toBe(200);
    expect(p2.json.page_info.prev).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const seen = new Set([...ids(p1), ...ids(p2)]);
    expect(seen.size).toBe(ids(p1).length + ids(p2).length);
  });

  it('can be switched through the admin endpoint and from the start option', async () => {
    const set = await fetch(`${api.emu.origin}/__emulator/pagination`, { method: 'PUT', body: JSON.stringify({ mode: 'url' }) });
    expect(set.status).toBe(200);
    expect((await api.get(CASES)).json.page_info.next).toMatch(/^http/);
    const bad = await fetch(`${api.emu.origin}/__emulator/pagination`, { method: 'PUT', body: JSON.stringify({ mode: 'pages' }) });
    expect(bad.status).toBe(400);

    const other = await start({ pagination: 'url' });
    try {
      expect((await other.get(CASES)).json.page_info.next).toMatch(/^http/);
    } finally {
      await other.emu.close();
    }
  });
});

// PUT /projects/{pid}/test_runs/{rid}/test_cases: recording results, as JSON or multipart with attachments.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS } from '../src/index.js';
import type { Api, Json } from './helpers.js';
import { createRun, read, start } from './helpers.js';

const PID = DEMO_FACTS.project.id;
const cid = DEMO_FACTS.caseId;
const status = DEMO_FACTS.runStatusId;
const ALICE = DEMO_FACTS.users.alice.id;
let api: Api;
let run: Json;

const entry = (n: number, s = 'Passed', description = ''): Record<string, string> => ({
  test_case_id: cid(n),
  test_run_status_id: status(s),
  user_id: ALICE,
  description,
});
const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const resultsPath = (ref: string): string => `/projects/${PID}/test_runs/${ref}/test_cases`;

beforeAll(async () => {
  api = await start();
});
beforeEach(async () => {
  api.emu.reset();
  run = await createRun(api, PID, [cid(1), cid(2), cid(3)]);
});
afterAll(async () => {
  await api.emu.close();
});

describe('recording results', () => {
  it('accepts multipart: a text part `data` and files attachments_<i>_<j>', async () => {
    const form = new FormData();
    form.append('data', JSON.stringify({ test_run_cases: [entry(1, 'Passed', 'took 1.2 s'), entry(2, 'Failed', 'AssertionError: expected 1 to be 2')] }));
    form.append('attachments_1_0', new Blob(['PNGDATA'], { type: 'image/png' }), 'screenshot.png');
    form.append('attachments_1_1', new Blob(['trace text here'], { type: 'text/plain' }), 'trace.txt');
    const res = await api.call('PUT', resultsPath(run.id), form);
    expect(res.status).toBe(200);
    expect(res.json.data.test_run_cases.map((c: Json) => [c.test_case.human_id, c.status])).toEqual([
      ['DEMO-1', 'Passed'],
      ['DEMO-2', 'Failed'],
    ]);
    const results = api.emu.state().test_runs.find((r) => r.id === run.id)?.results ?? {};
    expect(results[cid(1)]).toMatchObject({ status_id: status('Passed'), status: 'Passed', user_id: ALICE, description: 'took 1.2 s', attachments: [] });
    const screenshot = { name: 'screenshot.png', size: 7, content_type: 'image/png', sha256: sha256('PNGDATA') };
    const trace = { name: 'trace.txt', size: 15, content_type: 'text/plain', sha256: sha256('trace text here') };
    expect(results[cid(2)]?.attachments).toEqual([screenshot, trace]);
    expect(results[cid(2)]?.updated_at).toBeGreaterThan(0);
    // The run's case list shows them too (a field only the emulator sends).
    const listed = await api.get(resultsPath(run.id));
    expect(listed.json.data.test_run_cases.map((c: Json) => c.attachments)).toEqual([[], [screenshot, trace], []]);
    expect(res.json.data.test_run_cases[1].attachments).toEqual([screenshot, trace]);
  });

  it('orders the files of an entry by j and hashes binary bytes', async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    const form = new FormData();
    form.append('data', JSON.stringify({ test_run_cases: [entry(1, 'Failed')] }));
    form.append('attachments_0_2', new Blob(['third'], { type: 'text/plain' }), 'c.log');
    form.append('attachments_0_0', new Blob([bytes], { type: 'application/zip' }), 'trace.zip');
    form.append('attachments_0_1', new Blob(['<video>'], { type: 'video/webm' }), 'video.webm');
    expect((await api.call('PUT', resultsPath(run.id), form)).status).toBe(200);
    const stored = api.emu.state().test_runs.find((r) => r.id === run.id)?.results[cid(1)]?.attachments;
    expect(stored?.map((a) => [a.name, a.size, a.content_type])).toEqual([
      ['trace.zip', 300_000, 'application/zip'],
      ['video.webm', 7, 'video/webm'],
      ['c.log', 5, 'text/plain'],
    ]);
    expect(stored?.[0]?.sha256).toBe(sha256(bytes));
  });

  it('records the content type as sent; a file part without one reads as text/plain (the multipart default)', async () => {
    const boundary = 'emu-test-boundary';
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n${JSON.stringify({ test_run_cases: [entry(1)] })}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="attachments_0_0"; filename="notes.md"\r\n\r\n# notes\r\n`,
      `--${boundary}--\r\n`,
    ].join('');
    const res = await api.call('PUT', resultsPath(run.id), body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(res.status).toBe(200);
    expect(res.json.data.test_run_cases[0].attachments).toEqual([{ name: 'notes.md', size: 7, content_type: 'text/plain', sha256: sha256('# notes') }]);
  });

  it('replaces the attachments of a case on a later write (last write wins), also with none', async () => {
    const withFile = (name: string): FormData => {
      const form = new FormData();
      form.append('data', JSON.stringify({ test_run_cases: [entry(1, 'Failed')] }));
      form.append('attachments_0_0', new Blob([name], { type: 'text/plain' }), name);
      return form;
    };
    const attachmentsOf1 = (): string[] | undefined =>
      api.emu
        .state()
        .test_runs.find((r) => r.id === run.id)
        ?.results[cid(1)]?.attachments.map((a) => a.name);
    await api.call('PUT', resultsPath(run.id), withFile('first.txt'));
    await api.call('PUT', resultsPath(run.id), withFile('second.txt'));
    expect(attachmentsOf1()).toEqual(['second.txt']);
    await api.call('PUT', resultsPath(run.id), { test_run_cases: [entry(1, 'Passed')] });
    expect(attachmentsOf1()).toEqual([]);
  });

  it('400 for an attachment part naming an entry that does not exist, with nothing applied', async () => {
    const form = new FormData();
    form.append('data', JSON.stringify({ test_run_cases: [entry(1), entry(2)] }));
    form.append('attachments_0_0', new Blob(['ok']), 'ok.txt');
    form.append('attachments_2_0', new Blob(['x']), 'x.txt');
    const res = await api.call('PUT', resultsPath(run.id), form);
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('Part attachments_2_0 names entry 2, but test_run_cases has 2 entries');
    expect(res.json.errors.details).toContain('the j-th file of the i-th entry of test_run_cases, both counted from 0');
    const text = new FormData();
    text.append('data', JSON.stringify({ test_run_cases: [entry(1)] }));
    text.append('attachments_0_0', 'not a file');
    expect((await api.call('PUT', resultsPath(run.id), text)).json.message).toBe('Part attachments_0_0 must be a file');
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
  });

  it('accepts plain JSON and a human run id in the path', async () => {
    const res = await api.call('PUT', resultsPath(run.human_id), { test_run_cases: [entry(3, 'Blocked')] });
    expect(res.status).toBe(200);
    const list = await api.get(resultsPath(run.id));
    expect(list.json.data.test_run_cases.map((c: Json) => c.status)).toEqual(['Untested', 'Untested', 'Blocked']);
  });

  it('is last-write-wins, within a call and across calls', async () => {
    await api.call('PUT', resultsPath(run.id), { test_run_cases: [entry(1, 'Failed'), entry(1, 'Retest')] });
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results[cid(1)]?.status).toBe('Retest');
    await api.call('PUT', resultsPath(run.id), { test_run_cases: [entry(1, 'Passed', 'second attempt')] });
    await api.call('PUT', resultsPath(run.id), { test_run_cases: [entry(1, 'Passed', 'second attempt')] });
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results[cid(1)]).toMatchObject({ status: 'Passed', description: 'second attempt' });
  });

  it('refuses a `data` part sent as a file (a Blob) with 400', async () => {
    const form = new FormData();
    form.append('data', new Blob([JSON.stringify({ test_run_cases: [entry(1)] })], { type: 'application/json' }));
    const res = await api.call('PUT', resultsPath(run.id), form);
    expect(res.status).toBe(400);
    expect(res.json.errors).toMatchObject({ code: 400, message: 'Form field data must be text, not a file' });
    expect(res.json.errors.details).toContain('"blob"');
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
  });

  it('refuses other malformed uploads with 400', async () => {
    const noData = new FormData();
    noData.append('something', 'else');
    expect((await api.call('PUT', resultsPath(run.id), noData)).status).toBe(400);
    const badJson = new FormData();
    badJson.append('data', '{oops');
    expect((await api.call('PUT', resultsPath(run.id), badJson)).status).toBe(400);
    const farAttachment = new FormData();
    farAttachment.append('data', JSON.stringify({ test_run_cases: [entry(1)] }));
    farAttachment.append('attachments_3_0', new Blob(['x']), 'x.txt');
    expect((await api.call('PUT', resultsPath(run.id), farAttachment)).status).toBe(400);
    expect((await api.call('PUT', resultsPath(run.id), { test_run_cases: [] })).status).toBe(400);
    expect((await api.call('PUT', resultsPath(run.id), { results: [entry(1)] })).status).toBe(400);
    expect((await api.call('PUT', resultsPath(run.id), { test_run_cases: [{ test_case_id: cid(1) }] })).status).toBe(400);
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
  });

  it('422 naming the case when one entry is outside the run, and applies nothing', async () => {
    const res = await api.call('PUT', resultsPath(run.id), { test_run_cases: [entry(1), entry(2), entry(9)] });
    expect(res.status).toBe(422);
    expect(res.json.message).toBe(`test case ${cid(9)} is not part of test run ${run.human_id}`);
    expect(res.json.errors).toMatchObject({ code: 422, message: res.json.message });
    expect(res.json.errors.details).toContain('Nothing from this request was applied');
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
  });

  it('422 for a human id, an unknown status or an unknown user in an entry', async () => {
    const human = await api.call('PUT', resultsPath(run.id), { test_run_cases: [{ ...entry(1), test_case_id: 'DEMO-1' }] });
    expect(human.status).toBe(422);
    expect(human.json.message).toContain('DEMO-1');
    const badStatus = await api.call('PUT', resultsPath(run.id), { test_run_cases: [{ ...entry(1), test_run_status_id: DEMO_FACTS.caseId(2) }] });
    expect(badStatus.status).toBe(422);
    expect(badStatus.json.message).toContain('test_run_status_id');
    const badUser = await api.call('PUT', resultsPath(run.id), {
      test_run_cases: [entry(2), { ...entry(1), user_id: '55555555-5555-4555-8555-555555555555' }],
    });
    expect(badUser.status).toBe(422);
    expect(badUser.json.message).toContain('55555555-5555-4555-8555-555555555555');
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
  });

  it('422 for a CLOSED run, with nothing applied', async () => {
    await api.call('PUT', resultsPath(run.id), { test_run_cases: [entry(1, 'Failed')] });
    await api.call('PUT', `/projects/${PID}/test_runs/${run.id}`, { status: 'CLOSED' });
    const res = await api.call('PUT', resultsPath(run.id), { test_run_cases: [entry(1, 'Passed'), entry(2)] });
    expect(res.status).toBe(422);
    expect(res.json.message).toBe(`Test run ${run.human_id} (${run.id}) is CLOSED`);
    const results = api.emu.state().test_runs.find((r) => r.id === run.id)?.results ?? {};
    expect(Object.keys(results)).toEqual([cid(1)]);
    expect(results[cid(1)]?.status).toBe('Failed');
    const seeded = await api.call('PUT', resultsPath('DEMO-R-1'), { test_run_cases: [entry(5)] });
    expect(seeded.status).toBe(422);
  });
});

describe('body size limit', () => {
  it('413 above 8 MiB, decided from content-length', async () => {
    const big = 'x'.repeat(8 * 1024 * 1024 + 1);
    const body = JSON.stringify({ test_run_cases: [entry(1, 'Passed', big)] });
    const res = await api.call('PUT', resultsPath(run.id), body);
    expect(res.status).toBe(413);
    expect(res.json.errors.code).toBe(413);
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
  });

  it('413 above 8 MiB for a multipart body with a large attachment', async () => {
    const form = new FormData();
    form.append('data', JSON.stringify({ test_run_cases: [entry(1)] }));
    form.append('attachments_0_0', new Blob([new Uint8Array(8 * 1024 * 1024)]), 'trace.zip');
    const res = await api.call('PUT', resultsPath(run.id), form);
    expect(res.status).toBe(413);
    expect(res.json.errors.details).toBe('The request body exceeds 8388608 bytes; send fewer results per request.');
    expect(api.emu.state().test_runs.find((r) => r.id === run.id)?.results).toEqual({});
  });

  it('413 from the bytes read when there is no content-length (chunked)', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(32);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 9) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await read(
      await fetch(`${api.emu.url}${resultsPath(run.id)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${api.emu.token}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
  });

  it('just under the limit is fine, and the limit is configurable', async () => {
    const small = await start({ maxBodyBytes: 2048 });
    try {
      const r = await createRun(small, PID, [cid(1)]);
      const ok = await small.call('PUT', resultsPath(r.id), { test_run_cases: [entry(1, 'Passed', 'y'.repeat(1500))] });
      expect(ok.status).toBe(200);
      const tooBig = await small.call('PUT', resultsPath(r.id), { test_run_cases: [entry(1, 'Passed', 'y'.repeat(2100))] });
      expect(tooBig.status).toBe(413);
      // The connection stays usable after a 413.
      expect((await small.get('/projects')).status).toBe(200);
    } finally {
      await small.emu.close();
    }
  });
});

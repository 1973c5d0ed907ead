import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS } from '../src/index.js';
import type { Api } from './helpers.js';
import { createRun, start } from './helpers.js';

const PID = DEMO_FACTS.project.id;
const cid = DEMO_FACTS.caseId;
let api: Api;

beforeAll(async () => {
  api = await start();
});
afterAll(async () => {
  await api.emu.close();
});

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="checkout" tests="5">
    <testcase classname="cart" name="DEMO-11 add a single item" time="0.1"/>
    <testcase classname="cart" name="[DEMO-12] update quantity &amp; total" time="0.2">
      <failure message="expected 2 &gt; 1" type="AssertionError">stack</failure>
    </testcase>
    <testcase classname="DEMO-13 cart" name="remove an item"><skipped/></testcase>
    <testcase classname="cart" name="DEMO-40 not in this run"/>
    <testcase classname="cart" name="no id at all"/>
  </testsuite>
</testsuites>`;

describe('JUnit import', () => {
  it('imports a junit_xml file, matching DEMO-n tokens, and reports the import status', async () => {
    const run = await createRun(api, PID, [cid(11), cid(12), cid(13)]);
    const form = new FormData();
    form.append('junit_xml', new Blob([XML], { type: 'application/xml' }), 'results.xml');
    const res = await api.call('POST', `/projects/${PID}/junit-import/test-run/${run.human_id}`, form);
    expect(res.status).toBe(200);
    const started = res.json.data.import;
    expect(started).toMatchObject({ id: expect.any(String), status: 'completed' });

    const poll = await api.get(`/projects/${PID}/junit-imports/${started.id}/status`);
    expect(poll.json.data.import.status).toBe('completed');
    expect(poll.json.data.import.details).toMatchObject({ imported_count: 3, failed_count: 2 });
    expect(poll.json.data.import.details.errors).toHaveLength(2);

    const results = api.emu.state().test_runs.find((r) => r.id === run.id)?.results ?? {};
    expect(results[cid(11)]?.status).toBe('Passed');
    expect(results[cid(12)]).toMatchObject({ status: 'Failed', description: 'expected 2 > 1', user_id: DEMO_FACTS.users.alice.id });
    expect(results[cid(13)]?.status).toBe('Skipped');
  });

  it('answers 400 without junit_xml, 422 for a CLOSED run and 404 for an unknown import', async () => {
    const form = new FormData();
    form.append('report', new Blob([XML]), 'results.xml');
    expect((await api.call('POST', `/projects/${PID}/junit-import/test-run/DEMO-R-1`, form)).status).toBe(400);
    const closed = new FormData();
    closed.append('junit_xml', new Blob([XML]), 'results.xml');
    expect((await api.call('POST', `/projects/${PID}/junit-import/test-run/DEMO-R-1`, closed)).status).toBe(422);
    expect((await api.get(`/projects/${PID}/junit-imports/66666666-6666-4666-8666-666666666666/status`)).status).toBe(404);
  });

  it('marks an import without test cases as failed', async () => {
    const run = await createRun(api, PID, [cid(1)]);
    const form = new FormData();
    form.append('junit_xml', new Blob(['<testsuites/>']), 'empty.xml');
    const res = await api.call('POST', `/projects/${PID}/junit-import/test-run/${run.id}`, form);
    expect(res.json.data.import.status).toBe('failed');
  });
});

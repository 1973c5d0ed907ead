/**
 * A batch with files answered 2xx with an empty body that did not land (a proxy answering for the service): its
 * result is found missing and spooled, and `resume` sends results without files. The files are named — in the
 * summary, in the spooled description and so in the run once resumed — and never counted as sent.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmulatorHandle } from 'testsigma-tm-emulator';
import type { Transport } from '../../src/api/http.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { virtualClock } from '../run/close-fixtures.js';
import { NOT_SENT, SHOT, expectShotNamedThroughResume, resultWithFiles, usePassOn, useWorkspaceWithShot } from './file-fixtures.js';

let emulator: EmulatorHandle;
useDemoEmulator((started) => (emulator = started));

const passOn = usePassOn();
const workspace = useWorkspaceWithShot('tm-unconfirmed-files-');

/** A proxy that answers the first batch of results itself, 200 with an empty body, without passing it on. */
function swallowingFirstBatch(): Transport {
  let batches = 0;
  return async (request) => {
    if (request.method === 'PUT' && request.url.pathname.endsWith('/test_cases') && ++batches === 1) {
      return { kind: 'answer', status: 200, body: undefined, requestId: 'proxy', retryAfterMs: undefined, retryAfter: undefined, rate: {} };
    }
    return passOn(request);
  };
}

describe('a batch with a file answered 2xx with an empty body, that did not land', () => {
  it('names the file (summary, spool, the resumed result) and does not count it as sent', async () => {
    const spool = join(workspace(), 'spool.json');
    const settings = resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', batchSize: 1, spool }, {});
    const outcome = await uploadResults({
      settings,
      results: [resultWithFiles(1, 'failed', 'proxy', [SHOT]), resultWithFiles(2, 'passed', 'proxy')],
      cwd: workspace(),
      env: {},
      clock: virtualClock(),
      http: { transport: swallowingFirstBatch() },
    });
    expect([outcome.exitCode, outcome.error?.code]).toEqual([1, 'API_UNEXPECTED_BODY']);
    expect(outcome.summary.attachments.sent).toBe(0);
    expect(outcome.summary.attachments.skipped).toEqual([{ case: 'DEMO-1', name: 'shot.png', reason: NOT_SENT }]);
    await expectShotNamedThroughResume(emulator, spool);
  });
});

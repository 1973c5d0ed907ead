/**
 * Attachments end to end in-process: result files naming files → uploadResults → the emulator over loopback,
 * whose state records each part's name, size, content type and SHA-256. Every test works in its own temporary
 * workspace (the upload's cwd), so "outside the workspace" is meaningful.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { readResultFiles } from '../../src/formats/read-files.js';
import type { TestResult } from '../../src/model.js';
import { resolveSettings } from '../../src/settings/index.js';
import { renderText } from '../../src/report/summary-text.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import type { UploadInput } from '../../src/pipeline/stages.js';

let emulator: EmulatorHandle;
let small: EmulatorHandle;
let workspace: string;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
  small = await startEmulator({ port: 0, seed: 'demo', rateLimit: false, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await emulator.close();
  await small.close();
});
beforeEach(async () => {
  emulator.reset();
  small.reset();
  workspace = await mkdtemp(path.join(tmpdir(), 'tstm-att-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

function collector() {
  const warnings: string[] = [];
  return { warnings, log: { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) } };
}

async function put(relative: string, content: string | Buffer): Promise<Buffer> {
  const file = path.join(workspace, relative);
  await mkdir(path.dirname(file), { recursive: true });
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  await writeFile(file, bytes);
  return bytes;
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function settings(target: EmulatorHandle, extra: Record<string, unknown> = {}) {
  return resolveSettings({ token: target.token, baseUrl: target.url, projectId: 'Demo', ...extra }, {});
}

async function upload(target: EmulatorHandle, input: Partial<UploadInput> & { results: TestResult[] }, extra: Record<string, unknown> = {}) {
  return uploadResults({ settings: settings(target, extra), cwd: workspace, ...input });
}

/** The attachments the newest run holds for DEMO-<n>, and its description. */
function recorded(target: EmulatorHandle, n: number) {
  const runs = target.state().test_runs;
  const run = runs[runs.length - 1];
  const result = run?.results[DEMO_FACTS.caseId(n)];
  return { attachments: result?.attachments ?? [], description: result?.description ?? '' };
}

function failing(name: string, attachments: TestResult['attachments'], status: TestResult['status'] = 'failed'): TestResult {
  return { source: 'unit', suitePath: [], name, status, properties: [], tags: [], attachments, attempts: [{ status }] };
}

describe('attachments from JUnit', () => {
  it('uploads [[ATTACHMENT|…]] markers and attachment properties of failed cases, relative to the result file', async () => {
    const shot = await put('reports/shots/login.png', 'PNG-bytes');
    const log = await put('reports/logs/login.log', 'log line\n');
    await put('reports/shots/passing.png', 'not sent');
    await put(
      'reports/junit.xml',
      `<testsuite name="s"><testcase name="DEMO-1 logs in"><properties><property name="attachment" value="logs/login.log"/></properties>` +
        `<failure message="boom">boom</failure><system-out>[[ATTACHMENT|shots/login.png]]</system-out></testcase>` +
        `<testcase name="DEMO-2 passes"><system-out>[[ATTACHMENT|shots/passing.png]]</system-out></testcase></testsuite>`,
    );
    const files = await readResultFiles(['reports/junit.xml'], { cwd: workspace });
    const outcome = await upload(emulator, { results: files.flatMap((f) => f.results), files });
    expect(outcome.exitCode).toBe(0);
    // The documented order puts the screenshot first, whatever the order in the file.
    expect(recorded(emulator, 1).attachments).toEqual([
      { name: 'login.png', size: shot.length, content_type: 'image/png', sha256: sha(shot) },
      { name: 'login.log', size: log.length, content_type: 'text/plain', sha256: sha(log) },
    ]);
    expect(recorded(emulator, 2).attachments).toEqual([]);
    expect(outcome.summary.attachments).toEqual({ sent: 2, sentBytes: shot.length + log.length, skipped: [], planned: [] });
    expect(renderText(outcome.summary)).toContain('Attached 2 file(s) (0.0 MiB).');
  });

  it('uploads nothing of ../../etc/passwd, an absolute path elsewhere or a symbolic link out, and says so', async () => {
    await symlink('/etc/hostname', path.join(workspace, 'link.txt'));
    await put(
      'junit.xml',
      `<testsuite name="s"><testcase name="DEMO-1 evil"><failure>x</failure><system-out>[[ATTACHMENT|../../etc/passwd]]\n[[ATTACHMENT|/etc/passwd]]\n[[ATTACHMENT|link.txt]]</system-out></testcase></testsuite>`,
    );
    const { warnings, log } = collector();
    const files = await readResultFiles(['junit.xml'], { cwd: workspace });
    const outcome = await upload(emulator, { results: files.flatMap((f) => f.results), files, log });
    expect(outcome.exitCode).toBe(0);
    expect(recorded(emulator, 1).attachments).toEqual([]);
    expect(outcome.summary.attachments.sent).toBe(0);
    expect(outcome.summary.attachments.skipped).toEqual([
      { case: 'DEMO-1', name: '../../etc/passwd', reason: 'outside the workspace' },
      { case: 'DEMO-1', name: '/etc/passwd', reason: 'outside the workspace' },
      { case: 'DEMO-1', name: 'link.txt', reason: 'outside the workspace' },
    ]);
    expect(warnings.filter((w) => w.startsWith('Attachment '))).toEqual([
      `Attachment ../../etc/passwd of "s › DEMO-1 evil" is not uploaded (refused): it is outside the workspace ${workspace}; only files inside it are uploaded.`,
      `Attachment /etc/passwd of "s › DEMO-1 evil" is not uploaded (refused): it is outside the workspace ${workspace}; only files inside it are uploaded.`,
      expect.stringMatching(
        /^Attachment link\.txt of "s › DEMO-1 evil" is not uploaded \(refused\): it leads outside the workspace .* \(to \/etc\/hostname\); only files inside it are uploaded\.$/,
      ),
    ]);
    expect(recorded(emulator, 1).description).toContain(
      'Files not attached:\n- ../../etc/passwd: outside the workspace\n- /etc/passwd: outside the workspace\n- link.txt: outside the workspace',
    );
  });

  it('warns about a missing file and still records the result', async () => {
    const { warnings, log } = collector();
    const outcome = await upload(emulator, { results: [failing('DEMO-3 gone', [{ name: 'screenshot', path: 'nowhere.png' }])], log });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.uploaded).toBe(1);
    expect(outcome.summary.attachments.skipped).toEqual([{ case: 'DEMO-3', name: 'nowhere.png', reason: 'not found or unreadable' }]);
    expect(warnings.some((w) => w.startsWith('Attachment nowhere.png of "DEMO-3 gone" is not uploaded (missing or unreadable): not found ('))).toBe(true);
  });
});

describe('what is sent', () => {
  it('keeps the per-file size and per-case count limits, in the order screenshot, trace, video, other', async () => {
    await put('out/notes.txt', 'notes');
    await put('out/video.webm', 'v');
    await put('out/trace.zip', 'zip');
    await put('out/shot.png', 'png');
    await put('out/huge.log', Buffer.alloc(2048));
    const result = failing('DEMO-4 limits', [
      { name: 'notes', path: 'out/notes.txt' },
      { name: 'huge', path: 'out/huge.log' },
      { name: 'video', path: 'out/video.webm', contentType: 'video/webm' },
      { name: 'trace', path: 'out/trace.zip', contentType: 'application/zip' },
      { name: 'screenshot', path: 'out/shot.png', contentType: 'image/png' },
    ]);
    const outcome = await upload(emulator, { results: [result] }, { attachmentMaxBytes: 1024, attachmentsPerCase: 2 });
    expect(recorded(emulator, 4).attachments.map((a) => [a.name, a.content_type])).toEqual([
      ['shot.png', 'image/png'],
      ['trace.zip', 'application/zip'],
    ]);
    expect(outcome.summary.attachments.skipped).toEqual([
      { case: 'DEMO-4', name: 'video.webm', reason: 'over the limit of 2 file(s) per test case' },
      { case: 'DEMO-4', name: 'notes.txt', reason: 'over the limit of 2 file(s) per test case' },
      { case: 'DEMO-4', name: 'huge.log', reason: '2.0 KiB, over the 1.0 KiB limit per file' },
    ]);
    expect(recorded(emulator, 4).description).toContain(
      'Files not attached:\n- video.webm: over the limit of 2 file(s) per test case\n- notes.txt: over the limit of 2 file(s) per test case\n- huge.log: 2.0 KiB, over the 1.0 KiB limit per file',
    );
  });

  it('sends inline bodies as files, all results with `all`, none with `none`', async () => {
    const body = Buffer.from('hello from testInfo.attach');
    const results = [
      failing('DEMO-5 inline', [{ name: 'note', contentType: 'text/plain', body: body.toString('base64') }]),
      failing('DEMO-6 passes', [{ name: 'log', contentType: 'text/plain', body: 'eA==' }], 'passed'),
    ];
    await upload(emulator, { results }, { attachments: 'all' });
    expect(recorded(emulator, 5).attachments).toEqual([{ name: 'note.txt', size: body.length, content_type: 'text/plain', sha256: sha(body) }]);
    expect(recorded(emulator, 6).attachments.map((a) => a.name)).toEqual(['log.txt']);
    emulator.reset();
    await upload(emulator, { results }, { attachments: 'none' });
    expect(recorded(emulator, 5).attachments).toEqual([]);
  });

  it("takes a flaky test's files from its last failing attempt", async () => {
    await put('a1.png', '1');
    await put('a2.png', '22');
    await put('a3.png', '333');
    const flaky: TestResult = {
      ...failing('DEMO-7 flaky', [], 'passed'),
      attempts: [
        { status: 'failed', attachments: [{ name: 'screenshot', path: 'a1.png' }] },
        { status: 'failed', attachments: [{ name: 'screenshot', path: 'a2.png' }] },
        { status: 'passed', attachments: [{ name: 'screenshot', path: 'a3.png' }] },
      ],
    };
    await upload(emulator, { results: [flaky] });
    expect(recorded(emulator, 7).attachments.map((a) => [a.name, a.size])).toEqual([['a2.png', 2]]);
  });

  it('lists in a dry run what would be attached, and sends nothing', async () => {
    await put('s.png', 'abc');
    const outcome = await upload(emulator, { results: [failing('DEMO-8 dry', [{ name: 'screenshot', path: 's.png' }])] }, { dryRun: true });
    expect(outcome.summary.attachments.planned).toEqual([{ case: 'DEMO-8', name: 's.png', size: 3 }]);
    expect(renderText(outcome.summary)).toContain('Would attach 1 file(s) (0.0 MiB):\n    DEMO-8: s.png (0.0 MiB)');
    expect(emulator.state().requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });
});

describe('how it is sent', () => {
  it('puts a case with large files in a batch of its own', async () => {
    for (const n of [1, 2, 3]) await put(`big${n}.bin`, Buffer.alloc(3 * 1024 * 1024, n));
    const results = [1, 2, 3].map((n) => failing(`DEMO-${n} big`, [{ name: 'dump', path: `big${n}.bin` }]));
    results.push(failing('DEMO-9 small', []), failing('DEMO-10 small', []));
    const outcome = await upload(emulator, { results });
    expect(outcome.summary.attachments.sent).toBe(3);
    // 3 MiB each within a 4 MiB request: one request per big case; the small ones share the last.
    expect(emulator.state().requests.filter((r) => r.method === 'PUT' && r.route?.endsWith('/test_cases'))).toHaveLength(3);
    expect(recorded(emulator, 2).attachments[0]?.size).toBe(3 * 1024 * 1024);
  });

  it('sends a case refused as too large (413) again without its files, naming them', async () => {
    await put('shot.png', Buffer.alloc(100 * 1024, 1));
    const { warnings, log } = collector();
    const outcome = await upload(small, {
      results: [failing('DEMO-11 too big', [{ name: 'screenshot', path: 'shot.png' }]), failing('DEMO-12 fine', [])],
      log,
    });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.uploaded).toBe(2);
    expect(recorded(small, 11).attachments).toEqual([]);
    const reason = 'the service refused the result with 1 file(s) (100.3 KiB) as too large (HTTP 413), so it was sent without this file';
    expect(outcome.summary.attachments.skipped).toEqual([{ case: 'DEMO-11', name: 'shot.png', reason }]);
    expect(recorded(small, 11).description).toContain(`Files not attached:\n- shot.png: ${reason}`);
    expect(warnings).toContain(
      'Test case DEMO-11: the service refused the result with 1 file(s) (100.3 KiB) as too large (HTTP 413), so it was sent without shot.png.',
    );
    expect(
      small
        .state()
        .requests.filter((r) => r.method === 'PUT' && r.route?.endsWith('/test_cases'))
        .map((r) => r.status),
    ).toEqual([413, 413, 200, 200]);
  });

  it('after a 413 keeps the files that fit, dropping the last in upload order first', async () => {
    const shot = await put('shot.png', Buffer.alloc(10 * 1024, 2));
    await put('video.webm', Buffer.alloc(100 * 1024, 3));
    const outcome = await upload(small, {
      results: [
        failing('DEMO-14 video', [
          { name: 'video', path: 'video.webm' },
          { name: 'screenshot', path: 'shot.png' },
        ]),
      ],
    });
    expect(outcome.summary.uploaded).toBe(1);
    expect(recorded(small, 14).attachments).toEqual([{ name: 'shot.png', size: shot.length, content_type: 'image/png', sha256: sha(shot) }]);
    expect(outcome.summary.attachments).toMatchObject({
      sent: 1,
      skipped: [
        {
          case: 'DEMO-14',
          name: 'video.webm',
          reason: 'the service refused the result with 2 file(s) (110.5 KiB) as too large (HTTP 413), so it was sent without this file',
        },
      ],
    });
    expect(
      small
        .state()
        .requests.filter((r) => r.method === 'PUT' && r.route?.endsWith('/test_cases'))
        .map((r) => r.status),
    ).toEqual([413, 200]);
  });

  it('names the files of results spooled after an outage (resume sends results only)', async () => {
    await put('shot.png', 'png');
    emulator.setFaults([{ kind: 'status', route: 'PUT /projects/*/test_runs/*/test_cases', status: 503 }]);
    const spool = path.join(workspace, 'spool.json');
    const { log } = collector();
    const outcome = await upload(
      emulator,
      {
        results: [failing('DEMO-13 outage', [{ name: 'screenshot', path: 'shot.png' }])],
        log,
        http: { retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10 } },
      },
      { spool },
    );
    emulator.setFaults([]);
    expect(outcome.exitCode).not.toBe(0);
    const reason = 'not sent: the upload stopped before this result was recorded, and a resumed upload sends results without files';
    expect(outcome.summary.attachments.skipped).toEqual([{ case: 'DEMO-13', name: 'shot.png', reason }]);
    const spooled = JSON.parse(await readFile(spool, 'utf8')) as { entries: { description: string }[] };
    expect(spooled.entries[0]?.description).toContain(`Files not attached:\n- shot.png: ${reason}`);
  });
});

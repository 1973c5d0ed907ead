/**
 * spool/: the spool file, what an upload could not send, for `resume`; may import api, settings.
 *
 * The spool: what an upload could not send, written to a file so that `testsigma-tm resume FILE` sends it
 * later, where a re-run would, nothing twice. Versioned JSON; never the token (resume reads it from the
 * environment like any upload). Two kinds:
 * - `entries`: the run was open; every result entry of the job, and which of them landed in which run. The
 *   landed list grows as batches are acknowledged (SpoolProgress): a resume that stops half way (a cancelled
 *   job, another outage) leaves a file from which the next resume sends only what did not land;
 * - `results`: the service failed before a run was open; these test results are uploaded from scratch.
 * Either may say that the run that wrote the results failed outside any test (`runFailed`): resume ends as the
 * upload did, with INPUT_RUN_FAILED, once everything is sent.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ResultEntry } from '../api/client.js';
import { InputError } from '../errors.js';
import type { FileOutcome, FileOutsideTests, TestResult } from '../model.js';
import type { Env, Settings } from '../settings/index.js';

const SPOOL_VERSION = 1;

/** The settings an upload needs again, without the token. */
export type SpooledSettings = Omit<Settings, 'token'>;

interface SpoolBase {
  tool: 'testsigma-tm';
  version: typeof SPOOL_VERSION;
  createdAt: string;
  /** Why the upload could not finish. */
  reason: string;
  settings: SpooledSettings;
  /**
   * The result files whose run failed outside any test (FileOutcome.outsideTests): the upload's verdict, which a
   * resume ends with (INPUT_RUN_FAILED) once it has sent everything, as the upload would have.
   */
  runFailed?: SpooledRunFailure[];
}

/** A result file whose run failed outside any test, and its errors, as the upload read them. */
export interface SpooledRunFailure extends FileOutsideTests {
  path: string;
}

/** The files whose run failed outside any test, for the spool; undefined when none did. */
export function spooledRunFailures(files: readonly FileOutcome[] | undefined): SpooledRunFailure[] | undefined {
  const failed = (files ?? []).flatMap((f) => (f.outsideTests ? [{ path: f.path, ...f.outsideTests }] : []));
  return failed.length > 0 ? failed : undefined;
}

/** The spool's failed runs as the files the upload read (their results are in the spool): what ends a resume. */
export function runFailedFiles(spool: Pick<SpoolBase, 'runFailed'>): FileOutcome[] {
  return (spool.runFailed ?? []).map(({ path: file, runner, errors }) => ({
    path: file,
    results: [],
    count: 0,
    outsideTests: { runner, errors },
  }));
}

export interface EntriesSpool extends SpoolBase {
  kind: 'entries';
  projectId: string;
  /** The run the upload wrote to. With a run key, resume goes where a re-run would (the key's open run, else a new generation). */
  run: { id: string; human_id: string };
  /** Close the run once these have landed (the original upload would have); without a run key only. */
  close: boolean;
  /** The job's result entries: those not in `landed` are sent (spools written before `landed` existed hold only those). */
  entries: ResultEntry[];
  /**
   * Cases of `entries` the job is done with in run `runId`: acknowledged (or refused and named, or kept because
   * another job reported them worse). Another run (a new generation of the key) takes every entry again.
   */
  landed?: { runId: string; caseIds: string[] };
  /** Test case id → human id (`DEMO-12`), for the job's line in a keyed run and for messages. */
  humanIds?: Record<string, string>;
  /** The job's marker in a keyed run's description: resume writes its line under it (UploadContext.job). */
  job?: string;
}

interface ResultsSpool extends SpoolBase {
  kind: 'results';
  results: TestResult[];
  /**
   * The run's create, sent without an answer before the upload stopped (run/lifecycle.ts RunCreateSent): the run it
   * may have made, open and empty, is the one resume records into when it finds it — looking again once the create
   * can no longer land (`unansweredAt`, our clock, plus LATE_WRITE_MS) when the first look finds nothing.
   */
  createSent?: { title: string; firstLine: string; since: number; unansweredAt?: number };
}

export type Spool = EntriesSpool | ResultsSpool;

export function withoutToken(settings: Settings): SpooledSettings {
  const { token: _token, ...rest } = settings;
  return rest;
}

/** The spool file: the setting, else the runner's temp directory with the run key (or the time) in its name. */
export function spoolPath(settings: Pick<Settings, 'spool' | 'runKey'>, env: Env, now: Date): string {
  if (settings.spool) return settings.spool;
  const dir = env.RUNNER_TEMP || os.tmpdir();
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const key = settings.runKey ? `${settings.runKey.replace(/[^A-Za-z0-9._-]/g, '_')}-` : '';
  return path.join(dir, `testsigma-tm-spool-${key}${stamp}.json`);
}

/** What a results spool holds besides its results. */
export type ResultsSpoolHeader = Omit<ResultsSpool, 'results'>;

/**
 * A results spool written as the results are handed over (`fill` calls `write` with each), so that spooling a
 * huge input costs a buffer, not the input. Like writeSpool: whole or not at all, readable by its owner only.
 * What only the read knows (the runs that failed outside any test) `fill` returns: written after the results.
 */
export async function writeResultsSpool(
  file: string,
  header: ResultsSpoolHeader,
  fill: (write: (result: TestResult) => void) => Promise<Pick<SpoolBase, 'runFailed'>>,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    let buffer = `${JSON.stringify(header).slice(0, -1)},"results":[`;
    let first = true;
    // Synchronous writes in 1 MiB pieces: results are handed over synchronously as they are read.
    const flush = (): void => {
      writeSync(fd, buffer);
      buffer = '';
    };
    const { runFailed } = await fill((result) => {
      buffer += (first ? '' : ',') + JSON.stringify(result);
      first = false;
      if (buffer.length >= 1024 * 1024) flush();
    });
    buffer += `]${runFailed ? `,"runFailed":${JSON.stringify(runFailed)}` : ''}}\n`;
    flush();
  } catch (error) {
    closeSync(fd);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  closeSync(fd);
  await rename(temp, file);
}

/** Written whole or not at all (a temp file renamed), readable by its owner only. */
export async function writeSpool(file: string, spool: Spool): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(spool)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

export async function readSpool(file: string): Promise<Spool> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new InputError(
      'INPUT_UNREADABLE',
      file,
      `${file} could not be read as a spool file: ${(error as Error).message}. Pass the file an upload printed ("results were written to …").`,
      { cause: error },
    );
  }
  const spool = value as Partial<Spool> | null;
  if (!spool || typeof spool !== 'object' || spool.tool !== 'testsigma-tm') {
    throw new InputError('INPUT_NOT_RESULTS', file, `${file} is not a testsigma-tm spool file.`);
  }
  // The version first: a newer one may name its kinds and parts otherwise.
  if (spool.version !== SPOOL_VERSION) {
    throw new InputError(
      'INPUT_NOT_RESULTS',
      file,
      `${file} is a spool file of version ${String(spool.version)}; this testsigma-tm reads version ${SPOOL_VERSION}. Resume it with the version that wrote it.`,
    );
  }
  if (spool.kind !== 'entries' && spool.kind !== 'results') {
    throw new InputError('INPUT_NOT_RESULTS', file, `${file} is not a testsigma-tm spool file.`);
  }
  const missing = missingPart(spool as Spool);
  if (missing) {
    throw new InputError(
      'INPUT_MALFORMED',
      file,
      `${file} is not a whole testsigma-tm spool file: ${missing} missing or malformed (was it edited, or cut short?). Pass the file an upload printed ("results were written to …") as the upload wrote it.`,
    );
  }
  return spool as Spool;
}

/** The first part a resume reads that the file lacks (or holds in another shape), as the message names it. */
function missingPart(spool: Spool): string | undefined {
  const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(spool.settings)) return 'its settings are';
  if (spool.runFailed !== undefined && !(Array.isArray(spool.runFailed) && spool.runFailed.every((f) => isObject(f) && Array.isArray(f.errors))))
    return 'its list of runs that failed outside any test is';
  if (spool.kind === 'results') return Array.isArray(spool.results) ? undefined : 'its results are';
  if (typeof spool.projectId !== 'string') return 'its project is';
  if (!isObject(spool.run) || typeof spool.run.id !== 'string' || typeof spool.run.human_id !== 'string') return 'its run is';
  if (!Array.isArray(spool.entries)) return 'its entries are';
  return undefined;
}

/**
 * What landed of an entries spool while it is being sent, recorded in the file batch by batch (the file is rewritten
 * whole, one write at a time): what the service acknowledged is never sent again by a later resume, even when this
 * one never gets to finish. Best effort: a file that cannot be rewritten is said once and the sending goes on.
 */
export class SpoolProgress {
  private writing: Promise<void> = Promise.resolve();
  private warned = false;

  constructor(
    readonly file: string,
    private current: EntriesSpool,
    private readonly warn: (message: string) => void,
  ) {}

  get spool(): EntriesSpool {
    return this.current;
  }

  /** Cases that landed in this run: not sent again. */
  landedIn(runId: string): ReadonlySet<string> {
    return new Set(this.current.landed?.runId === runId ? this.current.landed.caseIds : []);
  }

  /** A batch the service acknowledged in `runId` (a run other than the recorded one starts the list again). */
  record(runId: string, entries: readonly ResultEntry[]): Promise<void> {
    const before = this.current.landed?.runId === runId ? this.current.landed.caseIds : [];
    this.current = { ...this.current, landed: { runId, caseIds: [...new Set([...before, ...entries.map((e) => e.test_case_id)])] } };
    return this.write();
  }

  /**
   * The run the file names no longer exists (`resume --new-run`): from now on it names `run`, closed at the end
   * when `close` says so, so that a resume stopped half way goes on there rather than in yet another new run.
   */
  moveTo(run: { id: string; human_id: string }, close: boolean): Promise<void> {
    this.current = { ...this.current, run: { id: run.id, human_id: run.human_id }, close };
    return this.write();
  }

  /** The file as it is now, after every earlier write. */
  private write(): Promise<void> {
    const snapshot = this.current;
    this.writing = this.writing.then(() =>
      writeSpool(this.file, snapshot).catch((error: unknown) => {
        if (!this.warned) this.warn(`Could not record progress in ${this.file}: ${(error as Error).message}. A later resume may send some results again.`);
        this.warned = true;
      }),
    );
    return this.writing;
  }

  /** Every write of progress finished. */
  settled(): Promise<void> {
    return this.writing;
  }
}

/** After a successful resume the file is kept, renamed, so that a second resume cannot send it again. */
export async function markResumed(file: string): Promise<string> {
  const done = `${file}.sent`;
  await rename(file, done);
  return done;
}

/**
 * What the upload's stages share: the context every stage reads and the values each returns (see upload.ts).
 */
import type { TestManagementApi, ResultEntry, TestRun } from '../api/client.js';
import type { HttpClientOptions } from '../api/http.js';
import type { RunStatus, User } from '../api/wire.js';
import type { CiContext } from '../ci.js';
import type { TestsigmaTmError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { RunSession } from '../run/state.js';
import type { RunCreateSent } from '../run/lifecycle.js';
import type { FileOutcome, ResultSource, TestResult } from '../model.js';
import type { CaseInfo, MappingReport } from '../map/mapping.js';
import type { Env, Host, Settings } from '../settings/index.js';
import type { CaseSync } from '../cases/case-sync.js';
import type { SendOutcome, WithdrawnFile } from '../run/send.js';
import type { CaseFiles } from '../attachments/index.js';
import type { ResultTally } from '../report/tally.js';
import type { UploadSummary } from '../report/summary.js';
import type { SpoolProgress, SpooledRunFailure } from '../spool/spool.js';

export interface UploadInput {
  settings: Settings;
  /**
   * Every result to record: a list already in memory, or a source read while uploading (result files read piece
   * by piece, each result mapped as it is read, so memory holds what the upload needs, not the files).
   */
  results: TestResult[] | ResultSource;
  /** With a list: the files it came from, for the summary; files with an `error` make the exit code 2. */
  files?: FileOutcome[];
  /** Environment, for the CI context (job link, run title). */
  env?: Env;
  log?: Logger;
  /** Who is uploading: decides how messages name a setting (`--project`, `input project-id`, `option projectId`). */
  host?: Host;
  /** Test hooks for the HTTP layer (retry policy, transport); never needed in production. */
  http?: Partial<HttpClientOptions>;
  /** The clock every wait uses (the HTTP client's and the run protocol's); default: the system's. */
  clock?: Clock;
  now?: () => Date;
  /** `run create`: find or create the run and make it hold the mapped cases; send no result. */
  openOnly?: boolean;
  /**
   * `resume` of a results spool: that file. Once the run is open it records what landed, batch by batch (see
   * startSpoolProgress), so a resume stopped half way is taken up where it stopped.
   */
  progressFile?: string;
  /** The workspace: attachment paths resolve here (after the result file's directory) and never lead out. Default: process.cwd(). */
  cwd?: string;
  /**
   * Folders besides the working directory and the repository root whose files may be sent as evidence: the
   * Playwright reporter's outputDirs. Path safety is the same in each (attachments/roots.ts).
   */
  evidenceRoots?: readonly string[];
  /**
   * Aborted when the host is stopped (the CLI on SIGINT / SIGTERM, with a StopRequested naming it: api/interrupt.ts).
   * No request is sent after it; what was not recorded is spooled as after an outage, and the outcome's error
   * (INTERRUPTED, TERMINATED) says what was recorded and where the rest is.
   */
  interrupt?: AbortSignal;
  /**
   * `resume` of a results spool whose upload was stopped while its run's create got no answer: the run that create
   * may have made is looked for first (with a run key, as the key's open run), until that create can no longer land,
   * and takes the results when found (one run per pipeline, never a second one beside an empty one).
   */
  earlierCreate?: RunCreateSent;
}

export interface UploadOutcome {
  summary: UploadSummary;
  /** The first 100 failed (or errored) results, whole: for hosts that annotate them (`summary.tests.failed` counts all). */
  failed: readonly TestResult[];
  /** The error that decided a non-zero exit, if any. Its message is safe to print (token redacted). */
  error?: TestsigmaTmError;
  exitCode: number;
}

/** What every stage reads. */
export interface UploadContext {
  input: UploadInput;
  settings: Settings;
  host: Host | undefined;
  api: TestManagementApi;
  ci: CiContext | undefined;
  /** The run key in force: the setting, else the CI's. */
  runKey: string | undefined;
  log: Logger;
  /** Every wait of the upload (the HTTP client's and the run protocol's). */
  clock: Clock;
  now: () => Date;
  /** Where file locations are made relative to (GITHUB_WORKSPACE, else the working directory). */
  workspace: string;
  /**
   * This job's marker in a keyed run's description: its shard (`2/4`), else an id of its own. A resume takes the
   * spooled one, so its line replaces the `reporting` line the failed upload left.
   */
  job: string;
  /** The input's files whose run failed outside any test, once it is read: kept in a spool (SpoolBase.runFailed). */
  runFailed?: SpooledRunFailure[];
  /** `resume`: the spool being sent; what landed in the run is skipped, and each acknowledged batch is recorded in it. */
  spoolProgress?: SpoolProgress;
  /** Cases whose results the service acknowledged, by run id: a failure after the sending spools only the rest. */
  landed?: Map<string, Set<string>>;
  /** The run's create (with a run key or not), once begun, and the writes sent before it: sent, it may have made the run. */
  creating?: { sent: RunCreateSent; writesBefore: number };
  /**
   * The line saying where the spool file is and how to send it: held until the upload's last error is known, which
   * may say it itself (a stop, a deleted run); see sayHeldSpoolLine.
   */
  heldSpool?: HeldSpoolLine;
}

/** A spool file written, and the line that names it with the command that sends it. */
export interface HeldSpoolLine {
  file: string;
  line: string;
}

/** What the service knows that mapping needs, read before the results are. */
export interface Lookups {
  project: { id: string; human_id_prefix: string };
  statuses: RunStatus[];
  users: User[];
  /** Undefined while they wait (see lookUp); set once listed. */
  cases: CaseInfo[] | undefined;
}

/** The input, read once: the tallies, the mapping and the files' outcomes. */
export interface ReadInput {
  tally: ResultTally;
  report: MappingReport;
  files: FileOutcome[];
}

export interface PlannedEntry {
  entry: ResultEntry;
  statusName: string;
}

export interface UploadPlan {
  projectId: string;
  report: MappingReport;
  entries: PlannedEntry[];
  userId: string;
  /** The service's run statuses (the close step writes restored results with them). */
  statuses: RunStatus[];
  /** Status ids meaning "no result yet" (Untested): never carried over from an earlier run. */
  untestedIds: Set<string>;
  /** The files of each case (by test case id), and those left out. */
  files: Map<string, CaseFiles>;
  /** What matching by title and creating missing cases did (when either is on). */
  sync?: CaseSync;
  /** Results read, and the files they came from: for the run's description. */
  total: number;
  /** Result files read (none when `resume` sends spooled entries). */
  fileCount?: number;
}

export interface OpenedRun {
  run: TestRun;
  /** What this job knows of the run while it reports into it (run/state.ts). */
  session: RunSession;
  created: boolean;
  /** The earlier, closed run of the same key whose results this (new) run carried over. */
  previous?: TestRun;
  /** The planned entries the run can take (cases a dynamic run does not select are left out). */
  entries: PlannedEntry[];
}

export interface Recorded {
  sent: SendOutcome;
  /** Cases another job of the run reported worse than this job: its result kept, ours not written. */
  kept?: { case: string; status: string }[];
  closed: boolean;
  /** Where what could not be sent was written, for `testsigma-tm resume`. */
  spoolFile?: string;
  /** Why not every entry landed; the counts above still say what did. */
  error?: TestsigmaTmError;
}

/** What the stages returned so far: the summary is built from it, however far the upload got. */
export interface Progress {
  plan?: UploadPlan;
  opened?: OpenedRun;
  recorded?: Recorded;
  /** The input as read (before planning, so the summary counts it even when planning fails). */
  read?: ReadInput;
  /** The results spooled because the service failed before a run was open. */
  spoolFile?: string;
  /** Files of results spooled after the run was open but outside the sending (`resume` sends none): named. */
  withdrawn?: WithdrawnFile[];
}

/**
 * operations/: what a host can ask of core, one row and one function per operation; may import all but hosts.
 *
 * One row per operation below (its name, what it does, the settings it reads, what it returns) and one function
 * each (commands.ts, doctor.ts; the upload is pipeline/upload.ts). The CLI's subcommands and their --help, and
 * the Action's modes, are built from these rows: a new operation is one row, its function and its test.
 */
import { expectedFormats } from '../formats/registry.js';
import { SETTING_KEYS, type SettingKey, type Settings } from '../settings/index.js';
import type { RequiredSetting } from '../settings/required.js';

export interface Operation {
  /** The CLI's words for it: `upload`, `run close`. */
  command: string;
  /** One sentence: what it does. The CLI's description of the command. */
  summary: string;
  /**
   * The settings that change what it does: the command's --help lists these flags and accepts no other. Where
   * the function takes `OperationSettings<name>`, the compiler holds it to this list.
   */
  reads: readonly SettingKey[];
  /** Checked before anything else is done (settings/required.ts): without them nothing can be asked of the service. */
  requires: readonly RequiredSetting[];
  /** What it hands back to the host. */
  returns: string;
}

/** What affects only the hosts or the pipeline's later stages: a run that is only created or closed ignores it. */
const RECORDING_ONLY: readonly SettingKey[] = [
  'closeRun',
  'shardIndex',
  'verify',
  'spool',
  'annotations',
  'attachments',
  'attachmentMaxBytes',
  'attachmentsPerCase',
  'failOnUploadError',
];

/** What only `resume` reads (its row below): no other operation takes it. */
const RESUME_ONLY: readonly SettingKey[] = ['newRun'];

/** Every setting but those of `resume` alone. */
const UPLOAD_SETTINGS = SETTING_KEYS.filter((key) => !RESUME_ONLY.includes(key));

export const OPERATIONS = {
  upload: {
    command: 'upload',
    summary:
      `Read ${expectedFormats()} reports, map each test to its test case ` +
      '(a "testsigma" property/annotation, or the case id such as DEMO-12 in its name), record the results in a test run and close it.',
    reads: UPLOAD_SETTINGS,
    requires: ['token', 'projectId'],
    returns: 'UploadOutcome: the summary (run, counts, what was not recorded and why), the failed results, the error and the exit code',
  },
  create: {
    command: 'run create',
    summary:
      'Find the open run of the run key, or create it, and print its id. Its cases come from --cases and/or result files (e.g. `playwright test --list --reporter=json`).',
    reads: UPLOAD_SETTINGS.filter((key) => !RECORDING_ONLY.includes(key)),
    requires: ['token', 'projectId'],
    returns: 'UploadOutcome: the run found or created (id, link, whether it was created) and the cases it selects',
  },
  close: {
    command: 'run close',
    summary:
      'Close the run named by --run-id, or the open run of the run key, once every shard has reported: each case gets the worst result any shard reported; its description says how many uploads reported.',
    // The service's (token, project, base URL, timeouts, deadline, verbose), which run to close, and the user
    // the close step records a restored worst result as.
    reads: ['token', 'projectId', 'baseUrl', 'runId', 'timeoutMs', 'runKey', 'shardTotal', 'userEmail', 'deadline', 'verbose'],
    requires: ['token', 'projectId'],
    returns: 'CommandOutcome: a message, the run closed (if any), the error and the exit code',
  },
  resume: {
    command: 'resume',
    summary:
      "Send the results an upload wrote to its spool file (after an outage, the deadline or a base URL to fix) where a re-run of the job would: with a run key, the key's open run, else its next run (carrying results over), counting as the job's shard; without one, the same run, closed if the upload would have. What landed is never sent again. When that run no longer exists (deleted), nothing is sent and the file is kept, unless --new-run sends the results into a new run. TESTSIGMA_BASE_URL, when set, replaces the spooled base URL.",
    // Every other setting comes from the spool file, as the upload that wrote it had them.
    reads: ['token', 'newRun'],
    requires: ['token'],
    returns: 'CommandOutcome: a message, the run written to, the error and the exit code',
  },
  doctor: {
    command: 'doctor',
    summary:
      'Check the token, the base URL, the project, the statuses the mapping needs, the user and the rate limit, and show every setting with where it came from.',
    reads: UPLOAD_SETTINGS,
    requires: [],
    returns: 'DoctorOutcome: one line per check (passed or what to do), every setting with its source, and the exit code',
  },
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof OPERATIONS;

/** The settings an operation's function may read: those of its row. */
export type OperationSettings<N extends OperationName> = Pick<Settings, (typeof OPERATIONS)[N]['reads'][number]>;

/**
 * The GitHub Action's `mode` input, each naming the operation it runs (in the order the docs list them). `upload`
 * is a shard's upload: the run stays open for the close job unless the shard total is known. `resume` has no mode:
 * a spool file outlives the job that wrote it.
 */
export const ACTION_MODES = {
  report: 'upload',
  create: 'create',
  upload: 'upload',
  close: 'close',
  doctor: 'doctor',
} as const satisfies Record<string, OperationName>;

export type ActionMode = keyof typeof ACTION_MODES;

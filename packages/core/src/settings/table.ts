/**
 * settings/: the settings table, its parsers and its resolution; may import map (nothing from the layers
 * above).
 *
 * Every setting, once. A row says how each host spells it (CLI flag, Action input, reporter option), its
 * environment variable, its parser, its default and one line of documentation. The CLI's flags and help, the
 * reporters' option check, the messages that name a setting, the README reference and the check of action.yml
 * are all read from this table: a new setting is a new row.
 *
 * Precedence, owned by resolve.ts: an explicit value (flag, input, option) > environment > config file > default.
 */
import type { StatusMapping } from '../map/status.js';
import { parseTitlePart, type TitlePart } from '../map/title.js';
import { RUN_TITLE_PLACEHOLDERS, runTitleProblem } from './run-title.js';
import { apiToken, bool, httpUrl, list, oneOf, statusMap, testPlanRef, text, uuidList, wholeNumber, type Parser } from './parsers.js';

export const DEFAULT_BASE_URL = 'https://test-management.testsigma.com/api/v1';

export interface SettingRow<T> {
  env: string;
  /** CLI long flag without the dashes; absent: not on the command line (the token, reporter-only settings). */
  flag?: string;
  /** One-letter CLI alias, e.g. `v` for `--verbose`. */
  short?: string;
  /** Action input; absent: not an input. */
  input?: string;
  /** Reporter option (Jest, Playwright) and config file key; absent: not for reporters. */
  option?: string;
  /** Placeholder in `--help`, e.g. `id|name`; defaults to the parser's kind. */
  valueName?: string;
  parse: Parser<T>;
  default: T;
  /** How the default reads in the docs when it is not a plain value (`the first active user`). */
  defaultText?: string;
  /** One line: what it does. The default is shown from `default` (or `defaultText`). */
  doc: string;
  /** Never taken from a flag or a config file, never printed. */
  secret?: boolean;
  /**
   * The default action.yml declares when the runner fills it from an expression (`${{ github.token }}`); the
   * row's own `default` stays what the other layers fall back to.
   */
  actionDefault?: string;
}

/** Keeps the option name's literal type, so the reporters' option type can be derived from the table. */
function row<T, const O extends string = never>(r: SettingRow<T> & { option?: O }): SettingRow<T> & { option?: O } {
  return r;
}

const optionalText = text as Parser<string | undefined>;

/** A project's case id prefix, as its ids spell it: letters and digits, upper-cased (`demo` → `DEMO`). */
const casePrefix: Parser<string | undefined> = {
  kind: 'PREFIX',
  parse: (raw) => {
    const parsed = text.parse(raw);
    if ('problem' in parsed) return parsed;
    return /^[A-Za-z][A-Za-z0-9]*$/.test(parsed.value)
      ? { value: parsed.value.toUpperCase() }
      : { problem: 'expected the letters before the number of a case id, such as DEMO for DEMO-12' };
  },
};

const titlePart: Parser<TitlePart> = { kind: 'full|name|n', parse: parseTitlePart };

/** A run title, refused when it names a placeholder that does not exist. */
const runTitleTemplate: Parser<string | undefined> = {
  kind: 'title',
  parse: (raw) => {
    const parsed = text.parse(raw);
    if ('problem' in parsed) return parsed;
    const problem = runTitleProblem(parsed.value);
    return problem ? { problem } : parsed;
  },
};

const placeholders = Object.keys(RUN_TITLE_PLACEHOLDERS)
  .map((name) => `{${name}}`)
  .join(', ');

export const SETTINGS = {
  token: row({
    env: 'TESTSIGMA_API_TOKEN',
    input: 'api-token',
    option: 'apiToken',
    parse: apiToken,
    default: undefined,
    secret: true,
    defaultText: '— (required)',
    doc: 'Test Management API key (Settings > API Keys). Pass it from a secret; it is masked and never printed.',
  }),
  projectId: row({
    env: 'TESTSIGMA_PROJECT_ID',
    flag: 'project',
    input: 'project-id',
    option: 'projectId',
    valueName: 'id|name',
    parse: optionalText,
    default: undefined,
    defaultText: '— (required)',
    doc: 'Project UUID or exact project name.',
  }),
  prefix: row({
    env: 'TESTSIGMA_PREFIX',
    flag: 'prefix',
    option: 'prefix',
    valueName: 'PREFIX',
    parse: casePrefix,
    default: undefined,
    defaultText: "the project's, once it is read",
    doc: 'The case id prefix (DEMO in DEMO-12) for a dry run without a token: underscore ids (test_demo_12) are then recognised too.',
  }),
  baseUrl: row({
    env: 'TESTSIGMA_BASE_URL',
    flag: 'base-url',
    input: 'base-url',
    option: 'baseUrl',
    parse: httpUrl,
    default: DEFAULT_BASE_URL,
    doc: 'API base URL (it ends in /api/v1).',
  }),
  runId: row({
    env: 'TESTSIGMA_RUN_ID',
    flag: 'run-id',
    input: 'run-id',
    option: 'runId',
    valueName: 'id',
    parse: optionalText,
    default: undefined,
    defaultText: 'create a new run',
    doc: 'Record into this existing run (UUID or human id such as DEMO-R-3) instead of creating one.',
  }),
  runTitle: row({
    env: 'TESTSIGMA_RUN_TITLE',
    flag: 'run-title',
    input: 'run-title',
    option: 'runTitle',
    valueName: 'title',
    parse: runTitleTemplate,
    default: undefined,
    defaultText: 'from the CI context',
    doc: `Title of the run to create (by default the workflow, run number, attempt, branch and commit); a template such as \`{workflow} #{run_number} {branch}\` with the placeholders ${placeholders} filled from the CI context (one this CI has no value for is left out).`,
  }),
  testPlan: row({
    env: 'TESTSIGMA_TEST_PLAN',
    flag: 'test-plan',
    input: 'test-plan',
    option: 'testPlan',
    valueName: 'id',
    parse: testPlanRef,
    default: undefined,
    defaultText: 'none',
    doc: 'Test plan of the run to create, by UUID or human id such as DEMO-P-3; checked before the run is created.',
  }),
  environmentIds: row({
    env: 'TESTSIGMA_ENVIRONMENT_IDS',
    flag: 'environment-id',
    input: 'environment-ids',
    option: 'environmentIds',
    valueName: 'uuid',
    parse: uuidList,
    default: [] as string[],
    doc: 'Environments of the run to create, by UUID (the API lists no environments, so names cannot be looked up); repeat the flag, or separate with commas.',
  }),
  closeRun: row({
    env: 'TESTSIGMA_CLOSE_RUN',
    flag: 'close',
    input: 'close-run',
    option: 'closeRun',
    parse: bool,
    default: true,
    doc: 'Close the run at the end when this upload created it.',
  }),
  unmapped: row({
    env: 'TESTSIGMA_UNMAPPED',
    flag: 'unmapped',
    input: 'unmapped',
    option: 'unmapped',
    parse: oneOf('ignore', 'warn', 'fail'),
    default: 'warn' as 'ignore' | 'warn' | 'fail',
    doc: 'What to do with tests that map to no test case.',
  }),
  batchSize: row({
    env: 'TESTSIGMA_BATCH_SIZE',
    flag: 'batch-size',
    input: 'batch-size',
    option: 'batchSize',
    parse: wholeNumber(1, 100),
    default: 100,
    doc: 'Results per request.',
  }),
  dryRun: row({
    env: 'TESTSIGMA_DRY_RUN',
    flag: 'dry-run',
    input: 'dry-run',
    option: 'dryRun',
    parse: bool,
    default: false,
    doc: 'Read and map the results and report what would be sent, without writing anything.',
  }),
  userEmail: row({
    env: 'TESTSIGMA_USER_EMAIL',
    flag: 'user-email',
    input: 'user-email',
    option: 'userEmail',
    valueName: 'email',
    parse: optionalText,
    default: undefined,
    defaultText: 'the first active user',
    doc: 'E-mail of the user results are recorded as.',
  }),
  timeoutMs: row({
    env: 'TESTSIGMA_TIMEOUT_MS',
    flag: 'timeout-ms',
    input: 'timeout-ms',
    option: 'timeoutMs',
    valueName: 'ms',
    parse: wholeNumber(100, 600_000),
    default: 30_000,
    doc: 'Timeout of one request, in milliseconds.',
  }),
  statusMap: row({
    env: 'TESTSIGMA_STATUS_MAP',
    flag: 'status-map',
    input: 'status-map',
    option: 'statusMap',
    valueName: 'map',
    parse: statusMap,
    default: {} as Partial<StatusMapping>,
    defaultText: 'passed=Passed, failed=Failed, error=Failed, skipped=Skipped, flaky=Passed',
    doc: 'Outcome to status name, e.g. `skipped=Blocked,error=Blocked` (outcomes passed, failed, error, skipped, flaky); reporters also take an object.',
  }),
  runKey: row({
    env: 'TESTSIGMA_RUN_KEY',
    flag: 'run-key',
    input: 'run-key',
    option: 'runKey',
    valueName: 'key',
    parse: optionalText,
    default: undefined,
    defaultText: 'from the CI context (GitHub run id, GitLab pipeline id, ...)',
    doc: 'Identifies one run across the jobs, shards and re-runs of a pipeline: every upload with the same key reports into the same run.',
  }),
  shardTotal: row({
    env: 'TESTSIGMA_SHARD_TOTAL',
    flag: 'shard-total',
    input: 'shard-total',
    option: 'shardTotal',
    valueName: 'n',
    parse: wholeNumber(1, 1000) as Parser<number | undefined>,
    default: undefined,
    defaultText: 'from the CI context (CI_NODE_TOTAL, CIRCLE_NODE_TOTAL, ...)',
    doc: 'How many uploads report into the run; with a run key and close-run on, the last of them closes the run (when-complete).',
  }),
  shardIndex: row({
    env: 'TESTSIGMA_SHARD_INDEX',
    flag: 'shard-index',
    input: 'shard-index',
    option: 'shardIndex',
    valueName: 'i',
    parse: wholeNumber(1, 1000) as Parser<number | undefined>,
    default: undefined,
    defaultText: 'from the CI context (CI_NODE_INDEX, CIRCLE_NODE_INDEX, ...)',
    doc: 'Which of the shard-total uploads this is, so that a repeated shard is counted once.',
  }),
  labels: row({
    env: 'TESTSIGMA_LABELS',
    flag: 'label',
    input: 'labels',
    option: 'labels',
    valueName: 'name',
    parse: list,
    default: [] as string[],
    doc: 'Labels of the run to create (repeat the flag, or separate with commas).',
  }),
  deadline: row({
    env: 'TESTSIGMA_DEADLINE',
    flag: 'deadline',
    input: 'deadline',
    option: 'deadline',
    valueName: 'seconds',
    parse: wholeNumber(1, 86_400),
    default: 600,
    doc: 'How long the upload may keep retrying (outages, the shared rate limit) before it spools what is left.',
  }),
  spool: row({
    env: 'TESTSIGMA_SPOOL',
    flag: 'spool',
    input: 'spool',
    option: 'spool',
    valueName: 'file',
    parse: optionalText,
    default: undefined,
    defaultText: "a file in the runner's temp directory",
    doc: 'Where results that could not be sent are written, for `testsigma-tm resume` (never holds the token).',
  }),
  newRun: row({
    env: 'TESTSIGMA_NEW_RUN',
    flag: 'new-run',
    parse: bool,
    default: false,
    doc: "`resume` only: when the test run the spool file names no longer exists (deleted in Testsigma), send its results into a new run (with a run key, the key's open run or a new one); without it, such a resume sends nothing and keeps the file.",
  }),
  verify: row({
    env: 'TESTSIGMA_VERIFY',
    flag: 'verify',
    input: 'verify',
    option: 'verify',
    parse: bool,
    default: true,
    doc: 'Read the run back after the upload and report any case whose result differs from what was sent.',
  }),
  repeatsAreRetries: row({
    env: 'TESTSIGMA_REPEATS_ARE_RETRIES',
    flag: 'repeats-are-retries',
    input: 'repeats-are-retries',
    parse: bool,
    default: false,
    doc: 'JUnit and go test -json: a test repeated (same classname and name, same package and name) after a failed run is a rerun (gotestsum --rerun-fails, jest-junit with retries), so a later pass makes it flaky; off, each repeat is a result of its own and the worst decides.',
  }),
  failOnEmpty: row({
    env: 'TESTSIGMA_FAIL_ON_EMPTY',
    flag: 'fail-on-empty',
    input: 'fail-on-empty',
    parse: bool,
    default: true,
    doc:
      'Fail when a path or glob matches no file, or when every file read holds no test (a file without tests beside ones with ' +
      'tests is only a warning); when off, only warn and upload what there is.',
  }),
  failOnUploadError: row({
    env: 'TESTSIGMA_FAIL_ON_UPLOAD_ERROR',
    option: 'failOnUploadError',
    parse: bool,
    default: true,
    doc: 'Reporters: mark the test run failed when its results could not be recorded (the upload failed, or a setting is wrong), after saying why.',
  }),
  verbose: row({
    env: 'TESTSIGMA_VERBOSE',
    flag: 'verbose',
    short: 'v',
    option: 'verbose',
    parse: bool,
    default: false,
    doc: 'Log every request, and progress in reporters.',
  }),
  annotations: row({
    env: 'TESTSIGMA_ANNOTATIONS',
    input: 'annotations',
    parse: bool,
    default: true,
    doc: "Action: annotate failed tests at their file and line (at most 10, GitHub's limit per step; one notice counts the rest).",
  }),
  comment: row({
    env: 'TESTSIGMA_COMMENT',
    input: 'comment',
    parse: oneOf('off', 'on-failure', 'always'),
    default: 'always' as 'off' | 'on-failure' | 'always',
    doc: 'Action: one pull-request comment per workflow and job (per leg of a matrix) with the outcome, updated in place by every later run: `always`, `on-failure` (created only when a test or the reporting failed; an existing one is still updated), or `off`. Needs `pull-requests: write`.',
  }),
  checkRun: row({
    env: 'TESTSIGMA_CHECK_RUN',
    input: 'check-run',
    parse: bool,
    default: false,
    doc: 'Action: create a check run named after the job (and its matrix values, for a leg of a matrix), with the outcome and an annotation per failed test at its file and line (sent 50 per request, beyond the 10 a step can show). Needs `checks: write`.',
  }),
  maxAnnotations: row({
    env: 'TESTSIGMA_MAX_ANNOTATIONS',
    input: 'max-annotations',
    parse: wholeNumber(0, 10_000),
    default: 3_000,
    doc: 'Action: most annotations the check run carries; its summary counts the rest.',
  }),
  artifact: row({
    env: 'TESTSIGMA_ARTIFACT',
    input: 'artifact',
    parse: optionalText,
    default: undefined,
    defaultText: 'none',
    doc: "Action, in a `workflow_run` workflow: the artifact of the triggering run that holds its result files (a fork pull request's); it is downloaded, unpacked inside the workspace and recorded, and the comment goes to that run's pull request. Needs `actions: read`.",
  }),
  githubToken: row({
    env: 'GITHUB_TOKEN',
    input: 'github-token',
    parse: optionalText,
    default: undefined,
    actionDefault: '${{ github.token }}',
    defaultText: "the job's token",
    secret: true,
    doc: 'Action: the GitHub token for the comment, the check run and the artifact download; masked and never printed.',
  }),
  attachments: row({
    env: 'TESTSIGMA_ATTACHMENTS',
    flag: 'attachments',
    input: 'attachments',
    option: 'attachments',
    parse: oneOf('failed', 'all', 'none'),
    default: 'failed' as 'failed' | 'all' | 'none',
    doc: 'Which results carry their files (screenshots, traces, videos, logs): failed and flaky ones (from the last failing attempt), all, or none.',
  }),
  attachmentMaxBytes: row({
    env: 'TESTSIGMA_ATTACHMENT_MAX_BYTES',
    flag: 'attachment-max-bytes',
    input: 'attachment-max-bytes',
    option: 'attachmentMaxBytes',
    parse: wholeNumber(1, 1024 * 1024 * 1024),
    default: 8 * 1024 * 1024,
    doc: 'Largest file sent, in bytes; a larger one is named in the description instead.',
  }),
  attachmentsPerCase: row({
    env: 'TESTSIGMA_ATTACHMENTS_PER_CASE',
    flag: 'attachments-per-case',
    input: 'attachments-per-case',
    option: 'attachmentsPerCase',
    parse: wholeNumber(0, 100),
    default: 5,
    doc: 'Most files sent per test case, chosen screenshot, trace, video, then others; the rest are named in the description.',
  }),
  matchByTitle: row({
    env: 'TESTSIGMA_MATCH_BY_TITLE',
    flag: 'match-by-title',
    input: 'match-by-title',
    option: 'matchByTitle',
    parse: bool,
    default: false,
    doc: 'A test without a case id records into the one case whose title equals its title (case, spaces and the " › ", " > " between describe blocks ignored); two such cases are reported, never guessed.',
  }),
  titlePart: row({
    env: 'TESTSIGMA_TITLE_PART',
    flag: 'title-part',
    input: 'title-part',
    option: 'titlePart',
    parse: titlePart,
    default: 'full' as TitlePart,
    doc: "Which part of a test's title path counts for match-by-title and for the identity of created cases: `full` (describe blocks and title; files and packages never count), `name` (the test's own title), or n (the last n parts).",
  }),
  createMissingCases: row({
    env: 'TESTSIGMA_CREATE_MISSING_CASES',
    flag: 'create-missing-cases',
    input: 'create-missing-cases',
    option: 'createMissingCases',
    parse: bool,
    default: false,
    doc: 'Create a test case for every test that maps to none (once: a created case records the test in its description, and later uploads find it there).',
  }),
  caseFolder: row({
    env: 'TESTSIGMA_CASE_FOLDER',
    flag: 'case-folder',
    input: 'case-folder',
    option: 'caseFolder',
    valueName: 'path',
    parse: optionalText,
    default: undefined,
    defaultText: 'the top level',
    doc: 'Folder for created test cases, nested with `/` (e.g. `Automated/Checkout`); missing folders are created.',
  }),
  caseStatus: row({
    env: 'TESTSIGMA_CASE_STATUS',
    flag: 'case-status',
    input: 'case-status',
    option: 'caseStatus',
    valueName: 'name',
    parse: text,
    default: 'Ready',
    doc: 'Status of created test cases, by name (when the default is not offered, the first status is taken).',
  }),
  casePriority: row({
    env: 'TESTSIGMA_CASE_PRIORITY',
    flag: 'case-priority',
    input: 'case-priority',
    option: 'casePriority',
    valueName: 'name',
    parse: text,
    default: 'Medium',
    doc: 'Priority of created test cases, by name (when the default is not offered, the first priority is taken).',
  }),
  caseType: row({
    env: 'TESTSIGMA_CASE_TYPE',
    flag: 'case-type',
    input: 'case-type',
    option: 'caseType',
    valueName: 'name',
    parse: text,
    default: 'Functional',
    doc: 'Type of created test cases, by name (when the default is not offered, the first type is taken).',
  }),
  caseAutomationType: row({
    env: 'TESTSIGMA_CASE_AUTOMATION_TYPE',
    flag: 'case-automation-type',
    input: 'case-automation-type',
    option: 'caseAutomationType',
    valueName: 'name',
    parse: text,
    default: 'Automated',
    doc: 'Automation type of created test cases, by name.',
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;

type ValueOf<R> = R extends SettingRow<infer T> ? T : never;

/** The resolved settings: one field per row, typed by the row's parser and default. */
export type Settings = { -readonly [K in SettingKey]: ValueOf<(typeof SETTINGS)[K]> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The row of a key, typed loosely for code that walks the table. */
export function settingRow(key: SettingKey): SettingRow<unknown> {
  return SETTINGS[key] as SettingRow<unknown>;
}

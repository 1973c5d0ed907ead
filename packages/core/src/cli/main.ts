/**
 * The `testsigma-tm` command. Translates argv and the environment into core calls and the outcome into
 * output and an exit code; nothing else lives here. Returns the exit code instead of exiting, so tests and
 * the bin wrapper decide what to do with it.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, UsageError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import type { FileOutcome } from '../model.js';
import { redactingLogger, type Logger } from '../log.js';
import { readResultFiles } from '../formats/read-files.js';
import { uploadResults, type UploadOutcome } from '../pipeline.js';
import { resolveSettings, type Env } from '../settings.js';
import { emptySummary, renderText, summariseFiles } from '../summary.js';
import { VERSION } from '../version.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd?: string;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(`${t}\n`),
  stderr: (t) => process.stderr.write(`${t}\n`),
};

const UPLOAD_OPTIONS = {
  project: { type: 'string' },
  'base-url': { type: 'string' },
  'run-id': { type: 'string' },
  'run-title': { type: 'string' },
  'no-close': { type: 'boolean' },
  unmapped: { type: 'string' },
  'batch-size': { type: 'string' },
  'summary-json': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'status-map': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const HELP = `testsigma-tm ${VERSION} — record test results in Testsigma Test Management

Usage:
  testsigma-tm upload [options] <file-or-glob>...

Reads JUnit XML, Jest --json and Playwright JSON reports, maps each test to its test case
(a "testsigma" property/annotation, or the case id such as DEMO-12 in the test's name),
creates a test run, records the results in batches and closes the run.

Options:
  --project <id|name>     project UUID or exact name            (env TESTSIGMA_PROJECT_ID)
  --base-url <url>        API base URL                          (env TESTSIGMA_BASE_URL,
                          default https://test-management.testsigma.com/api/v1)
  --run-id <id>           record into this run (UUID or DEMO-R-3) instead of creating one
                                                                (env TESTSIGMA_RUN_ID)
  --run-title <title>     title of the run to create            (default: from the CI context)
  --no-close              leave the created run open
  --unmapped <policy>     ignore | warn | fail for tests that map to no case (default warn)
  --batch-size <n>        results per request, 1-100            (default 100)
  --summary-json <file>   write the outcome as JSON
  --dry-run               read and map, show what would be sent, write nothing
  --status-map <map>      outcome=Status pairs, e.g. skipped=Blocked,error=Blocked
                          (env TESTSIGMA_STATUS_MAP; default passed=Passed, failed=Failed,
                          error=Failed, skipped=Skipped, flaky=Passed)
  -v, --verbose           log every request
  -h, --help              show this help

The API token is read from TESTSIGMA_API_TOKEN only (never a flag, never printed).
Results are recorded as TESTSIGMA_USER_EMAIL, else the first active user.

Exit codes: 0 every mapped result landed; 1 the service refused or could not be reached,
or results were left unsent; 2 usage, configuration or input error.`;

export async function main(argv: string[], env: Env, io: CliIo = defaultIo): Promise<number> {
  const token = env.TESTSIGMA_API_TOKEN;
  const fail = (error: TestsigmaTmError): number => {
    io.stderr(`testsigma-tm: ${error.message}`);
    return exitCodeFor(error);
  };
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    io.stdout(VERSION);
    return 0;
  }
  if (command !== 'upload') return fail(new UsageError('USAGE_UNKNOWN_COMMAND', `Unknown command "${command}": expected "upload". Run testsigma-tm --help.`));

  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: UPLOAD_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return fail(new UsageError('USAGE_BAD_OPTION', `${(error as Error).message}. Run testsigma-tm --help.`));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    return fail(new UsageError('USAGE_NO_FILES', 'No result files given: expected one or more paths or globs, e.g. testsigma-tm upload "reports/**/*.xml".'));
  }

  const log: Logger = redactingLogger(
    {
      debug: (m) => (values.verbose || env.TESTSIGMA_DEBUG ? io.stderr(m) : undefined),
      info: (m) => io.stderr(m),
      warn: (m) => io.stderr(`warning: ${m}`),
      error: (m) => io.stderr(`error: ${m}`),
    },
    [token],
  );

  let settings;
  try {
    settings = resolveSettings(
      {
        projectId: values.project,
        baseUrl: values['base-url'],
        runId: values['run-id'],
        runTitle: values['run-title'],
        closeRun: values['no-close'] ? false : undefined,
        unmapped: values.unmapped,
        batchSize: values['batch-size'],
        dryRun: values['dry-run'],
        statusMap: values['status-map'],
      },
      env,
      { projectId: '--project', baseUrl: '--base-url', runId: '--run-id', runTitle: '--run-title', unmapped: '--unmapped', batchSize: '--batch-size', statusMap: '--status-map' },
    );
  } catch (error) {
    return fail(error as TestsigmaTmError);
  }

  const files = await readResultFiles(positionals, { cwd: io.cwd ?? process.cwd() });
  const results = files.flatMap((f) => f.results);

  // Nothing readable: say so without bothering the service.
  const outcome = files.every((f) => f.error) ? unreadableOutcome(files, settings.dryRun) : await uploadResults({ settings, results, files, env, log });

  io.stdout(renderText(outcome.summary));
  if (values['summary-json']) await writeFile(values['summary-json'], `${JSON.stringify(outcome.summary, null, 2)}\n`);
  if (outcome.error) io.stderr(`testsigma-tm: ${outcome.error.message}`);
  return outcome.exitCode;
}

function unreadableOutcome(files: FileOutcome[], dryRun: boolean): UploadOutcome {
  const summary = { ...emptySummary(dryRun), files: summariseFiles(files) };
  const error = new InputError('INPUT_NOTHING_READABLE', files[0]?.path ?? '', `None of the ${files.length} result file(s) could be used; nothing was sent.`);
  return { summary, error, exitCode: exitCodeFor(error) };
}

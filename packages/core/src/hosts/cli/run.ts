/**
 * `testsigma-tm run create` and `testsigma-tm run close`: the explicit lifecycle of one run that several jobs
 * report into (create job → shards with `upload --no-close` → a close job with `if: always()`).
 */
import { readResultFiles } from '../../formats/read-files.js';
import type { TestResult } from '../../model.js';
import { closeRunCommand } from '../../operations/commands.js';
import { renderText } from '../../report/summary-text.js';
import { uploadResults } from '../../pipeline/upload.js';
import type { CommandContext, CommandSetup } from './context.js';
import { listenForInterrupts, type StopWords } from './interrupt.js';
import { cliLogger, cliSettings } from './upload.js';

/** The group both commands live in. */
export const RUN_GROUP = 'Create or close the run that several jobs report into (shards, matrix jobs).';

export const setUpRunCreate: CommandSetup = (command, ctx, setExitCode) => {
  command
    .argument('[files...]', 'result files or test listings whose tests name the cases the run selects')
    .option('--cases <ids>', 'case ids the run selects, e.g. DEMO-1,DEMO-2')
    .action(async (files: string[], options: Record<string, unknown>) => setExitCode(await runCreate(ctx, files, options)));
};

export const setUpRunClose: CommandSetup = (command, ctx, setExitCode) => {
  command.action(async (options: Record<string, unknown>) => {
    // Ctrl-C or a cancelled CI job stops the close at once (its wait for the shards too): it says the run is still open.
    const interrupts = listenForInterrupts(ctx.io, CLOSE_STOPS);
    let exitCode = 1;
    try {
      exitCode = await runClose(ctx, options, interrupts.signal);
      setExitCode(exitCode);
    } finally {
      interrupts.finish(exitCode);
    }
  });
};

/** `run close` sends results nowhere: stopped, it leaves the run open (maybe half closed: run close again). */
const CLOSE_STOPS: StopWords = {
  stopping: 'the test run is left open',
  atOnce: 'The test run may be left open, or half closed: run the same command again to close it.',
};

async function runCreate(ctx: CommandContext, patterns: string[], options: Record<string, unknown>): Promise<number> {
  const settings = await cliSettings(ctx, options);
  if (typeof settings === 'number') return settings;
  const cases = typeof options.cases === 'string' ? options.cases.split(/[\s,]+/).filter(Boolean) : [];
  const files = patterns.length > 0 ? await readResultFiles(patterns, { cwd: ctx.cwd }) : [];
  // A case given by id is a "result" that names it, so it maps like any test; nothing is sent for it.
  const named: TestResult[] = cases.map((id) => ({
    source: '--cases',
    suitePath: [],
    name: id,
    status: 'skipped',
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status: 'skipped' }],
  }));
  const outcome = await uploadResults({
    settings,
    results: [...named, ...files.flatMap((f) => f.results)],
    files,
    env: ctx.env,
    log: cliLogger(ctx.io, ctx.env, settings),
    host: 'cli',
    openOnly: true,
  });
  if (outcome.error) {
    ctx.io.stderr(renderText(outcome.summary));
    return ctx.fail(outcome.error);
  }
  const s = outcome.summary;
  ctx.io.stderr(`Test run ${s.runHumanId} ${s.created ? 'created' : 'found'} with ${s.mapped} case(s) of this job: ${s.runUrl}`);
  // The id alone on stdout, for `RUN_ID=$(testsigma-tm run create ...)`.
  ctx.io.stdout(s.runId ?? '');
  return 0;
}

async function runClose(ctx: CommandContext, options: Record<string, unknown>, interrupt: AbortSignal): Promise<number> {
  const settings = await cliSettings(ctx, options);
  if (typeof settings === 'number') return settings;
  const outcome = await closeRunCommand({ settings, env: ctx.env, log: cliLogger(ctx.io, ctx.env, settings), host: 'cli', interrupt });
  if (outcome.error) return ctx.fail(outcome.error);
  ctx.io.stdout(outcome.message);
  return outcome.exitCode;
}

/**
 * `testsigma-tm upload <files...>`: read result files, map, record them in a run, print the summary.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ERROR_CODES, InputError, UsageError, asToolError, exitCodeFor } from '../../errors.js';
import { resultFileSource } from '../../formats/read-files.js';
import { redactingLogger, type Logger } from '../../log.js';
import { redactDeep } from '../../redact.js';
import { resultCount, type FileOutcome } from '../../model.js';
import { invalidSettings, readSettings, type Env, type Settings } from '../../settings/index.js';
import { applyEmptyPolicy } from '../../pipeline/inputs.js';
import { emptySummary, summariseFiles } from '../../report/summary.js';
import { renderText, whatToDoLine } from '../../report/summary-text.js';
import { uploadResults } from '../../pipeline/upload.js';
import type { UploadOutcome } from '../../pipeline/stages.js';
import { loadConfigFile } from '../config-file.js';
import type { CommandContext, CommandSetup } from './context.js';
import { settingValues } from './options.js';
import { listenForInterrupts } from './interrupt.js';

export const setUpUpload: CommandSetup = (command, ctx, setExitCode) => {
  command
    .argument(
      '[files...]',
      'result files: paths or globs (a directory means the *.xml, *.trx and *.tap files below it, or itself when it holds Allure results)',
    )
    .option('--summary-json <file>', 'also write the outcome as JSON (its folder is created)')
    .action(async (files: string[], options: Record<string, unknown>) => {
      // Ctrl-C or a cancelled CI job stops the upload cleanly: what was not recorded is spooled (interrupt.ts).
      const interrupts = listenForInterrupts(ctx.io);
      let exitCode = 1;
      try {
        exitCode = await runUpload(ctx, files, options, interrupts.signal);
        setExitCode(exitCode);
      } finally {
        interrupts.finish(exitCode);
      }
    });
};

async function runUpload(ctx: CommandContext, patterns: string[], options: Record<string, unknown>, interrupt: AbortSignal): Promise<number> {
  const { env, io, cwd, fail } = ctx;
  if (patterns.length === 0) {
    return fail(new UsageError('USAGE_NO_FILES', 'No result files given: expected one or more paths or globs, e.g. testsigma-tm upload "reports/**/*.xml".'));
  }
  const settings = await cliSettings(ctx, options);
  if (typeof settings === 'number') return settings;
  const log = cliLogger(io, env, settings);

  // The files are read while uploading (each result mapped as it is read); a first look finds what cannot be read at all.
  const source = await resultFileSource(patterns, { cwd });
  io.beforeReading?.(await source.size());
  const probed = applyEmptyPolicy(await source.probe(), settings.failOnEmpty);
  // Nothing readable (no file gives a single result): say so without bothering the service.
  const nothingReadable = probed.length > 0 && probed.every((f) => f.error && resultCount(f) === 0);
  const outcome = nothingReadable
    ? unreadableOutcome(probed, settings.dryRun)
    : await uploadResults({ settings, results: source, env, log, host: 'cli', interrupt });

  // The summary, then the error and what to do about it, in that order on one stream: the "what to do" refers to
  // the message (printed in the summary, it came before the message it was about).
  io.stdout(renderText(outcome.summary, outcome.error ? { error: outcome.error } : {}));
  let exitCode = outcome.exitCode;
  if (outcome.error) io.stderr(`testsigma-tm: ${outcome.error.message}\n${whatToDoLine(outcome.error)}`);
  const summaryFile = options.summaryJson;
  if (typeof summaryFile === 'string') {
    const written = await writeSummaryJson(path.resolve(cwd, summaryFile), outcome, settings.token);
    if (written) {
      io.stderr(`testsigma-tm: ${written}`);
      exitCode = Math.max(exitCode, 1);
    }
  }
  return exitCode;
}

/** Write the summary file, creating its folder. Returns the reason when it could not be written. */
async function writeSummaryJson(file: string, outcome: UploadOutcome, token: string | undefined): Promise<string | undefined> {
  const error = outcome.error ? { code: outcome.error.code, message: outcome.error.message, todo: ERROR_CODES[outcome.error.code].todo } : null;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(redactDeep({ ...outcome.summary, exitCode: outcome.exitCode, error }, [token]), null, 2)}\n`);
    return undefined;
  } catch (error) {
    return `The summary could not be written to ${file}: ${(error as Error).message}. The upload itself is reported above; choose a writable --summary-json path.`;
  }
}

/** Settings from the flags, the environment and the config file; warnings printed; an exit code when invalid. */
export async function cliSettings(ctx: CommandContext, options: Record<string, unknown>): Promise<Settings | number> {
  try {
    const file = await loadConfigFile(ctx.cwd);
    const reading = readSettings({ explicit: settingValues(options), env: ctx.env, ...(file && { file }) }, 'cli');
    for (const warning of reading.warnings) ctx.io.stderr(`warning: ${warning}`);
    if (reading.errors.length > 0) throw invalidSettings(reading.errors);
    return reading.settings;
  } catch (error) {
    return ctx.fail(asToolError(error));
  }
}

export function cliLogger(io: CommandContext['io'], env: Env, settings: Pick<Settings, 'token' | 'verbose'>): Logger {
  const debug = settings.verbose || Boolean(env.TESTSIGMA_DEBUG);
  return redactingLogger(
    {
      debug: (m) => (debug ? io.stderr(m) : undefined),
      info: (m) => io.stderr(m),
      warn: (m) => io.stderr(`warning: ${m}`),
      error: (m) => io.stderr(`error: ${m}`),
    },
    [settings.token],
  );
}

function unreadableOutcome(files: FileOutcome[], dryRun: boolean): UploadOutcome {
  const summary = { ...emptySummary(dryRun), files: summariseFiles(files) };
  // The reasons are the summary's "File not used" lines; said again here, a long one would be printed twice.
  const which =
    files.length === 1
      ? `The result file ${files[0]?.path ?? ''} could not be used (the "File not used" line above says why)`
      : `None of the ${files.length} result files could be used (each "File not used" line above says why)`;
  const error = new InputError('INPUT_NOTHING_READABLE', files[0]?.path ?? '', `${which}; nothing was sent.`);
  return { summary, failed: [], error, exitCode: exitCodeFor(error) };
}

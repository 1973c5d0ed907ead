/**
 * hosts/: the CLI and the reporters' shell, translating into core calls; may import formats, operations,
 * pipeline, report, settings.
 *
 * The `testsigma-tm` command. Translates argv, the environment and the config file into core calls and the
 * outcome into output and an exit code; nothing else lives here. Commands are built on commander (per-command
 * help, "did you mean" for commands and flags), one per row of core's table of operations (operations/table.ts):
 * its words, its description and its setting flags (only the settings it reads) come from the row, its arguments
 * and action from its setup below. Returns the exit code instead of exiting, so tests and the bin wrapper decide
 * what to do with it.
 */
import { Command, CommanderError } from 'commander';
import { UsageError, exitCodeFor, type TestsigmaTmError } from '../../errors.js';
import { OPERATIONS, type OperationName } from '../../operations/table.js';
import { redact } from '../../redact.js';
import type { Env } from '../../settings/index.js';
import { VERSION } from '../../version.js';
import { tierCompilerFor } from '../compiler-tier.js';
import type { CliIo, CommandContext, CommandSetup } from './context.js';
import { setUpDoctor } from './doctor.js';
import { addSettingFlags } from './options.js';
import { setUpResume } from './resume.js';
import { RUN_GROUP, setUpRunClose, setUpRunCreate } from './run.js';
import { setUpUpload } from './upload.js';

// The bin bounds V8's young generation before `main` runs (in a process of its own, not in tests that call main).
export { boundYoungGeneration } from '../young-generation.js';

/** The process's own: used by the bin alone (tests give theirs). */
const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(`${t}\n`),
  stderr: (t) => process.stderr.write(`${t}\n`),
  beforeReading: tierCompilerFor,
};

/** Each operation's own part of its command; an operation without one does not compile. */
const SETUP: Record<OperationName, CommandSetup> = {
  upload: setUpUpload,
  create: setUpRunCreate,
  close: setUpRunClose,
  resume: setUpResume,
  doctor: setUpDoctor,
};

/** Commands that only group others (`run create`, `run close`). */
const GROUPS: Record<string, string> = { run: RUN_GROUP };

const FOOTER = `
The API token is read from TESTSIGMA_API_TOKEN only (never a flag, never printed).
Settings come from flags, then TESTSIGMA_* environment variables, then testsigma-tm.config.json
(or the "testsigma" key of package.json), then defaults.

Exit codes: 0 every mapped result landed; 1 the service failed or results were left unsent;
2 a setting, flag or input file to fix (including a token or project the service refused);
130 / 143 upload, resume or run close stopped by SIGINT / SIGTERM (what was not recorded is kept
for resume; run close leaves the run open).`;

/** A fixed width, so help reads the same in a terminal, a CI log and the generated README. */
const HELP_LAYOUT = { helpWidth: 110, sortOptions: false };

/** Flags people try for the token: they get told where it comes from instead of a bare "unknown option". */
const TOKEN_FLAGS = ['--token', '--api-token', '--apiToken', '--api-key'];

export async function main(argv: string[], env: Env, given: CliIo = defaultIo): Promise<number> {
  // Every byte the CLI prints passes the one redaction, whatever produced it: the token is never printed.
  const secrets = [env.TESTSIGMA_API_TOKEN?.trim()];
  const io: CliIo = { ...given, stdout: (text) => given.stdout(redact(text, secrets)), stderr: (text) => given.stderr(redact(text, secrets)) };
  const fail = (error: TestsigmaTmError): number => {
    io.stderr(`testsigma-tm: ${error.message}`);
    return exitCodeFor(error);
  };
  const ctx: CommandContext = { env, io, cwd: io.cwd ?? process.cwd(), fail };
  let exitCode = 0;
  const program = new Command('testsigma-tm')
    .description('Record test results in Testsigma Test Management.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout(text.trimEnd()),
      writeErr: (text) => io.stderr(text.trimEnd()),
      outputError: () => undefined, // errors are reported below, in our own words
    })
    .configureHelp(HELP_LAYOUT)
    .addHelpText('after', FOOTER);
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  addOperations(program, ctx, setExitCode);
  const configure = (command: Command): void => {
    command.exitOverride().showSuggestionAfterError(true).configureOutput(program.configureOutput()).configureHelp(HELP_LAYOUT);
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);

  // The first thing a new user types: the whole help, with where the token comes from and the exit codes.
  if (argv.length === 0) {
    io.stdout(`${program.helpInformation().trimEnd()}\n${FOOTER}`);
    return 2;
  }
  const tokenFlag = argv.find((arg) => TOKEN_FLAGS.includes(arg.split('=')[0] ?? ''));
  if (tokenFlag) {
    return fail(
      new UsageError(
        'USAGE_BAD_OPTION',
        `There is no ${tokenFlag.split('=')[0]} flag: the API token is read only from the TESTSIGMA_API_TOKEN environment variable, so that it never shows in a command line or a log.`,
      ),
    );
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    // `help` asked for, or printed because a group was given without its command (`run`), as no command at all is.
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
    const code = error.code === 'commander.unknownCommand' ? 'USAGE_UNKNOWN_COMMAND' : 'USAGE_BAD_OPTION';
    // Commander ends some of its messages with a period ("Expected 1 argument but got 2."), and puts its suggestion
    // on a line of its own ("Unknown command 'uplod'\n(Did you mean upload?)"): one sentence, then the help to run.
    const message = error.message
      .replace(/^error: /, '')
      .replace(/\.$/, '')
      .replace(/\n\(Did you mean /, ' (did you mean ');
    const help = ['testsigma-tm', ...commandWords(program, argv), '--help'].join(' ');
    return fail(new UsageError(code, `${message.charAt(0).toUpperCase()}${message.slice(1)}. Run ${help}.`));
  }
  return exitCode;
}

/** The words of the command a command line reached (`run close`), whose help lists what it takes. */
function commandWords(program: Command, argv: string[]): string[] {
  const words: string[] = [];
  let command = program;
  for (const arg of argv) {
    const sub = command.commands.find((c) => c.name() === arg);
    if (!sub) break;
    words.push(arg);
    command = sub;
  }
  return words;
}

/** One command per operation, in the table's order, under its group when its name has two words. */
function addOperations(program: Command, ctx: CommandContext, setExitCode: (code: number) => void): void {
  for (const name of Object.keys(OPERATIONS) as OperationName[]) {
    const row = OPERATIONS[name];
    const words = row.command.split(' ');
    let parent = program;
    for (const word of words.slice(0, -1)) {
      const group = parent.commands.find((c) => c.name() === word);
      if (group) parent = group;
      else {
        const created = new Command(word).description(GROUPS[word] ?? '');
        parent.addCommand(created);
        parent = created;
      }
    }
    const command = new Command(words.at(-1)).description(row.summary);
    SETUP[name](command, ctx, setExitCode);
    addSettingFlags(command, row.reads);
    parent.addCommand(command);
  }
}

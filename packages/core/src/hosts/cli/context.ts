/** What every CLI command is handed: the process's pieces (environment, output, working directory) and how to fail. */
import type { Command } from 'commander';
import type { TestsigmaTmError } from '../../errors.js';
import type { Env } from '../../settings/index.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd?: string;
  /**
   * Told the size of the input (undefined: not known) before it is read. The process's own: the bin's tunes V8's
   * compiler to it (hosts/compiler-tier.ts); tests, which share their process, leave it out.
   */
  beforeReading?: (inputBytes: number | undefined) => void;
}

/** What every command's action gets besides its own arguments. */
export interface CommandContext {
  env: Env;
  io: CliIo;
  cwd: string;
  fail: (error: TestsigmaTmError) => number;
}

/**
 * A command's own part, added to the command main.ts made from the operation's row (name, summary, setting
 * flags): its arguments, the options that are not settings, and its action.
 */
export type CommandSetup = (command: Command, ctx: CommandContext, setExitCode: (code: number) => void) => void;

/** `testsigma-tm resume FILE`: send what an upload could not, into the same run, nothing twice. */
import path from 'node:path';
import { resumeCommand } from '../../operations/commands.js';
import { invalidSettings } from '../../settings/index.js';
import { httpUrl } from '../../settings/parsers.js';
import type { CommandSetup } from './context.js';
import { cliLogger } from './upload.js';

export const setUpResume: CommandSetup = (command, ctx, setExitCode) => {
  command.argument('<file>', 'the spool file the upload printed').action(async (file: string) => {
    const token = ctx.env.TESTSIGMA_API_TOKEN?.trim() || undefined;
    const log = cliLogger(ctx.io, ctx.env, { token, verbose: false });
    // The base URL as set now: after a first contact that failed, the fixed setting is what sends the spool.
    const baseUrl = ctx.env.TESTSIGMA_BASE_URL?.trim() ? httpUrl.parse(ctx.env.TESTSIGMA_BASE_URL) : undefined;
    if (baseUrl && 'problem' in baseUrl) {
      setExitCode(ctx.fail(invalidSettings([`TESTSIGMA_BASE_URL: ${baseUrl.problem}`])));
      return;
    }
    const outcome = await resumeCommand({
      file: path.resolve(ctx.cwd, file),
      token,
      env: ctx.env,
      log,
      host: 'cli',
      ...(baseUrl && { baseUrl: baseUrl.value }),
    });
    if (outcome.error) setExitCode(ctx.fail(outcome.error));
    else {
      ctx.io.stdout(outcome.message);
      setExitCode(0);
    }
  });
};

/** `testsigma-tm doctor`: check the settings against the service before a pipeline depends on them. */
import { asToolError } from '../../errors.js';
import { invalidSettings, readSettings } from '../../settings/index.js';
import { doctor } from '../../operations/doctor.js';
import { loadConfigFile } from '../config-file.js';
import type { CommandSetup } from './context.js';
import { settingValues } from './options.js';

export const setUpDoctor: CommandSetup = (command, ctx, setExitCode) => {
  command.action(async (options: Record<string, unknown>) => {
    let reading;
    try {
      const file = await loadConfigFile(ctx.cwd);
      reading = readSettings({ explicit: settingValues(options), env: ctx.env, ...(file && { file }) }, 'cli');
    } catch (error) {
      setExitCode(ctx.fail(asToolError(error)));
      return;
    }
    const { io } = ctx;
    io.stdout('Settings:');
    for (const warning of reading.warnings) io.stdout(`  warning: ${warning}`);
    if (reading.errors.length > 0) {
      for (const line of reading.errors) io.stdout(`  ✗ ${line}`);
      setExitCode(ctx.fail(invalidSettings(reading.errors)));
      return;
    }
    const outcome = await doctor({ settings: reading.settings, sources: reading.sources, host: 'cli' });
    for (const line of outcome.settings) io.stdout(`  ${line}`);
    io.stdout('Checks:');
    for (const check of outcome.checks) io.stdout(`  ${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`);
    io.stdout(outcome.exitCode === 0 ? 'Everything an upload needs is in place.' : 'Fix what is marked ✗, then run testsigma-tm doctor again.');
    setExitCode(outcome.exitCode);
  });
};

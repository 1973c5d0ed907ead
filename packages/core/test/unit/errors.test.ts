import { describe, expect, it } from 'vitest';
import { ApiError, ConfigError, InputError, TestsigmaTmError } from '../../src/errors.js';
// The reporters' entry as published: one bundled file with its own copy of the error classes.
import { resolveReporterStart } from 'testsigma-tm-core/reporter';

function errorOfBundledEntry(): unknown {
  const error = resolveReporterStart({ projectId: 'Demo', closeRun: 'maybe' }, {}, 'some-reporter').invalid?.error;
  if (!error) throw new Error('resolveReporterStart accepted closeRun: "maybe"');
  return error;
}

describe('instanceof across copies of core', () => {
  it('a ConfigError of the bundled reporter entry is a ConfigError and a TestsigmaTmError here, and no other error class', () => {
    const error = errorOfBundledEntry();
    expect(Object.getPrototypeOf(error)).not.toBe(ConfigError.prototype);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(TestsigmaTmError);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(InputError);
  });

  it('an error that only looks like one (same name, same code) is not one', () => {
    class ConfigErrorLookalike extends Error {
      code = 'CONFIG_INVALID';
    }
    Object.defineProperty(ConfigErrorLookalike, 'name', { value: 'ConfigError' });
    expect(new ConfigErrorLookalike('m')).not.toBeInstanceOf(ConfigError);
    expect({ name: 'ConfigError' }).not.toBeInstanceOf(ConfigError);
    expect(null).not.toBeInstanceOf(TestsigmaTmError);
  });
});

import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE, nodeTooOld, nodeTooOldMessage } from '../../src/node-check.js';

describe('the Node version check', () => {
  it('accepts 20.19 and later, refuses older', () => {
    expect(MINIMUM_NODE).toBe('20.19.0');
    expect(['20.19.0', '20.20.2', '22.0.0', '24.21.0'].map((v) => nodeTooOld(v))).toEqual([false, false, false, false]);
    expect(['18.20.4', '20.18.1', 'v16.0.0'].map((v) => nodeTooOld(v))).toEqual([true, true, true]);
    expect(nodeTooOldMessage('jest-testsigma-tm-reporter', 'v18.20.4')).toBe(
      'jest-testsigma-tm-reporter needs Node.js 20.19.0 or later; this is v18.20.4. Use a newer Node (e.g. actions/setup-node with node-version: 24).',
    );
  });
});

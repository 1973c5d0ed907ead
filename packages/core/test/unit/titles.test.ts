import { describe, expect, it } from 'vitest';
import { detachedDisplayTitle, displayTitle } from '../../src/model.js';

describe('detachedDisplayTitle', () => {
  it('reads as displayTitle does, whatever parts are empty or missing', () => {
    const paths = [[], [''], ['suite'], ['', 'inner'], ['outer', '', 'inner'], ['a long suite name that goes on', 'and on']];
    const names = ['', 'x', 'logs in with a valid password'];
    const projects = [undefined, '', 'chromium'];
    for (const suitePath of paths) {
      for (const name of names) {
        for (const project of projects) {
          const result = { suitePath, name, project };
          expect(detachedDisplayTitle(result), JSON.stringify(result)).toBe(displayTitle(result));
        }
      }
    }
  });
});

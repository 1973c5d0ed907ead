/** JUnit XML, read in pieces: the rules are in junit.ts. */
import type { Format } from '../format.js';
import { xmlRootName } from '../xml-input.js';
import { readJUnit, readJUnitInBatches } from './junit.js';

const ROOTS = ['testsuites', 'testsuite'];

export const junitXml: Format = {
  id: 'junit',
  label: 'JUnit XML',
  writtenBy: "most runners' JUnit reporter (`pytest --junitxml=results.xml`, `jest-junit`, Maven Surefire, `gotestsum --junitfile`)",
  xmlRoots: ROOTS,
  // A JUnit root, or markup whose root cannot be told from its start (a DTD, a stray `<`): the reader's
  // messages name what is wrong there. An XML root no format reads is refused by the registry.
  sniff: (head) => {
    if (!head.trimStart().startsWith('<')) return false;
    const root = xmlRootName(head);
    return root === undefined || ROOTS.includes(root);
  },
  parse: (chunks, ctx) => readJUnit(chunks, ctx.source, (message) => ctx.warn(message), ctx),
  parseInBatches: (chunks, ctx) => readJUnitInBatches(chunks, ctx.source, (message) => ctx.warn(message), ctx),
};

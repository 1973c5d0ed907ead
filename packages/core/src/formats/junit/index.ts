/** JUnit XML, read in pieces: the rules are in junit.ts. */
import type { Format } from '../format.js';
import { readJUnit, readJUnitInBatches } from './junit.js';

export const junitXml: Format = {
  id: 'junit',
  label: 'JUnit XML',
  // Any XML: a document that is XML but not JUnit gets a message naming its root element from the reader.
  sniff: (head) => head.trimStart().startsWith('<'),
  parse: (chunks, ctx) => readJUnit(chunks, ctx.source, (message) => ctx.warn(message), ctx),
  parseInBatches: (chunks, ctx) => readJUnitInBatches(chunks, ctx.source, (message) => ctx.warn(message), ctx),
};

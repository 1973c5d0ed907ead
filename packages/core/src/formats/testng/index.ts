/** TestNG XML (testng-results.xml), read in pieces: the rules are in testng.ts. */
import type { Format } from '../format.js';
import { xmlRootName } from '../xml-input.js';
import { readXml, readXmlInBatches } from '../xml-results.js';
import { TestngReader } from './testng.js';

const ROOTS = ['testng-results'];

export const testngXml: Format = {
  id: 'testng',
  label: 'TestNG XML',
  writtenBy: 'TestNG itself (`test-output/testng-results.xml`, also from Maven Surefire with TestNG)',
  xmlRoots: ROOTS,
  sniff: (head) => ROOTS.includes(xmlRootName(head) ?? ''),
  parse: (chunks, ctx) => readXml(chunks, new TestngReader(ctx.source, (message) => ctx.warn(message))),
  parseInBatches: (chunks, ctx) => readXmlInBatches(chunks, new TestngReader(ctx.source, (message) => ctx.warn(message))),
};

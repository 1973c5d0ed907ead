/** NUnit 3 XML, read in pieces: the rules are in nunit3.ts. */
import type { Format } from '../format.js';
import { xmlRootName } from '../xml-input.js';
import { readXml, readXmlInBatches } from '../xml-results.js';
import { NUnit3Reader } from './nunit3.js';

const ROOTS = ['test-run'];

export const nunit3Xml: Format = {
  id: 'nunit3',
  label: 'NUnit 3 XML',
  writtenBy: "NUnit 3's console runner (`nunit3-console --result=TestResult.xml`) or `dotnet test --logger nunit`",
  xmlRoots: ROOTS,
  sniff: (head) => ROOTS.includes(xmlRootName(head) ?? ''),
  parse: (chunks, ctx) => readXml(chunks, new NUnit3Reader(ctx.source, (message) => ctx.warn(message))),
  parseInBatches: (chunks, ctx) => readXmlInBatches(chunks, new NUnit3Reader(ctx.source, (message) => ctx.warn(message))),
};

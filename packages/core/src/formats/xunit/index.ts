/** xUnit.net XML, read in pieces: the rules are in xunit.ts. */
import type { Format } from '../format.js';
import { xmlRootName } from '../xml-input.js';
import { readXml, readXmlInBatches } from '../xml-results.js';
import { XunitReader } from './xunit.js';

const ROOTS = ['assemblies', 'assembly'];

export const xunitXml: Format = {
  id: 'xunit',
  label: 'xUnit.net XML',
  writtenBy: "`dotnet test --logger xunit` or the xUnit.net console runner's `-xml results.xml`",
  xmlRoots: ROOTS,
  sniff: (head) => ROOTS.includes(xmlRootName(head) ?? ''),
  parse: (chunks, ctx) => readXml(chunks, new XunitReader(ctx.source, (message) => ctx.warn(message))),
  parseInBatches: (chunks, ctx) => readXmlInBatches(chunks, new XunitReader(ctx.source, (message) => ctx.warn(message))),
};

/** .NET TRX, read in pieces: the rules are in trx.ts. */
import type { Format } from '../format.js';
import { xmlRootName } from '../xml-input.js';
import { readXml, readXmlInBatches } from '../xml-results.js';
import { TrxReader } from './trx.js';

const ROOTS = ['TestRun'];

export const dotnetTrx: Format = {
  id: 'dotnet-trx',
  label: '.NET TRX',
  writtenBy: '`dotnet test --logger trx` (.NET TRX)',
  xmlRoots: ROOTS,
  sniff: (head) => ROOTS.includes(xmlRootName(head) ?? ''),
  parse: (chunks, ctx) =>
    readXml(
      chunks,
      new TrxReader(
        ctx.source,
        (message) => ctx.warn(message),
        undefined,
        (outside) => ctx.outsideTests(outside),
      ),
    ),
  parseInBatches: (chunks, ctx) =>
    readXmlInBatches(
      chunks,
      new TrxReader(
        ctx.source,
        (message) => ctx.warn(message),
        undefined,
        (outside) => ctx.outsideTests(outside),
      ),
    ),
};

/** Robot Framework output.xml, read in pieces: the rules are in robot.ts. */
import type { Format } from '../format.js';
import { xmlRootName } from '../xml-input.js';
import { readXml, readXmlInBatches } from '../xml-results.js';
import { RobotReader } from './robot.js';

const ROOTS = ['robot'];

export const robotXml: Format = {
  id: 'robot',
  label: 'Robot Framework output.xml',
  writtenBy: 'Robot Framework itself (`robot` writes `output.xml`; `rebot --merge` merges a `--rerunfailed` run into it)',
  xmlRoots: ROOTS,
  sniff: (head) => ROOTS.includes(xmlRootName(head) ?? ''),
  parse: (chunks, ctx) => readXml(chunks, new RobotReader(ctx.source, (message) => ctx.warn(message))),
  parseInBatches: (chunks, ctx) => readXmlInBatches(chunks, new RobotReader(ctx.source, (message) => ctx.warn(message))),
};

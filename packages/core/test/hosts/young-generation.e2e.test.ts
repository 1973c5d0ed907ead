/**
 * The hosts' bound on V8's young generation (hosts/young-generation.ts, called by the CLI's bin and the Action's entry), in a Node process of its own (it
 * changes a setting of the whole process): half a million objects that survive make V8 grow the new space far
 * past the bound without it, and far less with it; on the repository's Node and on the machine's
 * Node 20, the oldest the packages support. Needs `npm run build:packages` first (as `npm test` does).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { machineNode20 } from '../../../../test/helpers/node20.js';

const built = fileURLToPath(new URL('../../dist/hosts/young-generation.js', import.meta.url));
const BOUND = 4 * 1024 * 1024;

// Objects that survive, made a round at a time with a turn of the event loop between rounds, as a reader does.
const script = `
  const { boundYoungGeneration } = await import(${JSON.stringify(built)});
  const { getHeapSpaceStatistics } = await import('node:v8');
  if (process.argv[1] === 'bounded') boundYoungGeneration(${BOUND});
  const kept = [];
  for (let round = 0; round < 100; round++) {
    for (let i = 0; i < 5000; i++) kept.push({ round, text: 'result ' + i + ' of round ' + round });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
  console.log(JSON.stringify({ newSpace, kept: kept.length }));
`;

function newSpaceAfter(node: string, mode: 'bounded' | 'free'): Promise<{ newSpace: number; kept: number }> {
  return new Promise((resolve, reject) =>
    execFile(node, ['--input-type=module', '-e', script, mode], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim()) as { newSpace: number; kept: number });
    }),
  );
}

const node20 = machineNode20();
const nodes = node20 === undefined || node20 === process.execPath ? [process.execPath] : [process.execPath, node20];

describe.skipIf(!existsSync(built))('boundYoungGeneration', () => {
  it.each(nodes)('stops the new space growing at the bound (%s)', async (node) => {
    const free = await newSpaceAfter(node, 'free');
    const bounded = await newSpaceAfter(node, 'bounded');
    expect(free.kept).toBe(500_000);
    expect(bounded.kept).toBe(500_000);
    expect(free.newSpace).toBeGreaterThan(4 * BOUND);
    // The bound is heard after a collection, through a PerformanceObserver whose entries come later: on a quiet
    // machine the new space stops at the bound (4 MB, against 128 MB free on Node 24 and 32 MB on Node 20); on a
    // busy one the entries may come a few growth steps late (11 MB seen under npm run test:stress). Best effort,
    // as the module says; what holds is that it stays well below the free growth.
    expect(bounded.newSpace).toBeLessThanOrEqual(free.newSpace / 2);
  });
});

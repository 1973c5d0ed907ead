/**
 * A bound on V8's young generation for a host's process of its own, set before any work: by the CLI's bin and by
 * the Action's entry (src/index.ts), which run the same upload over the same files.
 *
 * V8 doubles the new space (two semi-spaces) each time the objects surviving its scavenges add up to more than it
 * holds. An upload keeps what it needs of each case (up to 20 results per case, 10,000 failures listed): tens of
 * MB that survive, so a large file grew the new space from 1 to 64 MB a semi-space, 128 MB of pages the process
 * touched and kept, more than everything it held (30 MB JUnit, 173,600 results: peak 163 MiB, of which 36 MB
 * live; 1 GB: 268–502 MB). With the new space held at 8 MB the same run peaks at 105 MiB (16 MB: 112 MiB) for
 * the same CPU time (A/B 0.97–1.03 against 16 MB, 0.98 against no bound, medians of 7–9 runs taken in turn).
 *
 * `--max-semi-space-size` would say it, but V8 reads it once, when the heap is made: `v8.setFlagsFromString`
 * is too late for it (measured on Node 24), and a flag on the command line or a re-exec costs a second process.
 * The growth factor is read at each growth: once the new space reaches the bound, it is set to 1, so the new
 * space stops growing there (a run that never grows it that far runs as before). The bound is heard after a
 * collection, through a PerformanceObserver whose entries come later: on a busy machine a few more growth steps may
 * come first (best effort: 11 MB seen under a competing load against 4 MB, where the free new space grew to 128).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The young generation's bound: both semi-spaces, 4 MB each (the reader alone settles at 32 MB: 16 each). */
const YOUNG_GENERATION_MAX_BYTES = 8 * 1024 * 1024;

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Stop the young generation's growth once it holds `maxBytes`; heard after each garbage collection. For a
 * process of its own (the CLI, the Action): it changes a V8 setting of the whole process, so a reporter, which
 * runs inside the test runner's process, never calls it.
 */
export function boundYoungGeneration(maxBytes = YOUNG_GENERATION_MAX_BYTES): void {
  const stopGrowing = (): void => setFlagsFromString('--semi-space-growth-factor=1');
  if (newSpaceBytes() >= maxBytes) {
    stopGrowing();
    return;
  }
  const observer = new PerformanceObserver(() => {
    if (newSpaceBytes() < maxBytes) return;
    stopGrowing();
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

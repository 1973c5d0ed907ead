// Preloaded with `node --import` (directly, or through NODE_OPTIONS so that worker processes load it too) into
// a program the bench runs unchanged (the CLI, a test runner): when a process exits, its peak RSS and CPU time
// (user + system) are written as JSON to `<BENCH_USAGE_DIR>/<pid>.json`, with the moment of the exit (epoch ms):
// what comes after it is Node freeing the process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_USAGE_DIR;
if (dir) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const record = {
      pid: process.pid,
      maxRssBytes: usage.maxRSS * 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      exitAt: performance.timeOrigin + performance.now(),
    };
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(record));
  });
}

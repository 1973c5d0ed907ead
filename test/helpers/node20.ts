/** The machine's own Node 20, when it has one: the oldest Node the packages support (the repo's scripts run on 24). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function machineNode20(): string | undefined {
  for (const candidate of ['/usr/local/bin/node', '/usr/bin/node', '/bin/node']) {
    if (!existsSync(candidate)) continue;
    try {
      if (execFileSync(candidate, ['--version'], { encoding: 'utf8' }).startsWith('v20.')) return candidate;
    } catch {
      // not runnable: try the next one
    }
  }
  return undefined;
}

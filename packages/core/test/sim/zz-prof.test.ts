import { it } from 'vitest';
import { runScenario } from './scenario.js';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
it('prof', async () => {
  const s = new Session(); s.connect();
  await s.post('Profiler.enable'); await s.post('Profiler.start');
  const t = performance.now();
  for (let seed = 1; seed <= 300; seed++) await runScenario({ seed, mode: 'close-job' });
  console.log('ms each', (performance.now() - t) / 300);
  const { profile } = await s.post('Profiler.stop');
  writeFileSync('/tmp/simprof/p.cpuprofile', JSON.stringify(profile));
}, 600000);

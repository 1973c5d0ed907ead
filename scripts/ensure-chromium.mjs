// Runs before the tests (`npm test` → pretest): the emulator's web view is tested in a real headless browser,
// Debian's `chromium`, driven by playwright-core. When it is missing and this machine can install it (root,
// apt-get present) it is installed, after a first line that says so (apt-get as root, and why) and how to opt out
// (TESTSIGMA_SKIP_CHROMIUM_INSTALL=1); otherwise the browser test skips, and says so. This script never fails the
// test run: every outcome, a skip included, is a line saying what happened.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = `The emulator's web-view browser test will be skipped.`;
const OPT_OUT = 'TESTSIGMA_SKIP_CHROMIUM_INSTALL';

function which(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

function run(args) {
  console.log(`ensure-chromium: $ ${args.join(' ')}`);
  const result = spawnSync(args[0], args.slice(1), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) return `${args[0]} could not start: ${result.error.message}`;
  return result.status === 0 ? null : `"${args.join(' ')}" exited with ${result.status ?? result.signal}`;
}

function ensure() {
  if (existsSync(CHROMIUM)) return `ensure-chromium: ${CHROMIUM} is present.`;
  if (process.platform !== 'linux') return `ensure-chromium: no ${CHROMIUM} and this is not Linux; nothing installed. ${SKIP}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return `ensure-chromium: no ${CHROMIUM}, and installing it needs root (run "apt-get install chromium" as root). ${SKIP}`;
  }
  if (!which('apt-get')) return `ensure-chromium: no ${CHROMIUM} and no apt-get to install it with. ${SKIP}`;
  if (process.env[OPT_OUT]) return `ensure-chromium: no ${CHROMIUM}, and ${OPT_OUT} is set, so nothing is installed. ${SKIP}`;
  console.log(
    `ensure-chromium: will now run apt-get as root (apt-get update, apt-get install chromium): the emulator's web view is tested in a headless browser and ${CHROMIUM} is missing. Set ${OPT_OUT}=1 to skip the install (and that test).`,
  );
  const failure = run(['apt-get', 'update']) ?? run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']);
  if (failure !== null) return `ensure-chromium: installing chromium failed (${failure}). ${SKIP}`;
  return existsSync(CHROMIUM) ? `ensure-chromium: installed ${CHROMIUM}.` : `ensure-chromium: apt-get finished but ${CHROMIUM} is still missing. ${SKIP}`;
}

try {
  console.log(ensure());
} catch (err) {
  console.log(`ensure-chromium: could not check or install chromium (${err instanceof Error ? err.message : String(err)}). ${SKIP}`);
}

/**
 * The Node.js versions testsigma-tm runs on (what undici 7 and the rest need). Loaded before anything else: the
 * CLI refuses an older Node with one line, and a reporter sits the run out with one line instead of breaking the
 * test run it reports on.
 */
export const MINIMUM_NODE = '20.19.0';

export function nodeTooOld(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = MINIMUM_NODE.split('.').map(Number);
  return major < minMajor || (major === minMajor && minor < minMinor);
}

export function nodeTooOldMessage(who: string, version: string = process.version): string {
  return `${who} needs Node.js ${MINIMUM_NODE} or later; this is ${version}. Use a newer Node (e.g. actions/setup-node with node-version: 24).`;
}

/**
 * The fork flow's artifact, unpacked by src/github/artifact.ts from the local stand-in for GitHub: what a hostile
 * zip gets (a path outside the folder, more bytes or files than allowed, an entry lying about its size) is refused
 * with a message naming it, and nothing lands outside the target folder.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchArtifact } from '../src/github/artifact.js';
import { githubClient } from '../src/github/client.js';
import { FakeGitHub } from './helpers/fake-github.js';
import { zip } from './helpers/zip.js';

const TOKEN = 'ghs_artifactTestToken0123456789';
const LIMITS = { zipBytes: 1_000_000, unpackedBytes: 100_000, files: 3 };
let github: FakeGitHub;

beforeAll(async () => {
  github = await new FakeGitHub(TOKEN).start();
});
afterAll(() => github.close());
beforeEach(() => github.reset());

async function fetchInto(entries: Buffer): Promise<{ root: string; result: Promise<unknown> }> {
  github.addArtifact(1, 'results', entries);
  const root = await mkdtemp(join(tmpdir(), 'tm-artifact-'));
  const gh = githubClient(TOKEN, github.url);
  return {
    root,
    result: fetchArtifact(gh, { owner: 'acme', repo: 'shop', runId: 1, name: 'results' }, join(root, 'ws', 'artifact'), join(root, 'tmp'), LIMITS),
  };
}

describe('fetchArtifact', () => {
  it('unpacks nested files inside the folder', async () => {
    const { root, result } = await fetchInto(zip({ 'a/junit.xml': '<testsuites/>', 'b.json': '{}' }));
    await expect(result).resolves.toEqual({ files: 2, bytes: 15 });
    expect(await readFile(join(root, 'ws/artifact/a/junit.xml'), 'utf8')).toBe('<testsuites/>');
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it.each([
    ['a path outside the folder', zip({ '../../outside.xml': 'x' }), /the artifact was refused \(invalid relative path: \.\.\/\.\.\/outside\.xml\)/],
    ['an absolute path', zip({ '/etc/outside.xml': 'x' }), /the artifact was refused \(absolute path: \/etc\/outside\.xml\)/],
    ['more bytes than allowed', zip({ 'big.xml': Buffer.alloc(200_000) }), /^the artifact unpacks to more than 100000 bytes: it was not unpacked\.$/],
    ['more files than allowed', zip({ '1': '', '2': '', '3': '', '4': '' }), /^the artifact holds more than 3 files: it was not unpacked\.$/],
  ])('refuses %s before writing anything', async (_what, entries, message) => {
    const { root, result } = await fetchInto(entries);
    await expect(result).rejects.toThrow(message);
    expect(await readdir(root)).toEqual(['tmp']);
  });

  it('refuses an entry that inflates beyond its declared size', async () => {
    const { root, result } = await fetchInto(zip({ 'first.xml': 'fine', 'bomb.xml': Buffer.alloc(50_000) }, { 'bomb.xml': 10 }));
    await expect(result).rejects.toThrow(/the artifact was refused \(.*too many bytes.*\)/);
    expect(await readdir(join(root, 'ws'))).toEqual([]);
  });

  it('names the artifacts the run has when the one asked for is missing, and refuses a wrong token', async () => {
    github.addArtifact(1, 'other', zip({}));
    const gh = githubClient(TOKEN, github.url);
    await expect(fetchArtifact(gh, { owner: 'acme', repo: 'shop', runId: 1, name: 'results' }, tmpdir(), tmpdir(), LIMITS)).rejects.toThrow(
      'run 1 has no artifact named "results" (it has "other"): upload the result files in the first workflow with actions/upload-artifact and name: results, even when the tests fail (if: always()).',
    );
    const wrong = githubClient('ghs_wrong_token_123456', github.url);
    await expect(fetchArtifact(wrong, { owner: 'acme', repo: 'shop', runId: 1, name: 'results' }, tmpdir(), tmpdir(), LIMITS)).rejects.toMatchObject({
      status: 401,
    });
  });
});

/**
 * The fork flow's second half: the named artifact of the triggering run, found through the REST API
 * (`GET /repos/{owner}/{repo}/actions/runs/{id}/artifacts`), its zip streamed to a temporary file, then unpacked
 * entry by entry (yauzl reads the zip's directory and streams each entry, so memory holds one chunk, not the
 * zip). A fork wrote that zip: every path must stay inside the target folder (a `../` or absolute name is
 * refused before anything is written), and the sizes and the number of files are bounded.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import yauzl from 'yauzl';
import type { GitHub } from './client.js';

export interface ArtifactLimits {
  /** Largest zip downloaded, in bytes. */
  zipBytes: number;
  /** Largest total of the unpacked files, in bytes (a zip bomb stops here). */
  unpackedBytes: number;
  files: number;
}

const ARTIFACT_LIMITS: ArtifactLimits = { zipBytes: 2 * 1024 ** 3, unpackedBytes: 4 * 1024 ** 3, files: 50_000 };

/** The artifact could not be used: the message says which and why. */
export class ArtifactProblem extends Error {}

export interface ArtifactSource {
  owner: string;
  repo: string;
  runId: number;
  name: string;
}

/** Downloads and unpacks the artifact into `into` (emptied first); `tempDir` holds the zip meanwhile. */
export async function fetchArtifact(
  gh: GitHub,
  source: ArtifactSource,
  into: string,
  tempDir: string,
  limits: ArtifactLimits = ARTIFACT_LIMITS,
): Promise<{ files: number; bytes: number }> {
  const { owner, repo, runId, name } = source;
  const artifacts = await gh.paginate(gh.rest.actions.listWorkflowRunArtifacts, { owner, repo, run_id: runId, per_page: 100 });
  const artifact = artifacts.find((a) => a.name === name);
  if (!artifact) {
    const names = artifacts.map((a) => `"${a.name}"`).join(', ') || 'none';
    throw new ArtifactProblem(
      `run ${runId} has no artifact named "${name}" (it has ${names}): upload the result files in the first workflow with actions/upload-artifact and name: ${name}, even when the tests fail (if: always()).`,
    );
  }
  if (artifact.expired) throw new ArtifactProblem(`the artifact "${name}" of run ${runId} has expired: run the first workflow again.`);
  if (artifact.size_in_bytes > limits.zipBytes)
    throw new ArtifactProblem(`the artifact "${name}" is ${artifact.size_in_bytes} bytes, over the ${limits.zipBytes} this step reads.`);
  const zipPath = join(tempDir, `testsigma-artifact-${artifact.id}.zip`);
  await mkdir(tempDir, { recursive: true });
  try {
    const response = await gh.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
      owner,
      repo,
      artifact_id: artifact.id,
      archive_format: 'zip',
      // The zip as a stream (written to disk as it comes), not a buffer of its whole size.
      request: { parseSuccessResponseBody: false },
    });
    const body = response.data as unknown as ReadableStream<Uint8Array>;
    await pipeline(Readable.fromWeb(body), byteCap(limits.zipBytes, `the artifact "${name}"`), createWriteStream(zipPath));
    await rm(into, { recursive: true, force: true });
    return await unpack(zipPath, into, limits);
  } finally {
    await rm(zipPath, { force: true });
  }
}

/** Unpacks every entry inside `into`; refuses the whole zip before writing when one path leads outside. */
async function unpack(zipPath: string, into: string, limits: ArtifactLimits = ARTIFACT_LIMITS): Promise<{ files: number; bytes: number }> {
  const root = resolve(into);
  const planned: { target: string; directory: boolean }[] = [];
  let bytes = 0;
  await eachEntry(zipPath, async (entry) => {
    const target = resolve(root, entry.fileName);
    if (target !== root && !target.startsWith(root + sep))
      throw new ArtifactProblem(`the artifact holds "${entry.fileName}", a path outside its folder: it was not unpacked.`);
    bytes += entry.uncompressedSize;
    if (planned.length >= limits.files) throw new ArtifactProblem(`the artifact holds more than ${limits.files} files: it was not unpacked.`);
    if (bytes > limits.unpackedBytes) throw new ArtifactProblem(`the artifact unpacks to more than ${limits.unpackedBytes} bytes: it was not unpacked.`);
    planned.push({ target, directory: entry.fileName.endsWith('/') });
  });
  await mkdir(root, { recursive: true });
  let files = 0;
  try {
    await eachEntry(zipPath, async (entry, zip) => {
      const target = resolve(root, entry.fileName);
      if (entry.fileName.endsWith('/')) {
        await mkdir(target, { recursive: true });
        return;
      }
      await mkdir(dirname(target), { recursive: true });
      // yauzl checks that each entry inflates to its declared size, which the first pass added up.
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target, { flags: 'wx' }));
      files++;
    });
  } catch (error) {
    // An entry that lied about its size: none of the artifact is used.
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return { files, bytes };
}

async function eachEntry(zipPath: string, visit: (entry: yauzl.Entry, zip: yauzl.ZipFile) => Promise<void>): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    throw new ArtifactProblem(`the artifact is not a readable zip (${(error as Error).message}).`);
  }
  try {
    for await (const entry of zip.eachEntry()) await visit(entry, zip);
  } catch (error) {
    if (error instanceof ArtifactProblem) throw error;
    // yauzl refuses absolute and `..` names itself ("invalid relative path"), and sizes that do not match.
    throw new ArtifactProblem(`the artifact was refused (${(error as Error).message}): it was not unpacked.`);
  } finally {
    zip.close();
  }
}

/** Passes bytes through until `max`, then fails: a download is never larger than what was announced. */
function byteCap(max: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(new ArtifactProblem(`${what} is larger than ${max} bytes: it was not read.`));
      else done(null, chunk);
    },
  });
}

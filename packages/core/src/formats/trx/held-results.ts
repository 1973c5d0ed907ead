/**
 * Results read before their definition (vstest writes `<Results>` first), held until the definition names their
 * class. Small files keep them as objects. Past a memory budget the rest are written to a temporary file, one
 * record per result, and only the offset of each test's last record stays in memory: a 290 MB TRX of 518k tests
 * held 389 MB of records, far past the 200 MB every large-file reader keeps to. Each spilled record carries its
 * testId, so the index in memory is two typed arrays of hashes and offsets (12 bytes a test, half full), not a
 * Map of strings. The file is unlinked as soon as
 * it is open (Node opens files shareable for deletion on Windows too), so nothing is left behind even when the
 * reading stops half-way; its descriptor is closed when the held results are released.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Attachment, TestStatus } from '../../model.js';

/** A result as it says itself. `previous` links the results of one test (data rows, repeats) in reverse reading order. */
export interface Held {
  name: string;
  status: TestStatus;
  durationMs: number | undefined;
  message: string | undefined;
  stack: string | undefined;
  output: string | undefined;
  files: Attachment[] | undefined;
  previous: Held | undefined;
}

/** What the held results may take in memory before the rest go to the temporary file. */
const HELD_MEMORY_BYTES = 16 * 1024 * 1024;
/** Object, map entry and key of a held result, besides its texts (measured at about this per result). */
const RECORD_OVERHEAD_BYTES = 240;
const WRITE_BUFFER_BYTES = 1024 * 1024;
const NO_PREVIOUS = -1;

/** A spilled record: [testId, name, status, durationMs, message, stack, output, files, offset of the previous record]. */
type SpilledRecord = [string, string, TestStatus, number | null, string | null, string | null, string | null, Attachment[] | null, number];

export class HeldResults {
  /** By testId: the last held result of each test kept in memory (see Held.previous). */
  private readonly last = new Map<string, Held>();
  /** By testId: the offset of the last spilled record of each test; a Map of 518k string keys alone took 60 MB. */
  private readonly spilled = new OffsetIndex();
  /** The offset of each spilled test's first record, in holding order: the order `takeAll` keeps. */
  private firsts = new Float64Array(1024);
  private firstCount = 0;
  private memoryBytes = 0;
  private fd: number | undefined;
  /** Bytes written to the file, and records appended since, not yet written. */
  private written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly memoryBudget: number = HELD_MEMORY_BYTES) {}

  hold(testId: string, held: Held): void {
    const previous = this.last.get(testId);
    // A test whose earlier results are in memory keeps the new one beside them (repeats are few).
    if (previous !== undefined || (this.memoryBytes < this.memoryBudget && this.firstCount === 0)) {
      held.previous = previous;
      this.memoryBytes += RECORD_OVERHEAD_BYTES + 2 * (testId.length + textLength(held));
      this.last.set(testId, held);
      return;
    }
    const hash = hashOf(testId);
    const slot = this.spilled.find(hash, (offset) => this.read(offset).testId === testId);
    if (slot >= 0) {
      this.spilled.set(slot, this.spill(testId, held, this.spilled.offsetAt(slot)));
      return;
    }
    const offset = this.spill(testId, held, NO_PREVIOUS);
    this.spilled.add(hash, offset);
    if (this.firstCount === this.firsts.length) {
      const grown = new Float64Array(this.firsts.length * 2);
      grown.set(this.firsts);
      this.firsts = grown;
    }
    this.firsts[this.firstCount++] = offset;
  }

  /** The held results of a test, in reading order, no longer held; empty when none. */
  take(testId: string): Held[] {
    const last = this.last.get(testId);
    if (last !== undefined) {
      this.last.delete(testId);
      return inMemoryChain(last);
    }
    if (this.firstCount === 0) return [];
    const slot = this.spilled.find(hashOf(testId), (offset) => this.read(offset).testId === testId);
    if (slot < 0) return [];
    const offset = this.spilled.offsetAt(slot);
    this.spilled.remove(slot);
    return this.spilledChain(offset);
  }

  /** Every test's held results (each in reading order), tests in the order first held; then nothing held, the file closed. */
  *takeAll(): Generator<Held[]> {
    for (const last of this.last.values()) yield inMemoryChain(last);
    this.last.clear();
    for (let i = 0; i < this.firstCount; i += 1) {
      const testId = this.read(this.firsts[i] as number).testId;
      const slot = this.spilled.find(hashOf(testId), (offset) => this.read(offset).testId === testId);
      if (slot < 0) continue;
      const offset = this.spilled.offsetAt(slot);
      this.spilled.remove(slot);
      yield this.spilledChain(offset);
    }
    this.memoryBytes = 0;
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.pending = [];
    this.pendingBytes = 0;
    this.written = 0;
    this.firstCount = 0;
    this.spilled.clear();
  }

  private spilledChain(last: number): Held[] {
    const chain: Held[] = [];
    for (let offset = last; offset !== NO_PREVIOUS;) {
      const record = this.read(offset);
      chain.push(record.held);
      offset = record.previous;
    }
    return chain.reverse();
  }

  /** Appends the record (a 4-byte length, then JSON) and returns its offset. */
  private spill(testId: string, held: Held, previous: number): number {
    this.fd ??= openSpillFile();
    const record: SpilledRecord = [
      testId,
      held.name,
      held.status,
      held.durationMs ?? null,
      held.message ?? null,
      held.stack ?? null,
      held.output ?? null,
      held.files ?? null,
      previous,
    ];
    const body = Buffer.from(JSON.stringify(record), 'utf8');
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32LE(body.length, 0);
    const offset = this.written + this.pendingBytes;
    this.pending.push(header, body);
    this.pendingBytes += 4 + body.length;
    if (this.pendingBytes >= WRITE_BUFFER_BYTES) this.flush();
    return offset;
  }

  private flush(): void {
    if (this.fd === undefined || this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    for (let done = 0; done < data.length;) done += writeSync(this.fd, data, done, data.length - done, this.written + done);
    this.written += data.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private read(offset: number): { testId: string; held: Held; previous: number } {
    if (offset + 4 > this.written) this.flush();
    const fd = this.fd as number;
    const header = Buffer.allocUnsafe(4);
    readFully(fd, header, offset);
    const body = Buffer.allocUnsafe(header.readUInt32LE(0));
    readFully(fd, body, offset + 4);
    const [testId, name, status, durationMs, message, stack, output, files, previous] = JSON.parse(body.toString('utf8')) as SpilledRecord;
    const held: Held = {
      name,
      status,
      durationMs: durationMs ?? undefined,
      message: message ?? undefined,
      stack: stack ?? undefined,
      output: output ?? undefined,
      files: files ?? undefined,
      previous: undefined,
    };
    return { testId, held, previous };
  }
}

function inMemoryChain(last: Held): Held[] {
  const chain: Held[] = [];
  for (let held: Held | undefined = last; held !== undefined; held = held.previous) chain.push(held);
  return chain.reverse();
}

/** FNV-1a over the UTF-16 code units: the index's hash, checked against the record's own testId. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * An open-addressing hash table from a testId's hash to an offset, in two typed arrays (12 bytes a slot): the
 * keys themselves stay on disk in the records, and a candidate slot is confirmed by reading its record.
 */
class OffsetIndex {
  private hashes = new Uint32Array(1024);
  /** offset + 1; EMPTY never used, REMOVED once used (probing goes on past it). */
  private offsets = new Float64Array(1024);
  private used = 0;

  find(hash: number, isKey: (offset: number) => boolean): number {
    const mask = this.hashes.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = this.offsets[slot] as number;
      if (stored === EMPTY) return -1;
      if (stored !== REMOVED && this.hashes[slot] === hash && isKey(stored - 1)) return slot;
    }
  }

  offsetAt(slot: number): number {
    return (this.offsets[slot] as number) - 1;
  }

  set(slot: number, offset: number): void {
    this.offsets[slot] = offset + 1;
  }

  remove(slot: number): void {
    this.offsets[slot] = REMOVED;
  }

  add(hash: number, offset: number): void {
    if ((this.used + 1) * 2 > this.hashes.length) this.grow();
    this.place(hash, offset + 1);
    this.used += 1;
  }

  clear(): void {
    this.hashes = new Uint32Array(1024);
    this.offsets = new Float64Array(1024);
    this.used = 0;
  }

  private place(hash: number, stored: number): void {
    const mask = this.hashes.length - 1;
    let slot = hash & mask;
    while (this.offsets[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.hashes[slot] = hash;
    this.offsets[slot] = stored;
  }

  /** Doubles the table, dropping removed slots. */
  private grow(): void {
    const { hashes, offsets } = this;
    let live = 0;
    for (const stored of offsets) if (stored !== EMPTY && stored !== REMOVED) live += 1;
    const size = live * 2 + 2 > hashes.length ? hashes.length * 2 : hashes.length;
    this.hashes = new Uint32Array(size);
    this.offsets = new Float64Array(size);
    this.used = live;
    for (let slot = 0; slot < hashes.length; slot += 1) {
      const stored = offsets[slot] as number;
      if (stored !== EMPTY && stored !== REMOVED) this.place(hashes[slot] as number, stored);
    }
  }
}

const EMPTY = 0;
const REMOVED = -1;

function textLength(held: Held): number {
  let length = held.name.length + (held.message?.length ?? 0) + (held.stack?.length ?? 0) + (held.output?.length ?? 0);
  for (const file of held.files ?? []) length += file.name.length + (file.path?.length ?? 0);
  return length;
}

function readFully(fd: number, buffer: Buffer, position: number): void {
  for (let done = 0; done < buffer.length;) {
    const read = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (read === 0) throw new Error(`TRX held results: the temporary file ended at ${position + done} bytes, before a record it holds.`);
    done += read;
  }
}

/** A temporary file already unlinked, so that it disappears with its descriptor whatever happens. */
function openSpillFile(): number {
  const directory = mkdtempSync(path.join(tmpdir(), 'testsigma-trx-'));
  const file = path.join(directory, 'held-results');
  const fd = openSync(file, 'w+', 0o600);
  try {
    unlinkSync(file);
    rmdirSync(directory);
  } catch {
    // Left for the system's temporary-file cleanup: the results are unaffected.
  }
  return fd;
}

/**
 * Results read before their definition (vstest writes `<Results>` first), held until the definition names their
 * class. Small files keep them as objects. Past a memory budget the rest are written to a temporary file, one
 * record per result, and only the offset of each test's last record stays in memory: a 290 MB TRX of 518k tests
 * held 389 MB of records, far past the 200 MB every large-file reader keeps to. The file is unlinked as soon as
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
export const HELD_MEMORY_BYTES = 16 * 1024 * 1024;
/** Object, map entry and key of a held result, besides its texts (measured at about this per result). */
const RECORD_OVERHEAD_BYTES = 240;
const WRITE_BUFFER_BYTES = 1024 * 1024;
const NO_PREVIOUS = -1;

/** A spilled record: [name, status, durationMs, message, stack, output, files, offset of the previous record]. */
type SpilledRecord = [string, TestStatus, number | null, string | null, string | null, string | null, Attachment[] | null, number];

export class HeldResults {
  /** By testId: the last held result of each test, in memory or (a number) the offset of its spilled record. */
  private readonly last = new Map<string, Held | number>();
  private memoryBytes = 0;
  private fd: number | undefined;
  /** Bytes written to the file, and records appended since, not yet written. */
  private written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly memoryBudget: number = HELD_MEMORY_BYTES) {}

  get size(): number {
    return this.last.size;
  }

  hold(testId: string, held: Held): void {
    const previous = this.last.get(testId);
    // A test whose earlier results are in memory keeps the new one beside them (repeats are few).
    if (typeof previous === 'object' || this.memoryBytes < this.memoryBudget) {
      held.previous = typeof previous === 'object' ? previous : undefined;
      if (typeof previous === 'number') {
        // Earlier results spilled: this one follows them on disk, so the chain keeps one kind.
        this.last.set(testId, this.spill(held, previous));
        return;
      }
      this.memoryBytes += RECORD_OVERHEAD_BYTES + 2 * (testId.length + textLength(held));
      this.last.set(testId, held);
      return;
    }
    this.last.set(testId, this.spill(held, previous ?? NO_PREVIOUS));
  }

  /** The held results of a test, in reading order, no longer held; empty when none. */
  take(testId: string): Held[] {
    const last = this.last.get(testId);
    if (last === undefined) return [];
    this.last.delete(testId);
    return this.chain(last);
  }

  /** Every test's held results (each in reading order), then nothing held and the file closed. */
  *takeAll(): Generator<Held[]> {
    for (const last of this.last.values()) yield this.chain(last);
    this.last.clear();
    this.memoryBytes = 0;
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.pending = [];
    this.pendingBytes = 0;
    this.written = 0;
  }

  private chain(last: Held | number): Held[] {
    const chain: Held[] = [];
    if (typeof last === 'object') {
      for (let held: Held | undefined = last; held !== undefined; held = held.previous) chain.push(held);
    } else {
      for (let offset = last; offset !== NO_PREVIOUS;) {
        const [held, previous] = this.read(offset);
        chain.push(held);
        offset = previous;
      }
    }
    return chain.reverse();
  }

  /** Appends the record (a 4-byte length, then JSON) and returns its offset. */
  private spill(held: Held, previous: number): number {
    this.fd ??= openSpillFile();
    const record: SpilledRecord = [
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

  private read(offset: number): [Held, number] {
    if (offset + 4 > this.written) this.flush();
    const fd = this.fd as number;
    const header = Buffer.allocUnsafe(4);
    readFully(fd, header, offset);
    const body = Buffer.allocUnsafe(header.readUInt32LE(0));
    readFully(fd, body, offset + 4);
    const [name, status, durationMs, message, stack, output, files, previous] = JSON.parse(body.toString('utf8')) as SpilledRecord;
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
    return [held, previous];
  }
}

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

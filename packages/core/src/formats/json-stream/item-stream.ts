/**
 * A JSON document read in pieces as a sequence of items: the reader says, for each value by its path from the
 * root (`['results', 0, 'suites', 2, 'tests', 5]`), whether to build it whole (one test: small once its long
 * strings are cut), walk into it (the arrays and suites that hold the tests) or skip it (counted by the
 * tokenizer, never kept). Memory holds the path, the item being built and what the reader keeps; never the
 * document. Used by the JSON formats whose files grow with the run (Mocha, mochawesome, RSpec, Jest, Allure);
 * Playwright has its own reader (playwright/stream-reader.ts) for its out-of-order suite titles.
 */
import { UNREAD, type StringLimit } from './long-string.js';
import { JsonTokenizer, type JsonHandler } from './tokenizer.js';
import { ValueBuilder } from './value-builder.js';

export type PathStep = string | number;
export type Route = 'build' | 'walk' | 'skip';

export interface ItemRoutes {
  /** What to do with the value starting at `path`; `container` says whether it is an object or array. */
  route(path: readonly PathStep[], container: boolean): Route;
  /** A value built whole, or a scalar met while walking (when routed `build` or `walk`). */
  value(path: readonly PathStep[], value: unknown): void;
  /** A walked object or array has opened / closed. */
  opened?(path: readonly PathStep[], isObject: boolean): void;
  closed?(path: readonly PathStep[]): void;
  /** How to keep a long string stored under `key` (undefined inside an array). */
  limit(key: string | undefined): StringLimit;
}

type Frame = { kind: 'walk'; isObject: boolean; next: number } | { kind: 'skip'; depth: number } | { kind: 'build'; builder: ValueBuilder; path: PathStep[] };

export class JsonItemStream implements JsonHandler {
  private readonly tokenizer: JsonTokenizer;
  private readonly frames: Frame[] = [];
  /** One step per walked container: its current key or index. */
  private readonly steps: PathStep[] = [];
  /**
   * The document's top level with every container left empty (`{"stats": {}, "tests": []}`), or its item count
   * when it is an array: what a refusal shows of it (json-input.ts's describeJson), without keeping it.
   */
  private top: unknown;
  private topItems = 0;

  constructor(
    source: string,
    expected: string,
    private readonly routes: ItemRoutes,
  ) {
    this.tokenizer = new JsonTokenizer(source, expected, this);
  }

  write(text: string): void {
    this.tokenizer.write(text);
  }

  end(): void {
    this.tokenizer.end();
  }

  /** The document as describeJson needs it: its top-level keys (containers empty), or an array as long as it. */
  get shape(): unknown {
    return Array.isArray(this.top) ? new Array<undefined>(this.topItems) : this.top;
  }

  openObject(): void {
    this.start(true, true);
  }

  openArray(): void {
    this.start(true, false);
  }

  closeObject(): void {
    this.close();
  }

  closeArray(): void {
    this.close();
  }

  key(name: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'build') frame.builder.key(name);
    else if (frame?.kind === 'walk') this.steps[this.steps.length - 1] = name;
  }

  string(value: string): void {
    this.scalar(value);
  }

  scalar(value: string | number | boolean | null): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'skip') return;
    if (frame?.kind === 'build') {
      frame.builder.add(value);
      this.finishBuild(frame);
      return;
    }
    const path = this.nextPath();
    this.record(path, value);
    if (this.routes.route(path, false) !== 'skip') this.routes.value(path, value);
  }

  limit(): StringLimit {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'build') return this.routes.limit(frame.builder.currentKey);
    if (frame?.kind === 'skip') return UNREAD;
    const last = this.steps[this.steps.length - 1];
    return this.routes.limit(typeof last === 'string' ? last : undefined);
  }

  private start(container: true, isObject: boolean): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'skip') {
      frame.depth += 1;
      return;
    }
    if (frame?.kind === 'build') {
      if (isObject) frame.builder.openObject();
      else frame.builder.openArray();
      return;
    }
    const path = this.nextPath();
    this.record(path, isObject ? {} : []);
    const route = this.routes.route(path, container);
    if (route === 'skip') this.frames.push({ kind: 'skip', depth: 1 });
    else if (route === 'build') {
      const builder = new ValueBuilder();
      if (isObject) builder.openObject();
      else builder.openArray();
      this.frames.push({ kind: 'build', builder, path: [...path] });
    } else {
      this.routes.opened?.(path, isObject);
      this.frames.push({ kind: 'walk', isObject, next: 0 });
      this.steps.push(isObject ? '' : -1);
    }
  }

  private close(): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'skip') {
      if (--frame.depth === 0) this.frames.pop();
    } else if (frame?.kind === 'build') {
      frame.builder.close();
      this.finishBuild(frame);
    } else if (frame?.kind === 'walk') {
      this.frames.pop();
      this.steps.pop();
      this.routes.closed?.(this.steps);
    }
  }

  private finishBuild(frame: Extract<Frame, { kind: 'build' }>): void {
    if (!frame.builder.complete) return;
    this.frames.pop();
    this.routes.value(frame.path, frame.builder.result);
  }

  private record(path: readonly PathStep[], value: unknown): void {
    if (path.length === 0) this.top = value;
    else if (path.length === 1 && typeof path[0] === 'number') this.topItems += 1;
    else if (path.length === 1 && this.top !== null && typeof this.top === 'object') {
      // As JSON.parse does: `__proto__` is an own key, not the prototype.
      Object.defineProperty(this.top, path[0] as string, { value, writable: true, enumerable: true, configurable: true });
    }
  }

  /** The path of the value about to start: in an array, the next index is taken. */
  private nextPath(): readonly PathStep[] {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.kind === 'walk' && !frame.isObject) this.steps[this.steps.length - 1] = frame.next++;
    return this.steps;
  }
}

/** Reads `chunks` through a JsonItemStream, handing over what `take` returns after every piece and at the end. */
export async function* readItems<T>(
  chunks: AsyncIterable<string>,
  stream: JsonItemStream,
  take: () => T[],
  finish: () => void,
): AsyncGenerator<T[], void, undefined> {
  for await (const chunk of chunks) {
    stream.write(chunk);
    const ready = take();
    if (ready.length > 0) yield ready;
  }
  stream.end();
  finish();
  const rest = take();
  if (rest.length > 0) yield rest;
}

/** Does the document's top level (JsonItemStream's `shape`) hold an array under `key`, as its last value there? */
export function holdsArray(shape: unknown, key: string): boolean {
  return shape !== null && typeof shape === 'object' && !Array.isArray(shape) && Array.isArray((shape as Record<string, unknown>)[key]);
}

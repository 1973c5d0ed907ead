/**
 * Tokenizer events → the value JSON.parse would have made of them, for the parts of a document a reader wants
 * whole (one Playwright spec, the run's errors). `complete` says when the value's last token has come.
 */
export type JsonContainer = Record<string, unknown> | unknown[];

export class ValueBuilder {
  private readonly open: JsonContainer[] = [];
  /** The key each open object's value is to be stored under, once it is complete; innermost last. */
  private readonly keys: string[] = [];
  private pendingKey = '';
  complete = false;
  result: unknown;

  /** The key of the value about to come, when it goes into an object; undefined inside an array. */
  get currentKey(): string | undefined {
    return Array.isArray(this.open[this.open.length - 1]) ? undefined : this.pendingKey;
  }

  /** The innermost object or array being filled. */
  get container(): JsonContainer | undefined {
    return this.open[this.open.length - 1];
  }

  openObject(): void {
    this.keys.push(this.pendingKey);
    this.open.push({});
  }

  openArray(): void {
    this.keys.push(this.pendingKey);
    this.open.push([]);
  }

  close(): void {
    const done = this.open.pop();
    this.pendingKey = this.keys.pop() ?? '';
    this.add(done);
  }

  key(name: string): void {
    this.pendingKey = name;
  }

  add(value: unknown): void {
    const parent = this.open[this.open.length - 1];
    if (parent === undefined) {
      this.complete = true;
      this.result = value;
    } else if (Array.isArray(parent)) {
      parent.push(value);
    } else if (this.pendingKey === '__proto__') {
      // As JSON.parse does: an own property, not the prototype.
      Object.defineProperty(parent, '__proto__', { value, writable: true, enumerable: true, configurable: true });
    } else {
      parent[this.pendingKey] = value;
    }
  }
}

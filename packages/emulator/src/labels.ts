// Labels referred to from request bodies. The live service takes `label_names` (strings) on runs and
// `label_ids` (UUIDs) on test cases; the emulator also accepts `labels` as the API shows them (objects with
// `id` or `name`) or as plain names, so a client can send back what it read. Names are created as needed.
import { badRequest, unprocessable } from './errors.js';
import { newId } from './ids.js';
import type { Store } from './store.js';
import type { Obj } from './validate.js';

export type LabelRef = { id: string } | { name: string };

function refOf(raw: unknown, key: string, at: number): LabelRef {
  if (typeof raw === 'string' && raw.trim() !== '') return key === 'label_ids' ? { id: raw.toLowerCase() } : { name: raw };
  if (key === 'labels' && typeof raw === 'object' && raw !== null) {
    const { id, name } = raw as Obj;
    if (typeof id === 'string' && id !== '') return { id: id.toLowerCase() };
    if (typeof name === 'string' && name.trim() !== '') return { name };
  }
  const shape = key === 'label_ids' ? 'a label UUID' : key === 'labels' ? 'a label name or {"name"} / {"id"}' : 'a label name';
  throw badRequest(`Invalid ${key}[${at}]`, `Each entry of ${key} must be ${shape}.`);
}

/**
 * The label references of `keys` in a body (their union), or undefined when none of the keys is present.
 * Ids are checked here, before anything is written; unknown ids are a 422.
 */
export function readLabelRefs(store: Store, body: Obj, keys: string[]): LabelRef[] | undefined {
  const present = keys.filter((key) => body[key] !== undefined && body[key] !== null);
  if (present.length === 0) return undefined;
  const refs = present.flatMap((key) => {
    const list = body[key];
    if (!Array.isArray(list)) throw badRequest(`Invalid ${key}`, `${key} must be an array.`);
    return list.map((raw: unknown, at) => refOf(raw, key, at));
  });
  for (const ref of refs) {
    if ('id' in ref && !store.data.labels.some((l) => l.id === ref.id)) {
      throw unprocessable(`Unknown label id ${ref.id}`, 'Label ids must come from GET /labels; send label names to create labels.');
    }
  }
  return refs;
}

/** The label ids for `refs`, in order and without repeats; labels named but not yet known are created. */
export function labelIdsFor(store: Store, refs: LabelRef[]): string[] {
  const ids = refs.map((ref) => {
    if ('id' in ref) return ref.id;
    const found = store.data.labels.find((l) => l.name === ref.name);
    if (found) return found.id;
    const now = Date.now();
    const id = newId();
    store.data.labels.push({ id, name: ref.name, createdAt: now, updatedAt: now });
    return id;
  });
  return [...new Set(ids)];
}

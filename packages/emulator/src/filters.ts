// `<field>__<OP>=<value>` filters over the fields an item shows in the API. Like the live service,
// anything not understood (unknown field, unknown operator, other parameters) is silently ignored.

const OPERATORS = new Set(['EQ', 'NEQ', 'CONTAINS', 'IN', 'NOT_IN']);

function scalar(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function test(op: string, actual: string | null, wanted: string): boolean {
  const text = actual ?? 'null';
  switch (op) {
    case 'EQ':
      return text === wanted;
    case 'NEQ':
      return text !== wanted;
    case 'CONTAINS':
      return actual !== null && actual.toLowerCase().includes(wanted.toLowerCase());
    case 'IN':
      return wanted.split(',').includes(text);
    case 'NOT_IN':
      return !wanted.split(',').includes(text);
    default:
      return true;
  }
}

export function applyFilters<T>(items: T[], query: URLSearchParams, view: (item: T) => Record<string, unknown>): T[] {
  const filters: { field: string; op: string; value: string }[] = [];
  for (const [key, value] of query) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*?)__([A-Za-z_]+)$/.exec(key);
    const op = match?.[2]?.toUpperCase();
    if (match?.[1] !== undefined && op !== undefined && OPERATORS.has(op)) filters.push({ field: match[1], op, value });
  }
  if (filters.length === 0) return items;
  return items.filter((item) => {
    const shown = view(item);
    return filters.every(({ field, op, value }) => {
      if (!(field in shown)) return true;
      const actual = scalar(shown[field]);
      return actual === undefined ? true : test(op, actual, value);
    });
  });
}

/** JSON with one result per block and short lists (statuses, suite paths) on one line: golden diffs stay readable. */
export function goldenJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\n\s*((?:"(?:[^"\\\n]|\\.)*"|[\d.-]+|true|false|null)(?:,\n\s*(?:"(?:[^"\\\n]|\\.)*"|[\d.-]+|true|false|null))*)\n\s*\]/g,
    (_, items: string) => `[${items.replace(/,\n\s*/g, ', ')}]`,
  );
}

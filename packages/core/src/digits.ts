/**
 * Whole numbers with thousands separators, as `toLocaleString('en-US')` writes them (`12,345`), without it: its
 * first use loads ICU's number formatting, 25-30 ms of CPU and 8 MB of memory in a reporter's upload phase, for
 * a comma. Any other number is left to toLocaleString.
 */
export function withThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

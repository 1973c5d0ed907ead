/**
 * The one redaction: every text the tool writes anywhere — a log line, a summary (text, markdown, JSON), a spool
 * file, an Action output, a result's description or attachment name sent to Testsigma — passes through it. It
 * removes the token (the tool knows it, and a test that prints its environment, or a server that echoes a
 * request, puts it into text the tool did not write itself), `Bearer` credentials, the user:password of URLs and
 * the values of token-like query parameters (`?token=…`, `&api_key=…`), which a mistyped base URL may carry.
 */

/** What replaces a secret. */
const REDACTED = '***';

/** Query parameters whose value is a credential: any name holding one of these words. */
const SECRET_QUERY = /([?&;][A-Za-z0-9_.-]*(?:token|key|secret|password|passwd|pwd|auth|signature|sig|credential|session)[A-Za-z0-9_.-]*=)[^&#\s"'<>]*/gi;

/** `scheme://userinfo@`: the userinfo ends at the first character a host part cannot follow. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/?#\s@"'<>]*@/gi;

const BEARER = /(Bearer\s+)[^\s"',;]+/gi;

/** Secrets shorter than this are not searched for: `***` everywhere a 2-letter "token" occurs helps no one. */
const MIN_SECRET_LENGTH = 4;

/** A text none of the three patterns can match: no `@` (URL credentials), no `=` (a query value), no `bearer`. */
const MAYBE_CREDENTIALS = /[@=]|bearer/i;

/** Each secret's spellings, worked out once: results are redacted by the hundred thousand with the same token. */
const spellingsOf = new Map<string, readonly string[]>();

function spellings(secret: string): readonly string[] {
  let known = spellingsOf.get(secret);
  if (!known) {
    // As given, and as a URL or a JSON string would spell it.
    known = [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
    if (spellingsOf.size >= 16) spellingsOf.clear();
    spellingsOf.set(secret, known);
  }
  return known;
}

/** Replace every occurrence of each secret (and bearer credentials, URL credentials, token-like query values) with `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = MAYBE_CREDENTIALS.test(text)
    ? text.replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(BEARER, `$1${REDACTED}`).replace(SECRET_QUERY, `$1${REDACTED}`)
    : text;
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    for (const spelling of spellings(secret)) {
      if (out.includes(spelling)) out = out.split(spelling).join(REDACTED);
    }
  }
  return out;
}

/**
 * A value (a summary, a spool, a result) with every string redacted, keys kept: for data written as JSON, so
 * that the redaction cannot break the JSON around a secret. Strings under `keep` keys stay as they are (an
 * attachment's path on disk, which the tool must still open; it is never written out). What holds nothing to
 * redact is returned as it is, not copied: results read by the hundred thousand keep sharing what they share.
 */
export function redactDeep<T>(value: T, secrets: readonly (string | undefined)[], keep: ReadonlySet<string> = NOTHING_KEPT): T {
  return walk(value, secrets, keep) as T;
}

const NOTHING_KEPT: ReadonlySet<string> = new Set();

function walk(value: unknown, secrets: readonly (string | undefined)[], keep: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) {
    const items = value.map((item) => walk(item, secrets, keep));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof Map || value instanceof Set) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const clean = keep.has(key) ? item : walk(item, secrets, keep);
    if (clean !== item) (copy ??= { ...value })[key] = clean;
  }
  return copy ?? value;
}

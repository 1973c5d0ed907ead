/**
 * Where the core's messages go. Hosts plug in their own (stderr for the CLI, @actions/core for the Action,
 * the runner's console for reporters). Every message passes through `redact` first: the token is sacred.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Replace every occurrence of each secret (and `Bearer <anything>`) with `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = redactUrlCredentials(text).replace(/(Bearer\s+)[^\s"',;]+/gi, '$1***');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** A logger that redacts the given secrets before handing messages on. */
export function redactingLogger(inner: Logger, secrets: readonly (string | undefined)[]): Logger {
  return {
    debug: (m) => inner.debug(redact(m, secrets)),
    info: (m) => inner.info(redact(m, secrets)),
    warn: (m) => inner.warn(redact(m, secrets)),
    error: (m) => inner.error(redact(m, secrets)),
  };
}

/** `https://user:pass@host/…` → `https://***@host/…`: credentials in a URL never reach a message. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@');
}

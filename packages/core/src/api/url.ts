import { redact } from '../redact.js';

/**
 * URLs as they may be shown: a base URL can carry credentials (`https://user:pass@host/…`), and nothing the
 * tool prints, logs or throws may reveal them.
 */

/** The URL with any user name and password replaced by `***`; also for text that does not parse as a URL. */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  try {
    const parsed = new URL(text);
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = '***';
      parsed.password = '';
    }
    return redact(parsed.href);
  } catch {
    // Not a URL: a password may hold anything, spaces included, up to the last @ before the path.
    return redact(text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@'));
  }
}

/** Every `scheme://userinfo@` and token-like query value in a text (a message, an unparseable URL) replaced by `***`. */
export function redactUrlsIn(text: string): string {
  return redact(text);
}

/** The URL without credentials, for sending: the token goes in a header, never user:pass in the URL. */
export function withoutCredentials(url: URL): URL {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy;
}

/**
 * The first contact with the service. Until it has answered once in this process, a failure that says "this is
 * not the address of the service" — a refused connection, a host name that does not resolve, a TLS handshake
 * that fails, an answer that is not the API's (an HTML page, a 404 under a base URL without /api/v1) — is a
 * setting to fix, not an outage: waiting ten minutes for a typo helps no one. Once the service has answered,
 * the same failures are an outage and are waited out.
 *
 * The diagnosis (what the failure usually means, what to try) is written once, here: `doctor` and `upload` say
 * the same thing about the same failure.
 */

/** How long a refused connection (a service restarting?) is tried again on first contact before it is called a setting. */
export const FIRST_CONTACT_MS = 20_000;

/** What went wrong on first contact. */
export type FirstContactFailure =
  | { kind: 'refused' }
  | { kind: 'closed' }
  | { kind: 'unknown-host'; host: string }
  | { kind: 'dns-failed'; host: string }
  | { kind: 'tls'; code: string }
  | { kind: 'not-json'; status: number; contentType: string }
  | { kind: 'not-found' };

/** The kind of a failure without an answer that a wrong base URL explains; undefined for the others (timeouts, resets). */
export function noAnswerFailure(cause: unknown, url: URL): FirstContactFailure | undefined {
  const err = cause as { code?: string; cause?: { code?: string } } | undefined;
  const code = err?.code ?? '';
  const inner = err?.cause?.code ?? '';
  const codes = [code, inner];
  if (codes.includes('ECONNREFUSED')) return { kind: 'refused' };
  if (codes.includes('ENOTFOUND')) return { kind: 'unknown-host', host: url.hostname };
  if (codes.includes('EAI_AGAIN')) return { kind: 'dns-failed', host: url.hostname };
  const tls = codes.find((c) => /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/.test(c));
  if (tls) return { kind: 'tls', code: tls };
  // Closed before any answer: what a TLS port does with plain HTTP (and a service restarting: tried again a while).
  if (codes.includes('UND_ERR_SOCKET') || codes.includes('ECONNRESET')) return { kind: 'closed' };
  return undefined;
}

/** Does the base URL look like the API's (it ends in /api/v1)? */
export function looksLikeApiPath(baseUrl: string): boolean {
  return /\/api\/v\d+\/?$/.test(new URL(baseUrl).pathname);
}

/** The base URL as it probably should be: with /api/v1 added when it lacks it. */
function suggestedBaseUrl(baseUrl: string): string | undefined {
  return looksLikeApiPath(baseUrl) ? undefined : `${baseUrl.replace(/\/+$/, '')}/api/v1`;
}

/**
 * What a failure on first contact means and what to do, in words: shared by `doctor` and every command that
 * talks to the service. `baseUrl` is shown as given (already redacted), `setting` is how the host names it.
 */
export function diagnoseBaseUrl(failure: FirstContactFailure, baseUrl: string, setting: string): string {
  const origin = new URL(baseUrl);
  const where = `${origin.hostname}:${origin.port || (origin.protocol === 'https:' ? '443' : '80')}`;
  const fix = `Check ${setting} (now ${baseUrl})`;
  const suggestion = suggestedBaseUrl(baseUrl);
  switch (failure.kind) {
    case 'refused':
      return `Nothing accepts connections at ${where}: a wrong host or port in the base URL, or the service is not running there. ${fix}.`;
    case 'closed':
      return `${where} closed the connection without an HTTP answer: ${origin.protocol === 'http:' ? 'a TLS port addressed as http:// (try https://), or not an HTTP service' : 'not an HTTP service'}. ${fix}.`;
    case 'unknown-host':
      return `The host name ${failure.host} does not exist (DNS: ENOTFOUND): a typo in the base URL? ${fix}.`;
    case 'dns-failed':
      return `The host name ${failure.host} could not be resolved (DNS: EAI_AGAIN): a typo in the base URL, or no DNS on this runner? ${fix}.`;
    case 'tls':
      return `The TLS handshake with ${where} failed (${failure.code}): ${origin.protocol === 'https:' ? 'an http:// service addressed as https://, a proxy that replaces certificates (set NODE_EXTRA_CA_CERTS to its CA), or a wrong port' : 'the port speaks another protocol'}. ${fix}.`;
    case 'not-json':
      return `${where} answered HTTP ${failure.status} with ${failure.contentType}, not the API's JSON: a web page, a login page or a proxy, not the Test Management API.${suggestion ? ` The API's base URL usually ends in /api/v1 (try ${suggestion}).` : ''} ${fix}.`;
    case 'not-found':
      return `This is not the API's base URL: it usually ends in /api/v1${suggestion ? ` (try ${suggestion})` : ''}. ${fix}.`;
  }
}

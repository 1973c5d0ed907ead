/**
 * Attachments that are no file on this machine: a URL (`https://…` of a cloud artifact store, `s3://…`) or a
 * `data:` URI, which JUnit properties and markers and CTRF's `attachments[].path` hold as often as paths. They
 * become attachments with a name and no path: the case's description lists them as links, and the upload never
 * looks for them on disk (where "not found" would send a person looking for a file that was never there).
 */
import { clip } from './text.js';

/** `https://…`, `s3://…`, `file://…`: a location elsewhere, never a path on this machine. */
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** A data: URI longer than this is named by its media type and size, not written out. */
const DATA_URI_SHOWN_CHARS = 200;
const LINK_SHOWN_CHARS = 2_000;

/** How a URL or a `data:` URI is shown as a link, or undefined when `written` is a path. */
export function linkOf(written: string): string | undefined {
  if (/^data:/i.test(written)) {
    if (written.length <= DATA_URI_SHOWN_CHARS) return written;
    const comma = written.indexOf(',');
    const type = (comma === -1 ? written.slice(5, 80) : written.slice(5, Math.min(comma, 80))).split(';')[0] || 'text/plain';
    return `data: URI (${type}, ${written.length} characters inline, not recorded)`;
  }
  return URL_SCHEME.test(written) ? clip(written, LINK_SHOWN_CHARS) : undefined;
}

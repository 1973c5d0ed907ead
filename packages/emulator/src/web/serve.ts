// The web view: `GET /` and `/ui/…`, read-only, no token (like the admin endpoints it lives outside the API
// base path and outside the request log). Pages are rendered from the store on every request.
import type { ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import type { Store } from '../store.js';
import { esc, page } from './html.js';
import { homePage, projectPage, runPage } from './pages.js';

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // No script may run at all: the pages need none, and a value that escaped escaping could do nothing.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export function isWebPath(pathname: string): boolean {
  return pathname === '/' || pathname === '/ui' || pathname.startsWith('/ui/');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function render(store: Store, pathname: string): { status: number; html: string } {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1).map(decode);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'ui')) return { status: 200, html: homePage(store) };
  const [ui, projects, pid, testRuns, rid] = parts;
  if (ui === 'ui' && projects === 'projects' && pid !== undefined) {
    try {
      const project = store.project(pid);
      if (parts.length === 3) return { status: 200, html: projectPage(store, project) };
      if (parts.length === 5 && testRuns === 'test-runs' && rid !== undefined)
        return { status: 200, html: runPage(store, project, store.testRun(project, rid)) };
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      return {
        status: 404,
        html: page(
          'Not found',
          [
            ['/', 'Projects'],
            [null, 'Not found'],
          ],
          `<h1>Not found</h1><p>${esc(err.details)}.</p>`,
        ),
      };
    }
  }
  const body = `<h1>Not found</h1><p>No page at <code>${esc(pathname)}</code>. Pages: <code>/</code>, <code>/ui/projects/{project id}</code>, <code>/ui/projects/{project id}/test-runs/{run id or human id}</code>.</p>`;
  return {
    status: 404,
    html: page(
      'Not found',
      [
        ['/', 'Projects'],
        [null, 'Not found'],
      ],
      body,
    ),
  };
}

export function serveWeb(store: Store, res: ServerResponse, method: string, pathname: string): void {
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { ...HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('The web view is read-only: use GET.\n');
    return;
  }
  const { status, html } = render(store, pathname);
  res.writeHead(status, { ...HEADERS, 'content-length': Buffer.byteLength(html) });
  res.end(method === 'HEAD' ? undefined : html);
}

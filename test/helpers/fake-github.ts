/**
 * A small stand-in for the GitHub REST API on loopback (port 0), for the Action's comment, check run and artifact
 * features. It refuses what GitHub refuses: a missing or wrong token (401), a comment body over 65,536 characters
 * (422), more than 50 annotations in one check-run request (422), a comment already deleted (404), and answers 403
 * on the routes it is told to (a missing permission). A comment is written by the token's account (`login`, which GraphQL's `viewer` names, as
 * GitHub's does for the job token: github-actions[bot]); `addComment` puts one by anybody else. Everything it was
 * sent is kept for the tests to read.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  author: string;
}

/** A job of a workflow run attempt, as GET …/actions/runs/{id}/attempts/{n}/jobs lists it. */
export interface FakeJob {
  runId: number;
  attempt: number;
  name: string;
  runner_name: string | null;
  status: 'queued' | 'in_progress' | 'completed';
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  output: { title: string; summary: string };
  annotations: { path: string; start_line: number; end_line: number; annotation_level: string; title?: string; message: string }[];
  details_url?: string;
}

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  head: { sha: string; ref: string; label: string };
}

export interface FakeRequest {
  method: string;
  path: string;
  status: number;
  /** Which step sent it, when the step's GITHUB_API_URL is `via(name)`. */
  from?: string;
}

/** A request held by `gate` until the test lets it through. */
export interface ParkedRequest {
  method: string;
  path: string;
  from: string;
  release: () => void;
}

/** The route names `forbid` takes: a 403 for every request to that feature. */
export type FakeRoute = 'comments' | 'check-runs' | 'artifacts' | 'pulls' | 'jobs' | 'graphql';

const COMMENT_MAX_CHARS = 65_536;
const ANNOTATIONS_PER_REQUEST = 50;

export class FakeGitHub {
  readonly comments: FakeComment[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly pulls: FakePull[] = [];
  readonly jobs: FakeJob[] = [];
  readonly requests: FakeRequest[] = [];
  /** Who the token is: the author of the comments it writes, and GraphQL's viewer. */
  login = 'github-actions[bot]';
  /** Run id → its artifacts (the zip's bytes). */
  readonly artifacts = new Map<number, { id: number; name: string; zip: Buffer; expired?: boolean }[]>();
  private readonly forbidden = new Set<FakeRoute>();
  /** While gated, every API request waits here until the test releases it (see `gate`). */
  private gated = false;
  readonly parked: ParkedRequest[] = [];
  private parkedListeners: (() => void)[] = [];
  private nextId = 1000;
  url = '';
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(readonly token: string) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.comments.length = 0;
    this.checkRuns.length = 0;
    this.pulls.length = 0;
    this.jobs.length = 0;
    this.requests.length = 0;
    this.login = 'github-actions[bot]';
    this.artifacts.clear();
    this.forbidden.clear();
    this.gated = false;
    this.parked.length = 0;
    this.parkedListeners = [];
  }

  forbid(route: FakeRoute): void {
    this.forbidden.add(route);
  }

  /**
   * The API base URL a step named `name` uses: the same API, with its requests marked as that step's, so a test
   * can tell concurrent steps apart (octokit keeps a base URL's path, as it does GitHub Enterprise Server's).
   */
  via(name: string): string {
    return `${this.url}/via/${encodeURIComponent(name)}`;
  }

  /**
   * From now on every API request waits in `parked` until the test calls its `release`: concurrent steps then
   * take turns in the order the test chooses, never in the order the machine happens to run them.
   */
  gate(): void {
    this.gated = true;
  }

  /** Resolves once `ready()` holds, checked now and each time a request is parked. */
  whenParked(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!ready()) return;
        this.parkedListeners = this.parkedListeners.filter((l) => l !== check);
        resolve();
      };
      this.parkedListeners.push(check);
    });
  }

  /** Wakes the waiters of `whenParked`: a step has ended, so fewer requests are to come. */
  recheckParked(): void {
    for (const listener of [...this.parkedListeners]) listener();
  }

  /** A comment somebody else wrote (a user, another bot); returns it. */
  addComment(issue: number, body: string, author: string): FakeComment {
    const comment = { id: this.nextId++, issue, body, author };
    this.comments.push(comment);
    return comment;
  }

  addArtifact(runId: number, name: string, zip: Buffer, expired = false): void {
    const list = this.artifacts.get(runId) ?? [];
    list.push({ id: this.nextId++, name, zip, expired });
    this.artifacts.set(runId, list);
  }

  /** Everything the fake stored, as one text: for the search for secrets. */
  storedText(): string {
    return JSON.stringify({ comments: this.comments, checkRuns: this.checkRuns });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const via = /^\/via\/([^/]+)/.exec(url.pathname);
    const from = via ? decodeURIComponent(via[1]!) : undefined;
    if (via) url.pathname = url.pathname.slice(via[0].length);
    const method = req.method ?? 'GET';
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ method, path: url.pathname + url.search, status, ...(from !== undefined && { from }) });
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.setEncoding('utf8').on('data', (d: string) => (data += d));
      req.on('end', () => resolve(data));
    });
    // The zip's storage URL is signed, not authenticated (as GitHub's redirect target is).
    const blob = /^\/blob\/(\d+)$/.exec(url.pathname);
    if (blob && method === 'GET') {
      const artifact = [...this.artifacts.values()].flat().find((a) => a.id === Number(blob[1]));
      this.requests.push({ method, path: url.pathname, status: artifact ? 200 : 404 });
      res.writeHead(artifact ? 200 : 404, { 'content-type': 'application/zip' });
      res.end(artifact?.zip ?? '');
      return;
    }
    if (this.gated)
      await new Promise<void>((resolve) => {
        const parked: ParkedRequest = {
          method,
          path: url.pathname,
          from: from ?? '',
          release: () => {
            this.parked.splice(this.parked.indexOf(parked), 1);
            resolve();
          },
        };
        this.parked.push(parked);
        this.recheckParked();
      });
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const route = routeOf(url.pathname);
    if (route && this.forbidden.has(route)) {
      send(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    if (url.pathname === '/graphql' && method === 'POST') {
      if (!/\bviewer\s*\{\s*login\s*\}/.test(String(body.query))) return send(200, { errors: [{ message: 'the fake answers only viewer { login }' }] });
      return send(200, { data: { viewer: { login: this.login } } });
    }
    const path = url.pathname.replace(/^\/repos\/[^/]+\/[^/]+/, '');
    let m: RegExpExecArray | null;
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = Number(m[1]);
      if (method === 'GET') return send(200, this.comments.filter((c) => c.issue === issue).map(commentJson));
      if (method === 'POST') {
        if (tooLong(body.body))
          return send(422, { message: 'Validation Failed', errors: [{ code: 'custom', message: 'body is too long (maximum is 65536 characters)' }] });
        const comment = { id: this.nextId++, issue, body: String(body.body), author: this.login };
        this.comments.push(comment);
        return send(201, commentJson(comment));
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path)) && method === 'DELETE') {
      const at = this.comments.findIndex((c) => c.id === Number(m![1]));
      if (at < 0) return send(404, { message: 'Not Found' });
      this.comments.splice(at, 1);
      return send(204, undefined);
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return send(404, { message: 'Not Found' });
      if (tooLong(body.body))
        return send(422, { message: 'Validation Failed', errors: [{ code: 'custom', message: 'body is too long (maximum is 65536 characters)' }] });
      comment.body = String(body.body);
      return send(200, commentJson(comment));
    }
    if ((m = /^\/commits\/([0-9a-f]+)\/pulls$/.exec(path)) && method === 'GET')
      return send(
        200,
        this.pulls.filter((p) => p.head.sha === m![1]),
      );
    if (path === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head');
      const state = url.searchParams.get('state') ?? 'open';
      return send(
        200,
        this.pulls.filter((p) => (state === 'all' || p.state === state) && (!head || p.head.label === head)),
      );
    }
    if (path === '/check-runs' && method === 'POST') {
      const output = body.output as { title: string; summary: string; annotations?: FakeCheckRun['annotations'] } | undefined;
      const refused = checkOutputProblem(output);
      if (refused) return send(422, { message: refused });
      const run: FakeCheckRun = {
        id: this.nextId++,
        name: String(body.name),
        head_sha: String(body.head_sha),
        status: String(body.status),
        conclusion: String(body.conclusion),
        output: { title: output?.title ?? '', summary: output?.summary ?? '' },
        annotations: [...(output?.annotations ?? [])],
        ...(typeof body.details_url === 'string' && { details_url: body.details_url }),
      };
      this.checkRuns.push(run);
      return send(201, { id: run.id, html_url: `https://github.com/checks/${run.id}` });
    }
    if ((m = /^\/check-runs\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const run = this.checkRuns.find((r) => r.id === Number(m![1]));
      if (!run) return send(404, { message: 'Not Found' });
      const output = body.output as { title: string; summary: string; annotations?: FakeCheckRun['annotations'] } | undefined;
      const refused = checkOutputProblem(output);
      if (refused) return send(422, { message: refused });
      if (output) run.output = { title: output.title, summary: output.summary };
      run.annotations.push(...(output?.annotations ?? []));
      return send(200, { id: run.id, html_url: `https://github.com/checks/${run.id}` });
    }
    if ((m = /^\/actions\/runs\/(\d+)\/attempts\/(\d+)\/jobs$/.exec(path)) && method === 'GET') {
      const [runId, attempt] = [Number(m[1]), Number(m[2])];
      const jobs = this.jobs.filter((j) => j.runId === runId && j.attempt === attempt);
      return send(200, {
        total_count: jobs.length,
        jobs: jobs.map((j, i) => ({ id: i + 1, run_id: runId, run_attempt: attempt, name: j.name, runner_name: j.runner_name, status: j.status })),
      });
    }
    if ((m = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(path)) && method === 'GET') {
      const list = this.artifacts.get(Number(m[1])) ?? [];
      return send(200, {
        total_count: list.length,
        artifacts: list.map((a) => ({ id: a.id, name: a.name, size_in_bytes: a.zip.length, expired: a.expired ?? false })),
      });
    }
    if ((m = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(path)) && method === 'GET') {
      return send(302, undefined, { location: `${this.url}/blob/${m[1]}` });
    }
    send(404, { message: `Not Found: ${method} ${url.pathname}` });
  }
}

function commentJson(c: FakeComment): Record<string, unknown> {
  return { id: c.id, body: c.body, html_url: `https://github.com/acme/shop/pull/${c.issue}#issuecomment-${c.id}`, user: { login: c.author } };
}

function tooLong(body: unknown): boolean {
  return typeof body !== 'string' || [...body].length > COMMENT_MAX_CHARS;
}

function checkOutputProblem(output: { summary?: string; annotations?: unknown[] } | undefined): string | undefined {
  if (output?.annotations && output.annotations.length > ANNOTATIONS_PER_REQUEST) return `Only ${ANNOTATIONS_PER_REQUEST} annotations are allowed per request`;
  if (output?.summary && output.summary.length > 65_535) return 'output.summary is too long (maximum is 65535 characters)';
  return undefined;
}

function routeOf(path: string): FakeRoute | undefined {
  if (/\/issues\/.*comments/.test(path)) return 'comments';
  if (path.includes('/check-runs')) return 'check-runs';
  if (/\/actions\/runs\/\d+\/attempts\/\d+\/jobs$/.test(path)) return 'jobs';
  if (path === '/graphql') return 'graphql';
  if (path.includes('/actions/')) return 'artifacts';
  if (path.includes('/pulls')) return 'pulls';
  return undefined;
}

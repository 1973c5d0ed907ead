/**
 * The one place that speaks HTTP and the one retry loop. Every request of the tool goes through
 * `HttpClient.send`: bearer token, pacing under the rate limit, a per-request timeout, errors that name
 * method, path, status, server message and request id. Retrying:
 * - a rate-limit answer means nothing was applied: waited out (Retry-After, x-tms-api-reset, jitter) and sent
 *   again, whatever the method;
 * - a transient failure (5xx, reset, timeout) backs off exponentially; a request that is not idempotent is
 *   sent again only after its `recover` step found that the first try did not land;
 * - only the overall deadline (and no fixed count) ends retrying;
 * - but before the service has answered once, what says "this is not the service's address" (a refused
 *   connection for more than FIRST_CONTACT_MS, an unknown host, a TLS error, an answer that is not the API's)
 *   ends at once as a base URL to fix (first-contact.ts);
 * - a connection closed while a body with files is being sent is a proxy's 413: not sent again whole;
 * - once the host is stopped (`interrupt`: SIGINT, SIGTERM), nothing more is sent and what is in flight is abandoned,
 *   each failing as a request without an answer (interrupt.ts).
 * The token never leaves this file except in the Authorization header.
 */
import { ApiError, type ApiErrorDetails } from '../errors.js';
import { logStage, silentLogger, type Logger } from '../log.js';
import { Pacer } from './pacer.js';
import { systemClock, type Clock } from '../clock.js';
import { deadlineLabel, RequestWatch, seconds, type HttpEvent } from './progress.js';
import { DEFAULT_RETRY_POLICY, backoffDelay, classifyAnswer, rateLimitDelay, type RetryPolicy } from './retry-timing.js';
import type { RateHeaders } from './pacer.js';
import { encodeBody, exchange, makeDispatcher, serverMessage, type AttemptOutcome, type EncodedBody, type FormPart, type ProxySettings } from './transport.js';
import type { Dispatcher, Method } from './dispatcher.js';
import { redactUrl, withoutCredentials } from './url.js';
import { errorFor } from './http-errors.js';
import { unexpectedBody } from './wire.js';
import { VERSION } from '../version.js';
import { FIRST_CONTACT_MS, diagnoseBaseUrl, looksLikeApiPath, noAnswerFailure, type FirstContactFailure } from './first-contact.js';
import { Interrupted, StopWaits, interruptedRequest, stoppedBy } from './interrupt.js';

export interface ApiRequest<R = never> {
  method: Method;
  /** Path under the base URL (`/projects/x`), or an absolute URL of the same origin (a pagination link). */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** A multipart body: text fields, and files streamed from disk. */
  form?: FormPart[];
  /** May a transient failure be retried as is? True for reads and for writes that are safe to repeat. */
  idempotent: boolean;
  /**
   * For a request that is not idempotent: after a failure that may have been applied, and before sending
   * again, find what the first try made. A value found is the answer; undefined means send again.
   */
  recover?: () => Promise<R | undefined>;
  /**
   * With `recover`: a try that got no answer may still be applied this long after it was sent (the caller's bound on
   * the service, run/timing.ts LATE_WRITE_MS). When `recover` finds nothing sooner, the client waits until that try
   * can no longer land and asks `recover` again before sending the request a second time: a try applied after the
   * first look is found, not made twice.
   */
  lateWriteMs?: number;
  /** Names what a 404 means, e.g. `Project "Demo"`. */
  resource?: string;
  /**
   * For a write built from a read of what it replaces: not sent after this moment (the client's clock: the read's
   * first answer plus the window the caller allows), however long its turn under the rate limit or a rate-limit
   * answer made it wait. Sent later, it would undo what others wrote after the read; the answer says `stale`
   * instead, and the caller reads again.
   */
  sendBefore?: number;
  /**
   * A look that is only worth its answer soon (the run protocol's looks while a write of its own may land): wait
   * at most this long for the answer (never longer than the client's timeout), and send it once, without retries
   * (the caller's next look is its retry). A look left hanging for the full timeout, retried, would hold one of
   * the few requests in flight (pacer.ts) and keep the caller's next looks from being sent.
   */
  look?: { timeoutMs: number };
}

export interface ApiResponse<R = never> {
  status: number;
  body: unknown;
  requestId: string | undefined;
  method: Method;
  /** The path as messages show it: relative to the base URL, with the query. */
  path: string;
  /** What `recover` found, when the answer itself was lost. */
  recovered?: R;
  /** The rate limit the answer announced (`x-tms-api-*`), for `doctor`. */
  rate?: RateHeaders;
  /** Not sent: `sendBefore` passed before the request's turn came. */
  stale?: true;
  /** When the answer came, on the client's clock (what it shows is at most this old). */
  answeredAt?: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  log: Logger;
  /** How the host calls the token setting, for the 401 message. */
  tokenSettingName?: string;
  /** How the host calls the deadline setting, for the message when it passes (`--deadline`). */
  deadlineSettingName?: string;
  /** How the host calls the base URL setting, for the message when it leads nowhere (`--base-url`). */
  baseUrlSettingName?: string;
  /** Before the service has answered once, a refused connection is tried again this long, then called a setting. Default 20 s. */
  firstContactMs?: number;
  /** Give up retrying once this much time has passed since the client was made. Default 600 s. */
  deadlineMs?: number;
  /** Progress lines (waiting, retrying, rate-limited); default: the log's info level. */
  onEvent?: (event: HttpEvent) => void;
  /** Requests per second before the service announces its own limit. */
  perSecond?: number;
  /** Requests in flight at once, all within the rate limit. */
  maxInFlight?: number;
  /** Overrides HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment. */
  proxy?: ProxySettings;
  retry?: RetryPolicy;
  /** Every wait, deadline and jitter of the client (tests hand a virtual clock). */
  clock?: Clock;
  /** One HTTP exchange; default: fetch (see transport.ts). The simulation hands an in-memory service. */
  transport?: Transport;
  /**
   * Aborted (with the signal's name, interrupt.ts) when the host is stopped: no request is sent after it, those in
   * flight are abandoned and every wait for a turn or a retry ends, each failing with ApiError INTERRUPTED / TERMINATED.
   */
  interrupt?: AbortSignal;
}

/** One exchange, no retrying: what `exchange` does with fetch, or a simulated service in tests. */
export type Transport = (request: {
  method: Method;
  url: URL;
  headers: Record<string, string>;
  body: EncodedBody | undefined;
  timeoutMs: number;
  nowMs: number;
  /** Abandon the exchange when this aborts (the host was stopped). */
  interrupt?: AbortSignal;
}) => Promise<AttemptOutcome>;

const DEFAULT_DEADLINE_MS = 600_000;

/** URLs the client keeps parsed: a crowd's job asks for a handful again and again; a long listing's cursors are new each page. */
const MAX_CACHED_URLS = 64;

/** How long a wait goes before its progress line is printed by every host, quiet ones included. */
const HEARTBEAT_MS = 10_000;

export class HttpClient {
  /** The base URL without credentials. */
  readonly baseUrl: URL;
  private readonly basePath: string;
  /** URLs already parsed, with their paths as messages show them, by path and query (see resolveUrl). */
  private readonly urls = new Map<string, Resolved>();
  /** The same for every request: made once. */
  private readonly headers: Record<string, string>;
  /** A debug line goes somewhere: not the silent logger (a simulation's thousands of jobs log through it). */
  private readonly debugShown: boolean;
  /** A progress line goes somewhere: a listener, or a logger that is not the silent one. */
  private readonly eventsShown: boolean;
  /** Made on the first request (undici is loaded then, when a proxy is set). */
  private dispatcher: Promise<Dispatcher> | undefined;
  readonly pacer: Pacer;
  private readonly policy: RetryPolicy;
  private readonly deadline: number;
  private readonly deadlineMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly clockSource: Clock;
  private readonly emit: (event: HttpEvent) => void;
  private lastQueuedReport = -Infinity;
  private lastRateLimitReport = -Infinity;
  private consecutiveRateLimits = 0;
  private closed = false;
  /** The service has answered once (as the API): from then on, no answer is an outage to wait out. */
  private answered = false;
  /** The waits the host's stop ends (options.interrupt). */
  private readonly stopWaits: StopWaits | undefined;
  private readonly createdAt: number;
  /** Attempts beyond the first, over all requests: the upload's retry count. */
  retries = 0;
  /** Attempts sent, over all requests (retries included): the upload's request count. */
  requests = 0;
  /** Attempts of writes (any method but GET) sent: none means that nothing this client did changed anything. */
  writesSent = 0;
  /**
   * When the latest write (any method but GET) that got no answer was sent: the service may still apply it
   * later (run/timing.ts LATE_WRITE_MS says how much later), so the run protocol waits that out before its last look.
   */
  unansweredWriteSentAt: number | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = withoutCredentials(new URL(options.baseUrl.replace(/\/+$/, '')));
    this.basePath = this.baseUrl.pathname.replace(/\/+$/, '');
    this.debugShown = options.log !== silentLogger;
    this.eventsShown = options.onEvent !== undefined || options.log !== silentLogger;
    this.headers = { authorization: `Bearer ${options.token}`, accept: 'application/json', 'user-agent': `testsigma-tm/${VERSION}` };
    const clock = options.clock ?? systemClock;
    this.clockSource = clock;
    this.now = () => clock.now();
    // Every wait of the client (a backoff, a Retry-After of minutes, a turn under the rate limit) ends at the host's
    // stop, its timer let go: left running, it would keep the process alive after the outcome was said.
    this.stopWaits = options.interrupt ? new StopWaits(options.interrupt) : undefined;
    const stop = this.stopWaits?.signal;
    this.sleep = (ms) => clock.sleep(ms, stop);
    this.random = () => clock.random();
    this.pacer = new Pacer({
      now: this.now,
      sleep: (ms, ended) => clock.sleep(ms, ended),
      ...(stop && { stop }),
      ...(options.perSecond ? { perSecond: options.perSecond } : {}),
      ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
    });
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.createdAt = this.now();
    this.deadline = this.createdAt + this.deadlineMs;
    // A wait of 10 s or more is a heartbeat even for a quiet host (a reporter prints stage lines only).
    this.emit = options.onEvent ?? ((event) => (event.elapsedMs >= HEARTBEAT_MS ? logStage(options.log, event.message) : options.log.info(event.message)));
  }

  /** The client's clock (injected in tests): for callers that pace their own progress lines. */
  clock(): number {
    return this.now();
  }

  /** A progress line of a caller (a long listing), where the client's own waiting lines go. */
  note(message: string): void {
    this.emit({ kind: 'waiting', message, method: 'GET', url: this.baseUrl.href, attempt: 0, elapsedMs: 0 });
  }

  /** Idempotent: a host may close in a `finally` what a test or a caller closed already. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.dispatcher) await (await this.dispatcher).close();
  }

  /** Send a request; resolve with a 2xx answer holding JSON or nothing, throw ApiError for everything else. */
  async send<R = never>(req: ApiRequest<R>): Promise<ApiResponse<R>> {
    const { url, path } = this.resolveUrl(req);
    // Most requests are reads without a body: no await for one (each await is a turn of the microtask queue).
    const body = req.form === undefined && req.json === undefined ? undefined : await encodeBody(req.form, req.json);
    const started = this.now();
    // A clock that cannot tick (the simulation's) gets no progress lines: no watch is made for them. The URL as
    // progress lines show it is worked out only if one is printed: most requests never wait that long.
    const watch = this.clockSource.every
      ? new RequestWatch(
          this.emit,
          req.method,
          () => redactUrl(url),
          this.pacer,
          this.clockSource,
          this.deadline,
          () => this.mayReportQueued(),
        )
      : UNWATCHED;
    const { headers } = this;
    const { interrupt } = this.options;
    try {
      for (let attempt = 1; ; attempt++) {
        this.throwIfStopped(req.method, path, attempt > 1);
        watch.enter({ kind: 'queued' }, attempt);
        // A turn that comes after the host was stopped is given back unused.
        const release = await this.unlessStopped(this.pacer.acquire(), req.method, path, attempt > 1, (late) => late());
        if (req.sendBefore !== undefined && this.now() > req.sendBefore) {
          release();
          return { status: 0, body: undefined, requestId: undefined, method: req.method, path, stale: true };
        }
        if (release.waitedForOthersMs > 0) this.reportSharedWait(req.method, path, release.waitedForOthersMs);
        watch.enter({ kind: 'sent' }, attempt);
        const sentAt = this.now();
        this.requests++;
        if (req.method !== 'GET') this.writesSent++;
        // Never wait for an answer past the deadline (a second at least, so a late request still gets its chance).
        const timeoutMs = Math.min(req.look?.timeoutMs ?? Infinity, this.options.timeoutMs, Math.max(1_000, this.deadline - sentAt));
        let outcome: AttemptOutcome;
        try {
          outcome = await this.exchange({ method: req.method, url, headers, body, timeoutMs, nowMs: sentAt, ...(interrupt && { interrupt }) });
        } catch (thrown) {
          // A transport that throws (a bug, or a test's service going away) must not keep the turn: requests
          // waiting for it would wait for ever.
          release();
          throw thrown;
        }
        if (outcome.kind === 'no-answer' && req.method !== 'GET') this.unansweredWriteSentAt = Math.max(this.unansweredWriteSentAt ?? sentAt, sentAt);
        // The answer's rate-limit headers go with the turn: the pacer knows when this request started, and when
        // its answer's head came in.
        if (outcome.kind === 'answer') release(outcome.rate, outcome.answeredAt);
        else release();
        // Abandoned for the stop: a write may have been applied (a lost answer, as far as the caller can know).
        if (outcome.kind === 'no-answer') this.throwIfStopped(req.method, path, true);
        const details: ApiErrorDetails = { method: req.method, path };
        let verdict: ReturnType<typeof classifyAnswer> = 'transient';
        let delay: number;
        let reason: string;
        /** A rate-limit (or Retry-After) answer waited out: said once the wait is known to be made. */
        let rateLimited: { status: number; resetMs: number | undefined } | undefined;
        if (outcome.kind === 'answer') {
          const { status, requestId } = outcome;
          if (this.debugShown)
            this.options.log.debug(`${req.method} ${path} → ${status} in ${this.now() - sentAt} ms${requestId ? ` (request id ${requestId})` : ''}`);
          details.status = status;
          // A success's message is never shown: not worked out for the nine requests in ten that succeed.
          if (status < 200 || status >= 300) details.serverMessage = serverMessage(outcome.body);
          if (requestId) details.requestId = requestId;
          const notTheApi = this.notTheApi(status, outcome.notJson?.contentType);
          if (notTheApi) throw this.baseUrlError(details, notTheApi, attempt, url);
          if (!outcome.notJson) this.answered = true;
          verdict = classifyAnswer(status, details.serverMessage, outcome.retryAfter);
          if (verdict === 'success') {
            this.consecutiveRateLimits = 0;
            if (outcome.notJson) {
              throw unexpectedBody(
                { method: req.method, path, status, requestId },
                `came as ${outcome.notJson.contentType}, not JSON: a proxy or login page? Check the base URL`,
              );
            }
            return { status, body: outcome.body, requestId, method: req.method, path, rate: outcome.rate, answeredAt: this.now() };
          }
          if (verdict === 'final') throw errorFor(details, req.resource, attempt, this.options.tokenSettingName);
          if (verdict === 'rate-limited') {
            this.consecutiveRateLimits++;
            delay = rateLimitDelay(this.consecutiveRateLimits, outcome.retryAfterMs, outcome.rate.resetMs, this.random);
            this.pacer.pause(delay);
            // Said once the wait is known to be made (below): not for a try past the deadline.
            rateLimited = { status, resetMs: outcome.rate.resetMs };
          } else {
            delay = backoffDelay(attempt, this.policy, outcome.retryAfterMs, this.random);
          }
          reason = `HTTP ${status}`;
        } else {
          if (outcome.cutOff) throw this.cutOff(details, outcome);
          const firstContact = this.answered ? undefined : noAnswerFailure(outcome.cause, url);
          if (firstContact && (outcome.permanent || this.now() - this.createdAt >= (this.options.firstContactMs ?? FIRST_CONTACT_MS))) {
            throw this.baseUrlError(details, firstContact, attempt, url, outcome.cause);
          }
          if (outcome.permanent) throw this.failure(details, outcome, attempt, req.resource);
          delay = backoffDelay(attempt, this.policy, undefined, this.random);
          // On first contact, the last try of a refused connection comes when the first-contact time is up.
          if (firstContact) delay = Math.min(delay, Math.max(0, this.createdAt + (this.options.firstContactMs ?? FIRST_CONTACT_MS) - this.now()));
          reason = outcome.reason;
        }

        const uncertain = verdict === 'transient' && !req.idempotent;
        if (uncertain && !req.recover) throw this.failure(details, outcome, attempt, req.resource);
        if (req.look) throw this.failure(details, outcome, attempt, req.resource);
        // A write that timed out may still be in progress: give it as long again before looking for it.
        if (uncertain && outcome.kind === 'no-answer' && outcome.timedOut) delay = Math.max(delay, this.options.timeoutMs);
        const elapsed = this.now() - started;
        if (this.policy.maxRetries !== undefined && attempt > this.policy.maxRetries) throw this.failure(details, outcome, attempt, req.resource);
        if (this.now() + delay > this.deadline) {
          const label = deadlineLabel(this.options.deadlineSettingName ?? '--deadline', this.deadlineMs);
          // A long wait asked for (a Retry-After) with time left: the deadline has not passed, the next try would.
          const why = this.deadline - this.now() >= 1000 ? `the next try, due in ${seconds(delay)}, would come after ${label}` : `${label} passed`;
          const passed = `Gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} over ${seconds(elapsed)}: ${why}.`;
          throw this.failure({ ...details, deadlinePassed: true }, outcome, attempt, req.resource, passed);
        }
        if (rateLimited) this.reportRateLimit(req.method, path, rateLimited.status, delay, rateLimited.resetMs);
        this.retries++;
        if (this.debugShown) this.options.log.debug(`retrying ${req.method} ${path} in ${delay} ms (${reason})`);
        watch.enter({ kind: 'backoff', reason, delayMs: delay }, attempt);
        await this.unlessStopped(this.sleep(delay), req.method, path, true);
        if (uncertain && req.recover) {
          let found = await req.recover();
          const landsUntil = outcome.kind === 'no-answer' && req.lateWriteMs !== undefined ? sentAt + req.lateWriteMs : undefined;
          if (found === undefined && landsUntil !== undefined && this.now() < landsUntil) {
            await this.waitForLateWrite(req, url, path, details, outcome, attempt, landsUntil, started, watch);
            found = await req.recover();
          }
          // The caller says what it found (it can name it); this layer only stops re-sending.
          if (found !== undefined) return { status: 0, body: undefined, requestId: undefined, method: req.method, path, recovered: found };
        }
      }
    } finally {
      watch.stop();
    }
  }

  /**
   * A try that got no answer, and whose effect `recover` did not find: it may still be applied until `landsUntil`.
   * Wait until then (saying so; a stop ends the wait), or fail as the deadline does when that comes first: sent again
   * sooner, it could be applied twice.
   */
  private async waitForLateWrite(
    req: ApiRequest<unknown>,
    url: URL,
    path: string,
    details: ApiErrorDetails,
    outcome: AttemptOutcome,
    attempt: number,
    landsUntil: number,
    started: number,
    watch: Pick<RequestWatch, 'enter'>,
  ): Promise<void> {
    const wait = landsUntil - this.now();
    if (landsUntil > this.deadline) {
      const label = deadlineLabel(this.options.deadlineSettingName ?? '--deadline', this.deadlineMs);
      const passed = `Gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} over ${seconds(this.now() - started)}: it got no answer, and may still be applied until ${seconds(req.lateWriteMs ?? 0)} after it was sent, which would come after ${label}; sent again sooner, it could be applied twice.`;
      // Not the base URL's or the network's advice: the service may well be up, and what to decide is the deadline.
      const advice = `It was not sent again, so nothing is made twice: a resume of what was spooled looks for what it made before creating anything. To wait for it here, give ${label} more than ${seconds(req.lateWriteMs ?? 0)}.`;
      throw this.failure({ ...details, deadlinePassed: true }, outcome, attempt, req.resource, passed, advice);
    }
    const shown = redactUrl(url);
    this.emit({
      kind: 'waiting',
      message: `waiting up to ${seconds(wait)} for what ${req.method} ${shown} makes: it got no answer, nothing it made is there yet, and it may still be applied until ${seconds(req.lateWriteMs ?? 0)} after it was sent; looking again then, before sending it a second time`,
      method: req.method,
      url: shown,
      attempt,
      elapsedMs: this.now() - started,
    });
    watch.enter({ kind: 'backoff', reason: 'no answer, and it may still be applied', delayMs: wait }, attempt);
    await this.unlessStopped(this.sleep(wait), req.method, path, true);
  }

  private async exchange(request: Parameters<Transport>[0]): Promise<AttemptOutcome> {
    if (this.options.transport) return this.options.transport(request);
    this.dispatcher ??= makeDispatcher(this.options.timeoutMs, this.options.proxy);
    return exchange(
      await this.dispatcher,
      request.method,
      request.url,
      request.headers,
      request.body,
      request.timeoutMs,
      request.nowMs,
      this.now,
      request.interrupt,
    );
  }

  /** Once the host is stopped: the request's error (`sent`: an attempt of it went out, and may have been applied). */
  private throwIfStopped(method: Method, path: string, sent: boolean): void {
    const signal = stoppedBy(this.options.interrupt);
    if (signal) throw interruptedRequest({ method, path }, signal, sent);
  }

  /** `waiting`, ended by the host's stop with the request's error (`onLate` gets what comes after: see StopWaits). */
  private unlessStopped<T>(waiting: Promise<T>, method: Method, path: string, sent: boolean, onLate?: (value: T) => void): Promise<T> {
    if (!this.stopWaits) return waiting;
    return this.stopWaits.until(waiting, onLate).catch((error: unknown) => {
      if (error instanceof Interrupted) this.throwIfStopped(method, path, sent);
      throw error;
    });
  }

  private failure(
    details: ApiErrorDetails,
    outcome: Awaited<ReturnType<typeof exchange>>,
    attempts: number,
    resource: string | undefined,
    gaveUp?: string,
    /** What to do, where it is not the no-answer advice (check the base URL and the network). */
    advice = 'Check the base URL and the network (and HTTPS_PROXY / NO_PROXY if a proxy is needed); the service may be down.',
  ): ApiError {
    if (outcome.kind === 'answer') return errorFor(details, resource, attempts, this.options.tokenSettingName, gaveUp);
    const after = gaveUp ?? (attempts > 1 ? `Gave up after ${attempts} attempts.` : '');
    return new ApiError('API_UNREACHABLE', details, `No answer from ${this.baseUrl.origin} (${outcome.reason}).${after ? ` ${after}` : ''} ${advice}`, {
      cause: outcome.cause,
    });
  }

  /** An answer on first contact that is not the API's: a page that is not JSON, or a 404 under a base URL without /api/vN. */
  private notTheApi(status: number, notJson: string | undefined): FirstContactFailure | undefined {
    if (this.answered || status >= 500 || status === 429) return undefined;
    if (notJson !== undefined) return { kind: 'not-json', status, contentType: notJson };
    if (status === 404 && !looksLikeApiPath(this.baseUrl.href)) return { kind: 'not-found' };
    return undefined;
  }

  /** The base URL led nowhere on first contact: a setting to fix, named with what was tried. */
  private baseUrlError(details: ApiErrorDetails, failure: FirstContactFailure, attempts: number, url: URL, cause?: unknown): ApiError {
    const setting = this.options.baseUrlSettingName ?? '--base-url';
    const base = redactUrl(this.baseUrl.href).replace(/\/+$/, '');
    const tried = `Tried ${details.method} ${redactUrl(url)}${attempts > 1 ? ` ${attempts} times over ${seconds(this.now() - this.createdAt)}` : ''}; the service has not answered since this started, so this is taken for a setting to fix, not an outage.`;
    // A page that is not the API's is described, not quoted.
    const shown = failure.kind === 'not-json' ? { method: details.method, path: details.path, status: details.status } : details;
    return new ApiError('API_BASE_URL', shown, `${diagnoseBaseUrl(failure, base, setting)} ${tried}`, { cause });
  }

  /** The connection closed while the files were being sent: as a 413, the caller sends the result without them. */
  private cutOff(details: ApiErrorDetails, outcome: Extract<Awaited<ReturnType<typeof exchange>>, { kind: 'no-answer' }>): ApiError {
    this.answered = true;
    return new ApiError(
      'API_BODY_CUT_OFF',
      details,
      `The connection was closed while the request's files were being sent (${outcome.reason}): a proxy or the service refusing a body that large, as an HTTP 413 would. It is not sent again whole.`,
      { cause: outcome.cause },
    );
  }

  private mayReportQueued(): boolean {
    if (this.now() - this.lastQueuedReport < 5_000) return false;
    this.lastQueuedReport = this.now();
    return true;
  }

  /** The pacer held a request back for another job's requests (seen in x-tms-api-remaining); once per 5 s at most. */
  private reportSharedWait(method: string, path: string, waitedMs: number): void {
    // Its URL is parsed again to be shown: not for a line nobody sees.
    if (!this.eventsShown || this.now() - this.lastRateLimitReport < 5_000) return;
    this.lastRateLimitReport = this.now();
    const url = redactUrl(this.baseUrl.origin + this.basePath + path);
    this.emit({
      kind: 'waiting',
      message: `waiting for the shared rate limit: other uploads with this token are using it; ${method} ${url} waited ${waitedMs < 1000 ? `${Math.round(waitedMs)} ms` : seconds(waitedMs)} for a turn`,
      method,
      url,
      attempt: 0,
      elapsedMs: waitedMs,
    });
  }

  /**
   * Once per 5 s at most: with many jobs on one token, rate-limit answers come in bursts. A 503 with Retry-After
   * is waited out the same way (nothing was applied), but it says the service is unavailable, not that the token's
   * limit is used up: told as such, so that nobody goes looking for the other uploads.
   */
  private reportRateLimit(method: string, path: string, status: number, delay: number, resetMs: number | undefined): void {
    if (!this.eventsShown || this.now() - this.lastRateLimitReport < 5_000) return;
    this.lastRateLimitReport = this.now();
    const url = redactUrl(this.baseUrl.origin + this.basePath + path);
    const reset = resetMs === undefined ? '' : ` (x-tms-api-reset ${seconds(resetMs)})`;
    this.emit({
      kind: 'rate-limited',
      message:
        status === 503
          ? `waiting for the service: it answered ${method} ${url} with HTTP 503 (unavailable) and a Retry-After, so nothing was applied; trying again in ${seconds(delay)}`
          : `waiting for the shared rate limit${reset}: the service answered "rate limit exceeded" (HTTP ${status}) to ${method} ${url}; other uploads with this token share it; trying again in ${seconds(delay)}`,
      method,
      url,
      attempt: 0,
      elapsedMs: 0,
    });
  }

  private resolveUrl(req: ApiRequest<unknown>): Resolved {
    if (req.path.charCodeAt(0) !== SLASH && /^https?:\/\//i.test(req.path)) {
      const url = withoutCredentials(new URL(req.path));
      // Never send the token to another host, whatever a pagination link says.
      if (url.origin !== this.baseUrl.origin) {
        throw new ApiError(
          'API_FOREIGN_LINK',
          { method: req.method, path: redactUrl(req.path) },
          `The service pointed to ${url.origin}, which is not the configured base URL's origin ${this.baseUrl.origin}; refusing to send the token there.`,
        );
      }
      return this.resolved(withQuery(url, req.query));
    }
    if (req.path.includes('?') || req.path.includes('#')) return this.resolved(withQuery(new URL(this.fullPath(req.path), this.baseUrl.origin), req.query));
    // The query encoded once and the URL parsed once: the same URL as setting each parameter on it in turn, which
    // serializes the URL again each time (a cost every request paid).
    const search = req.query ? encodeQuery(req.query) : '';
    // A job asks for the same few URLs again and again (the run, its cases): each parsed once, found by the path
    // as the caller gave it (the same string each time for a run's own path: see client.ts). Requests share the
    // URL, so nothing changes one once made.
    const key = search === '' ? req.path : `${req.path}?${search}`;
    let known = this.urls.get(key);
    if (!known) {
      if (this.urls.size >= MAX_CACHED_URLS) this.urls.clear();
      const path = this.fullPath(req.path);
      known = this.resolved(new URL(search === '' ? path : `${path}?${search}`, this.baseUrl.origin));
      this.urls.set(key, known);
    }
    return known;
  }

  /** The path under the base URL's. */
  private fullPath(path: string): string {
    return this.basePath + (path.startsWith('/') ? path : `/${path}`);
  }

  /** The URL with its path as messages show it: relative to the base URL, with the query. */
  private resolved(url: URL): Resolved {
    const path = url.pathname.startsWith(this.basePath) ? url.pathname.slice(this.basePath.length) : url.pathname;
    return { url, path: `${path || '/'}${url.search}` };
  }
}

/** The watch of a request on a clock without `every`: its progress lines would never be printed. */
const UNWATCHED: Pick<RequestWatch, 'enter' | 'stop'> = { enter: () => undefined, stop: () => undefined };

/** A URL to send to, and its path as messages show it. */
interface Resolved {
  url: URL;
  path: string;
}

const SLASH = 0x2f;

/** Text that form encoding (URLSearchParams) leaves as it is. */
const FORM_SAFE = /^[\w.*-]*$/;

/**
 * The query as URLSearchParams serializes it (undefined values left out). Most queries are a page size and a
 * cursor, which form encoding leaves as they are: those are joined directly, the rest encoded by URLSearchParams.
 */
function encodeQuery(query: NonNullable<ApiRequest<unknown>['query']>): string {
  let plain = '';
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value === undefined) continue;
    const text = String(value);
    if (!FORM_SAFE.test(key) || !FORM_SAFE.test(text)) {
      const params = new URLSearchParams();
      for (const [name, given] of Object.entries(query)) if (given !== undefined) params.set(name, String(given));
      return params.toString();
    }
    plain += `${plain === '' ? '' : '&'}${key}=${text}`;
  }
  return plain;
}

/** The URL with each query parameter set on it, in order (replacing one of the same name it carries). */
function withQuery(url: URL, query: ApiRequest<unknown>['query']): URL {
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

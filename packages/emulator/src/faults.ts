// Fault injection for client tests. Rules are checked in order for every API request: latency rules
// add up; the first status/reset/lost-answer rule that fires decides what happens. `probability` draws
// from a seeded generator, so a given seed gives the same sequence of faults on every test run.
import type { FaultConfig, FaultRule } from './types.js';

type FaultAction = { kind: 'status'; status: number; headers: Record<string, string>; body: unknown } | { kind: 'reset' } | { kind: 'lost-answer' };

export interface FaultDecision {
  delayMs: number;
  action: FaultAction | null;
  /** For the request log, e.g. `latency:200`, `status:503`. */
  fired: string[];
}

/** mulberry32: tiny, seedable, good enough to spread faults. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function compilePattern(route: string | undefined): (method: string, path: string) => boolean {
  const text = (route ?? '*').trim();
  if (text === '' || text === '*') return () => true;
  const space = text.indexOf(' ');
  const method = space === -1 ? (text.startsWith('/') ? '*' : text) : text.slice(0, space);
  let path = space === -1 ? (text.startsWith('/') ? text : '/**') : text.slice(space + 1).trim();
  if (path.startsWith('/api/v1/') || path === '/api/v1') path = path.slice('/api/v1'.length) || '/';
  const source = path
    .split('/')
    .map((seg, i) => {
      if (seg === '**') return i === 0 ? '(?:.*)' : '(?:/.*)?';
      const body = seg === '*' ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return i === 0 ? body : `/${body}`;
    })
    .join('');
  const re = new RegExp(`^${source}/?$`);
  const wantMethod = method.toUpperCase();
  return (m, p) => (wantMethod === '*' || wantMethod === m) && re.test(p);
}

function fail(index: number, message: string): never {
  throw new TypeError(`faults.rules[${index}]: ${message}`);
}

/** Checks a fault configuration from JSON or code; throws TypeError naming the bad rule. */
export function normalizeFaults(input: unknown): FaultConfig {
  const config = Array.isArray(input) ? { rules: input as unknown[] } : input;
  if (typeof config !== 'object' || config === null || !Array.isArray((config as { rules?: unknown }).rules)) {
    throw new TypeError('faults must be an array of rules or {"seed": number, "rules": [...]}');
  }
  const { seed, rules } = config as { seed?: unknown; rules: unknown[] };
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed))) throw new TypeError('faults.seed must be an integer');
  const out: FaultRule[] = rules.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) fail(i, 'must be an object');
    const r = raw as Record<string, unknown>;
    if (r.route !== undefined && typeof r.route !== 'string') fail(i, 'route must be a string like "PUT /projects/*/test_runs/*/test_cases"');
    if (r.times !== undefined && (typeof r.times !== 'number' || !Number.isInteger(r.times) || r.times < 0)) fail(i, 'times must be a non-negative integer');
    if (r.after !== undefined && (typeof r.after !== 'number' || !Number.isInteger(r.after) || r.after < 0)) fail(i, 'after must be a non-negative integer');
    if (r.probability !== undefined && (typeof r.probability !== 'number' || r.probability < 0 || r.probability > 1))
      fail(i, 'probability must be between 0 and 1');
    switch (r.kind) {
      case 'status':
        if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 400 || r.status > 599)
          fail(i, 'status must be an HTTP error status (400-599)');
        if (r.retryAfter !== undefined && r.retryAfter !== null && typeof r.retryAfter !== 'number' && typeof r.retryAfter !== 'string')
          fail(i, 'retryAfter must be seconds, an HTTP date or null');
        break;
      case 'latency':
        if (typeof r.ms !== 'number' || r.ms < 0) fail(i, 'latency needs ms >= 0');
        if (r.maxMs !== undefined && (typeof r.maxMs !== 'number' || r.maxMs < r.ms)) fail(i, 'latency maxMs must be a number >= ms');
        break;
      case 'reset':
      case 'lost-answer':
        break;
      default:
        fail(i, 'kind must be "status", "latency", "reset" or "lost-answer"');
    }
    return structuredClone(r) as unknown as FaultRule;
  });
  return seed === undefined ? { rules: out } : { seed, rules: out };
}

function defaultBody(status: number): unknown {
  const text: Record<number, string> = {
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  const message = text[status] ?? `Injected error ${status}`;
  return { message, errors: { code: status, message, details: 'Injected by the emulator (fault injection).' } };
}

interface ActiveRule {
  rule: FaultRule;
  matches: (method: string, path: string) => boolean;
  fired: number;
  /** Matching requests seen, for `after`. */
  seen: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private seed = 1;
  private random = generator(1);

  constructor(initial?: FaultConfig | FaultRule[]) {
    if (initial !== undefined) this.set(initial);
  }

  set(input: FaultConfig | FaultRule[] | unknown): void {
    const config = normalizeFaults(input);
    this.seed = config.seed ?? 1;
    this.random = generator(this.seed);
    this.rules = config.rules.map((rule) => ({ rule, matches: compilePattern(rule.route), fired: 0, seen: 0 }));
  }

  snapshot(): { seed: number; rules: (FaultRule & { fired: number })[] } {
    return { seed: this.seed, rules: this.rules.map((r) => ({ ...structuredClone(r.rule), fired: r.fired })) };
  }

  private fires(active: ActiveRule): boolean {
    const { times, probability, after } = active.rule;
    if (after !== undefined && active.seen++ < after) return false;
    if (times !== undefined && active.fired >= times) return false;
    if (probability !== undefined && this.random() >= probability) return false;
    active.fired++;
    return true;
  }

  /** `path` is relative to /api/v1. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { delayMs: 0, action: null, fired: [] };
    for (const active of this.rules) {
      const { rule } = active;
      if (!active.matches(method, path)) continue;
      if (rule.kind !== 'latency' && decision.action !== null) continue;
      if (!this.fires(active)) continue;
      if (rule.kind === 'latency') {
        // With maxMs, each request draws its own delay from [ms, maxMs]: answers from far away vary.
        const ms = rule.maxMs === undefined ? rule.ms : rule.ms + Math.floor(this.random() * (rule.maxMs - rule.ms + 1));
        decision.delayMs += ms;
        decision.fired.push(`latency:${ms}`);
      } else if (rule.kind === 'status') {
        const headers: Record<string, string> = {};
        const retryAfter = rule.retryAfter === undefined ? (rule.status === 429 || rule.status === 503 ? 1 : null) : rule.retryAfter;
        if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
        decision.action = { kind: 'status', status: rule.status, headers, body: rule.body ?? defaultBody(rule.status) };
        decision.fired.push(`status:${rule.status}`);
      } else {
        decision.action = { kind: rule.kind };
        decision.fired.push(rule.kind);
      }
    }
    return decision;
  }
}

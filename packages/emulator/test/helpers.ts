// Real HTTP against a real emulator on a loopback port: no mocks anywhere in this suite.
import { startEmulator } from '../src/index.js';
import type { EmulatorHandle, EmulatorOptions } from '../src/index.js';

// Response bodies are JSON of many shapes; the assertions are the type check here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

export interface Api {
  emu: EmulatorHandle;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string): Promise<Answer>;
}

export async function read(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: Json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Tests that are not about the rate limit switch it off, so they never flake on a slow machine. */
export async function start(options: EmulatorOptions = {}): Promise<Api> {
  const emu = await startEmulator({ rateLimit: false, ...options });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${emu.token}`, accept: 'application/json', ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    return read(await fetch(path.startsWith('http') ? path : `${emu.url}${path}`, init));
  };
  return { emu, call, get: (path) => call('GET', path) };
}

export interface StillClock {
  now(): number;
  /** Records the wait and moves the time on by it, at once. */
  sleep(ms: number): Promise<void>;
  /** Moves the time on, as a second passing would. */
  advance(ms: number): void;
  /** Every wait asked of the clock, in order. */
  readonly sleeps: number[];
}

/**
 * Virtual time for `EmulatorOptions.clock`: it stands still until the test (or an injected latency) moves it, so
 * rate-limit windows hold exactly as the test says however slow the machine is, and no test waits for them.
 */
export function stillClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)): StillClock {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    advance: (ms) => {
      time += ms;
    },
    sleeps,
  };
}

/** A fresh ACTIVE run over the given demo cases (human numbers). */
export async function createRun(api: Api, pid: string, caseIds: string[], title = `run ${Math.random()}`): Promise<Json> {
  const res = await api.call('POST', `/projects/${pid}/test_runs`, {
    title,
    description: 'created by a test',
    status: 'ACTIVE',
    project_id: pid,
    selection_type: 'STATIC',
    static_selection_filters: [{ field: 'id', operator: 'IN', values: caseIds }],
    dynamic_selection_filters: [],
    assignee_id: null,
    start_date: Date.now(),
    end_date: Date.now() + 3_600_000,
    label_names: ['ci'],
    environment_ids: [],
  });
  if (res.status !== 201) throw new Error(`create run answered ${res.status}: ${res.text}`);
  return res.json.data.test_run;
}

// Public types of the emulator: options, seed format, fault rules and the state() shape.
// Records are stored in the shape state() returns; the API answers are projections of them (views.ts).

/** How `page_info.next` / `prev` are written: opaque base64 cursors (live service) or same-origin URLs (reference pages). */
export type PaginationMode = 'cursor' | 'url';

export interface RateLimitOptions {
  /** Requests allowed per token in any sliding one-second window. Default 10. */
  perSecond: number;
}

/** The emulator's time: rate-limit windows, injected latency and the request log's times. */
export interface EmulatorClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolve after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Initial data: the built-in `demo` seed (default), `empty` (lookups and users, no projects) or a seed object. */
  seed?: SeedOption;
  /** The bearer token clients must send. Default: random `tms_emu_<32 hex>` per start. */
  token?: string;
  /** Fault rules active from the start. Default none. */
  faults?: FaultConfig | FaultRule[];
  /** Per-token rate limit, or `false` to switch it off. Default `{ perSecond: 10 }`. */
  rateLimit?: RateLimitOptions | false;
  /** Default `cursor`. */
  pagination?: PaginationMode;
  /** Keep state in this JSON file: loaded at start when it exists (it wins over `seed`), rewritten after each change. */
  dataFile?: string;
  /** Request bodies above this many bytes are answered 413. Default 8 MiB (8388608). */
  maxBodyBytes?: number;
  /**
   * Default: the system clock. A test hands a virtual one (shared with the client under test) so that rate-limit
   * windows and injected latency need no real time.
   */
  clock?: EmulatorClock;
}

export interface EmulatorHandle {
  /** Base URL to give clients, e.g. `http://127.0.0.1:4010/api/v1`. */
  readonly url: string;
  /** `http://127.0.0.1:4010`; admin endpoints live under `${origin}/__emulator/`. */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** A deep copy of all data plus the request log and per-route counts. */
  state(): EmulatorState;
  /** Restores the seed, clears the request log, counts, import records and rate-limit windows. Faults stay. */
  reset(): void;
  /** Replaces all fault rules (and restarts their counters and random generator). `[]` clears them. */
  setFaults(faults: FaultConfig | FaultRule[]): void;
  setPagination(mode: PaginationMode): void;
  setRateLimit(rateLimit: RateLimitOptions | false): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- faults

export interface FaultRuleBase {
  /**
   * `METHOD /path/pattern` relative to `/api/v1` (a leading `/api/v1` is tolerated), e.g.
   * `PUT /projects/*\/test_runs/*\/test_cases`. `*` matches one path segment, `**` any number; the method
   * may be `*` or left out. Omitted or `*`: every API request.
   */
  route?: string;
  /** Fire on the first N matching requests only. */
  times?: number;
  /** Let the first N matching requests through untouched (a service that goes down mid-upload). */
  after?: number;
  /** Fire on this fraction (0..1) of matching requests, drawn from the seeded generator. */
  probability?: number;
}

/** Answer with this status instead of serving the request. 429 and 503 carry `Retry-After` (default 1 s). */
export interface StatusFault extends FaultRuleBase {
  kind: 'status';
  status: number;
  /** Seconds or an HTTP date; `null` sends no header. Default `1` for 429/503, none otherwise. */
  retryAfter?: number | string | null;
  /** Replaces the JSON error body; a string is sent as text/plain. */
  body?: unknown;
}

/** Delay the request by `ms` before it is served (stacks with other rules). */
export interface LatencyFault extends FaultRuleBase {
  kind: 'latency';
  ms: number;
  /** Each request waits its own delay drawn from `ms`..`maxMs` (seeded, whole ms), as answers from far away vary. */
  maxMs?: number;
}

/** Reset the connection without answering and without serving the request. */
export interface ResetFault extends FaultRuleBase {
  kind: 'reset';
}

/** Serve the request (a write IS applied), then drop the connection instead of answering. */
export interface LostAnswerFault extends FaultRuleBase {
  kind: 'lost-answer';
}

export type FaultRule = StatusFault | LatencyFault | ResetFault | LostAnswerFault;

export interface FaultConfig {
  /** Seed of the generator behind `probability`. Default 1. */
  seed?: number;
  rules: FaultRule[];
}

// ---------------------------------------------------------------- seed (input format)

export type SeedOption = 'demo' | 'empty' | SeedObject;

/** A lookup entry: a plain name or an object. Ids default to ones derived from kind and name. */
export type SeedLookup = string | { id?: string; name: string; alias?: string; order?: number };

export interface SeedLookups {
  test_run_statuses?: SeedLookup[];
  test_case_statuses?: SeedLookup[];
  test_case_priorities?: SeedLookup[];
  test_case_types?: SeedLookup[];
  test_case_automation_types?: SeedLookup[];
}

export interface SeedUser {
  id?: string;
  email: string;
  first_name?: string;
  last_name?: string;
  /** Default `ACTIVE`. */
  status?: string;
}

export interface SeedFolder {
  id?: string;
  /** Unique within the project: test cases and child folders refer to folders by name. */
  name: string;
  /** Name of the parent folder. */
  parent?: string;
  order?: number;
}

export interface SeedTestCase {
  id?: string;
  title: string;
  description?: string;
  preconditions?: string;
  steps?: string;
  expected_results?: string;
  /** Folder name. */
  folder?: string;
  /** Lookup names; default: the first entry of each list. */
  status?: string;
  priority?: string;
  type?: string;
  automation_type?: string;
  /** E-mail of the owner; default the first ACTIVE user. */
  owner?: string;
  /** Label names (created when missing). */
  labels?: string[];
}

export interface SeedTestPlan {
  id?: string;
  title: string;
  description?: string;
  status?: string;
  start_date?: number | null;
  end_date?: number | null;
}

export interface SeedResult {
  /** Human id (`DEMO-3`) of a case in the run. */
  case: string;
  /** Test run status name. */
  status: string;
  /** E-mail; default the first ACTIVE user. */
  user?: string;
  description?: string;
}

export interface SeedTestRun {
  id?: string;
  title: string;
  description?: string;
  status?: 'ACTIVE' | 'CLOSED';
  /** Human ids (`DEMO-3`) of the selected cases. */
  cases: string[];
  results?: SeedResult[];
  /** E-mail of the assignee. */
  assignee?: string;
  /** Human id of a plan of the same project (`DEMO-P-1`). */
  test_plan?: string;
  labels?: string[];
  start_date?: number | null;
  end_date?: number | null;
}

export interface SeedProject {
  id?: string;
  name: string;
  human_id_prefix: string;
  description?: string;
  folders?: SeedFolder[];
  /** Numbered `<prefix>-1`, `<prefix>-2`, ... in order. */
  test_cases?: SeedTestCase[];
  /** Numbered `<prefix>-P-1`, ... in order. */
  test_plans?: SeedTestPlan[];
  /** Numbered `<prefix>-R-1`, ... in order. */
  test_runs?: SeedTestRun[];
}

export interface SeedObject {
  /** Default: the demo users. `[]` means none. */
  users?: SeedUser[];
  /** Each list defaults to the built-in one. */
  lookups?: SeedLookups;
  /** Extra global labels (names). */
  labels?: string[];
  projects?: SeedProject[];
  /** Epoch ms used as created_at/updated_at of seeded records. Default 2026-01-05T09:00:00Z. */
  time?: number;
}

// ---------------------------------------------------------------- stored records (state() shape)

export interface UserRecord {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: string;
}

export interface LookupRecord {
  id: string;
  name: string;
  order: number;
  alias: string;
}

export interface Lookups {
  test_run_statuses: LookupRecord[];
  test_case_statuses: LookupRecord[];
  test_case_priorities: LookupRecord[];
  test_case_types: LookupRecord[];
  test_case_automation_types: LookupRecord[];
}

/** Labels use camelCase timestamps, as the live service does. */
export interface LabelRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

/** `seq` is the creation order: lists are sorted by it and cursors point at it. */
export interface ProjectRecord {
  seq: number;
  id: string;
  name: string;
  description: string;
  human_id_prefix: string;
  created_at: number;
  updated_at: number;
  next_case_number: number;
  next_run_number: number;
  next_plan_number: number;
}

export interface FolderRecord {
  seq: number;
  id: string;
  project_id: string;
  name: string;
  parent_folder_id: string | null;
  order: number;
  created_at: number;
  updated_at: number;
}

export interface TestCaseRecord {
  seq: number;
  id: string;
  project_id: string;
  number: number;
  human_id: string;
  title: string;
  description: string;
  template_type: string;
  preconditions: string;
  steps: string;
  expected_results: string;
  folder_id: string | null;
  status_id: string;
  priority_id: string;
  type_id: string;
  automation_type_id: string;
  owner_id: string;
  label_ids: string[];
  created_at: number;
  updated_at: number;
}

export interface TestPlanRecord {
  seq: number;
  id: string;
  project_id: string;
  number: number;
  human_id: string;
  title: string;
  description: string;
  status: string;
  start_date: number | null;
  end_date: number | null;
  label_ids: string[];
  created_at: number;
  updated_at: number;
}

/** A file sent with a result: described, hashed, not kept. */
export interface AttachmentInfo {
  /** The part's filename. */
  name: string;
  /** Bytes. */
  size: number;
  /** The part's Content-Type as sent; a part without one reads as `text/plain` (the multipart default). */
  content_type: string;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
}

export interface ResultRecord {
  status_id: string;
  /** Status name at the time of the write. */
  status: string;
  user_id: string;
  description: string;
  /** The files of this result's latest write, in part order (`attachments_<i>_0`, `_1`, …). */
  attachments: AttachmentInfo[];
  updated_at: number;
  /** How many writes this result has had in this run (tests check that nothing is written twice). */
  writes: number;
}

export interface TestRunRecord {
  seq: number;
  id: string;
  project_id: string;
  number: number;
  human_id: string;
  title: string;
  description: string;
  status: 'ACTIVE' | 'CLOSED';
  selection_type: 'STATIC' | 'DYNAMIC';
  start_date: number | null;
  end_date: number | null;
  assignee_id: string | null;
  label_ids: string[];
  test_plan_id: string | null;
  environment_ids: string[];
  created_at: number;
  updated_at: number;
  /** Selected test case ids, in creation order of the cases. */
  selection: string[];
  /** Recorded results by test case id; cases never written are absent (they read as Untested). */
  results: Record<string, ResultRecord>;
}

export interface ImportRecord {
  id: string;
  project_id: string;
  test_run_id: string;
  status: 'pending' | 'in_progress' | 'completed' | 'failed';
  details: { imported_count: number; failed_count: number; errors: string[] };
  created_at: number;
}

export interface StoreData {
  version: 1;
  next_seq: number;
  users: UserRecord[];
  labels: LabelRecord[];
  lookups: Lookups;
  projects: ProjectRecord[];
  folders: FolderRecord[];
  test_cases: TestCaseRecord[];
  test_plans: TestPlanRecord[];
  test_runs: TestRunRecord[];
  imports: ImportRecord[];
}

export interface RequestLogEntry {
  /** Epoch ms when the request arrived. */
  time: number;
  method: string;
  /** Full path as received, without the query. */
  path: string;
  query: Record<string, string>;
  /** Route template, e.g. `PUT /projects/{pid}/test_runs/{rid}/test_cases`; null when no route matched. */
  route: string | null;
  /** Status answered (or that would have been answered, for a lost answer); 0 for a connection reset. */
  status: number;
  request_id: string;
  /** Injected faults that fired, e.g. `status:503`, `latency:200`, `reset`, `lost-answer`. */
  faults: string[];
  duration_ms: number;
}

export interface EmulatorState extends StoreData {
  requests: RequestLogEntry[];
  /** Requests per route template (`GET /projects`); unmatched paths count under `<METHOD> <unmatched>`. */
  counts: Record<string, number>;
}

/**
 * `testsigma-tm doctor`: check, one cheap request at a time, everything an upload needs — the token, the base
 * URL, the project, the statuses the mapping uses, the user results are recorded as, the announced rate limit —
 * and show the effective settings with where each came from (the token never shown). Stops at the first check
 * the others depend on; each line says what to do when it fails.
 */
import type { HttpClient, HttpClientOptions } from '../api/http.js';
import { DEFAULT_PER_SECOND } from '../api/pacer.js';
import { ApiError, asToolError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { redact, redactingLogger, silentLogger, type Logger } from '../log.js';
import { redactDeep } from '../redact.js';
import { DEFAULT_STATUS_MAPPING, resolveStatusIds } from '../map/status.js';
import { SETTING_KEYS, howToSet, settingLabel, settingRow, type Host, type SettingKey, type SettingSource, type Settings } from '../settings/index.js';
import { pickUser, resolveProject } from '../run/lifecycle.js';
import { openService } from '../pipeline/service.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DoctorInput {
  settings: Settings;
  sources: Record<SettingKey, SettingSource>;
  host?: Host;
  log?: Logger;
  http?: Partial<HttpClientOptions>;
}

export interface DoctorOutcome {
  checks: DoctorCheck[];
  /** `name = value (from …)` for every setting, the token as *** . */
  settings: string[];
  error?: TestsigmaTmError;
  exitCode: number;
}

/**
 * A check answers within 15 s in every case: a base URL that leads nowhere is named after 8 s of refused
 * connections, and no request waits past the deadline.
 */
const DOCTOR_DEADLINE_MS = 14_000;
const DOCTOR_FIRST_CONTACT_MS = 8_000;

/** Every line of the outcome redacted: a base URL with `?token=…` is shown, its token is not. */
export async function doctor(input: DoctorInput): Promise<DoctorOutcome> {
  const outcome = await runChecks(input);
  const secrets = [input.settings.token];
  return { ...outcome, checks: redactDeep(outcome.checks, secrets), settings: redactDeep(outcome.settings, secrets) };
}

async function runChecks(input: DoctorInput): Promise<DoctorOutcome> {
  const { settings, host } = input;
  const checks: DoctorCheck[] = [];
  const pass = (name: string, detail: string): void => void checks.push({ name, ok: true, detail });
  const settingsLines = describeSettings(settings, input.sources, host);
  if (!settings.token) {
    checks.push({ name: 'token', ok: false, detail: `not set: ${howToSet('token', host)}` });
    return { checks, settings: settingsLines, exitCode: 2 };
  }
  const log = redactingLogger(input.log ?? silentLogger, [settings.token]);
  const { http, api } = openService(settings, settings.token, host, log, {
    deadlineMs: Math.min(settings.deadline * 1000, DOCTOR_DEADLINE_MS),
    firstContactMs: DOCTOR_FIRST_CONTACT_MS,
    ...input.http,
  });
  try {
    const probe = await probeApi(http, settings.baseUrl);
    pass('base URL', `${settings.baseUrl} answers as the Test Management API.`);
    pass('token', 'accepted by the service.');
    pass(
      'rate limit',
      probe.limit
        ? `the service announces ${probe.limit} requests per second per token (uploads pace one under it).`
        : `not announced; uploads pace at ${DEFAULT_PER_SECOND} requests per second.`,
    );
    if (!settings.projectId) {
      checks.push({ name: 'project', ok: false, detail: `not set: ${howToSet('projectId', host)}` });
      return { checks, settings: settingsLines, exitCode: 2 };
    }
    const project = await resolveProject(api, settings.projectId, host);
    pass('project', `${project.name} (${project.id}), case ids look like ${project.human_id_prefix}-12.`);
    const mapping = { ...DEFAULT_STATUS_MAPPING, ...settings.statusMap };
    const statuses = resolveStatusIds(await api.listRunStatuses(), mapping);
    pass(
      'statuses',
      Object.entries(mapping)
        .map(([outcome, name]) => `${outcome} → ${statuses.get(name)?.name ?? name}`)
        .join(', ') + '.',
    );
    const user = pickUser(await api.listUsers(), settings.userEmail, silentLogger, host);
    pass(
      'user',
      `results are recorded as ${user.email}${settings.userEmail ? '' : ` (the first active user; set ${settingLabel('userEmail', host)} to choose)`}.`,
    );
    return { checks, settings: settingsLines, exitCode: 0 };
  } catch (thrown) {
    const error = asToolError(thrown);
    error.message = redact(error.message, [settings.token]);
    checks.push({ name: failedCheck(error, checks), ok: false, detail: error.message });
    return { checks, settings: settingsLines, error, exitCode: exitCodeFor(error) };
  } finally {
    await http.close();
  }
}

/** One cheap authenticated call; also tells whether the base URL is the API at all. */
async function probeApi(http: HttpClient, baseUrl: string): Promise<{ limit?: number }> {
  const res = await http.send({ method: 'GET', path: '/projects', query: { page_size: 1 }, idempotent: true, resource: `The API at ${baseUrl}` });
  return res.rate?.limit ? { limit: res.rate.limit } : {};
}

function failedCheck(error: TestsigmaTmError, passed: DoctorCheck[]): string {
  if (passed.length === 0) return error instanceof ApiError && (error.status === 401 || error.status === 403) ? 'token' : 'base URL';
  const done = new Set(passed.map((c) => c.name));
  return ['project', 'statuses', 'user'].find((name) => !done.has(name)) ?? 'service';
}

function describeSettings(settings: Settings, sources: Record<SettingKey, SettingSource>, host: Host | undefined): string[] {
  return SETTING_KEYS.filter((key) => host !== 'reporter' || settingRow(key).option).map((key) => {
    const value = settings[key];
    const shown = settingRow(key).secret ? (value ? '***' : 'not set') : value === undefined ? 'not set' : JSON.stringify(value);
    const source = sources[key];
    return `${key} = ${shown} (${source.kind === 'default' ? 'default' : `from ${source.kind === 'environment' || source.kind === 'config file' ? '' : `${source.kind} `}${source.name}`})`;
  });
}

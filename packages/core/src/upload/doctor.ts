/**
 * `testsigma-tm doctor`: check, one cheap request at a time, everything an upload needs — the token, the base
 * URL, the project, the statuses the mapping uses, the user results are recorded as, the announced rate limit —
 * and show the effective settings with where each came from (the token never shown). Stops at the first check
 * the others depend on; each line says what to do when it fails.
 */
import { HttpClient, type HttpClientOptions } from '../api/http.js';
import { TestManagementApi } from '../api/client.js';
import { ApiError, asToolError, exitCodeFor, type TestsigmaTmError } from '../errors.js';
import { redact, redactingLogger, silentLogger, type Logger } from '../log.js';
import { DEFAULT_STATUS_MAPPING, resolveStatusIds } from '../map/status.js';
import { SETTING_KEYS, settingLabel, settingRow, type Host, type SettingKey, type SettingSource, type Settings } from '../settings/index.js';
import { pickUser, resolveProject } from '../run/lifecycle.js';
import { httpOptions } from './upload.js';

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

export async function doctor(input: DoctorInput): Promise<DoctorOutcome> {
  const { settings, host } = input;
  const checks: DoctorCheck[] = [];
  const pass = (name: string, detail: string): void => void checks.push({ name, ok: true, detail });
  const settingsLines = describeSettings(settings, input.sources, host);
  if (!settings.token) {
    checks.push({ name: 'token', ok: false, detail: `not set: set ${settingLabel('token', host)} to a Test Management API key (Settings > API Keys).` });
    return { checks, settings: settingsLines, exitCode: 2 };
  }
  const log = redactingLogger(input.log ?? silentLogger, [settings.token]);
  const http = new HttpClient({ ...httpOptions(settings, settings.token, host, log), ...input.http });
  const api = new TestManagementApi(http);
  try {
    const probe = await probeApi(http, settings.baseUrl);
    pass('base URL', `${settings.baseUrl} answers as the Test Management API.`);
    pass('token', 'accepted by the service.');
    pass(
      'rate limit',
      probe.limit
        ? `the service announces ${probe.limit} requests per second per token (uploads pace one under it).`
        : 'not announced; uploads pace at 8 requests per second.',
    );
    if (!settings.projectId) {
      checks.push({ name: 'project', ok: false, detail: `not set: set ${settingLabel('projectId', host)} to the project UUID or its exact name.` });
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
    checks.push({ name: failedCheck(error, checks), ok: false, detail: explain(error, settings.baseUrl) });
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

/** The error, plus the usual cause of a 404 on the very first call: a base URL without /api/v1. */
function explain(error: TestsigmaTmError, baseUrl: string): string {
  if (error instanceof ApiError && error.status === 404 && !/\/api\/v\d+$/.test(baseUrl)) {
    return `${error.message} This is not the API's base URL: it usually ends in /api/v1 (try ${baseUrl.replace(/\/+$/, '')}/api/v1).`;
  }
  return error.message;
}

function describeSettings(settings: Settings, sources: Record<SettingKey, SettingSource>, host: Host | undefined): string[] {
  return SETTING_KEYS.filter((key) => host !== 'reporter' || settingRow(key).option).map((key) => {
    const value = settings[key];
    const shown = settingRow(key).secret ? (value ? '***' : 'not set') : value === undefined ? 'not set' : JSON.stringify(value);
    const source = sources[key];
    return `${key} = ${shown} (${source.kind === 'default' ? 'default' : `from ${source.kind === 'environment' || source.kind === 'config file' ? '' : `${source.kind} `}${source.name}`})`;
  });
}

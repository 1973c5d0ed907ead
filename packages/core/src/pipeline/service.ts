/**
 * The service, opened for one operation: the HTTP client from the settings (base URL, token, timeouts), its
 * messages naming settings in the host's words. Every operation that talks to the service opens it here.
 */
import { TestManagementApi } from '../api/client.js';
import { HttpClient, type HttpClientOptions } from '../api/http.js';
import type { Logger } from '../log.js';
import { settingLabel, settingName, type Host, type Settings } from '../settings/index.js';

/** The HTTP client's options from the settings; every message names settings in the host's words. */
function httpOptions(settings: Pick<Settings, 'baseUrl' | 'timeoutMs' | 'deadline'>, token: string, host: Host | undefined, log: Logger): HttpClientOptions {
  return {
    baseUrl: settings.baseUrl,
    token,
    timeoutMs: settings.timeoutMs,
    deadlineMs: settings.deadline * 1000,
    log,
    tokenSettingName: settingLabel('token', host),
    baseUrlSettingName: settingLabel('baseUrl', host),
    deadlineSettingName: settingName('deadline', host),
  };
}

/** An HTTP client and the API over it; the caller closes `http` when done. `overrides` are test hooks. */
export function openService(
  settings: Pick<Settings, 'baseUrl' | 'timeoutMs' | 'deadline'>,
  token: string,
  host: Host | undefined,
  log: Logger,
  overrides?: Partial<HttpClientOptions>,
): { http: HttpClient; api: TestManagementApi } {
  const http = new HttpClient({ ...httpOptions(settings, token, host, log), ...overrides });
  return { http, api: new TestManagementApi(http) };
}

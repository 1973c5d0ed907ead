/**
 * The run lifecycle against the service: find the project and the user, create a run or open the one named
 * by the run id setting. Keyed runs (shards, re-runs) are run-key.ts's; sending is send.ts's.
 * Each function is one step with plain data in and out; the pipeline strings them together.
 */
import type { NewRun, Project, TestManagementApi, TestPlan, TestRun, User } from '../api/client.js';
import { isUuid } from '../map/references.js';
import { ApiError, ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { firstLine, listed } from '../text.js';
import { settingLabel, type Host } from '../settings/index.js';
import type { Clock } from '../clock.js';
import { LATE_WRITE_MS } from './timing.js';

/** `--project` takes the UUID or the exact project name. */
export async function resolveProject(api: TestManagementApi, idOrName: string, host?: Host): Promise<Project> {
  const setting = settingLabel('projectId', host);
  if (isUuid(idOrName)) {
    try {
      return await api.getProject(idOrName);
    } catch (error) {
      // A wrong project is a setting to fix (exit 2), but keep the service's words and request id.
      if (error instanceof ApiError && error.status === 404) {
        throw new ConfigError('CONFIG_UNKNOWN_PROJECT', `${error.message} Set ${setting} to a project UUID or exact name.`, { cause: error });
      }
      throw error;
    }
  }
  const projects = await api.listProjects();
  const exact = projects.filter((p) => p.name === idOrName);
  if (exact.length === 1 && exact[0]) return exact[0];
  if (exact.length > 1) {
    throw new ConfigError(
      'CONFIG_AMBIGUOUS_PROJECT',
      `Several projects are named "${idOrName}"; set the project by its UUID instead (${exact.map((p) => p.id).join(', ')}).`,
    );
  }
  const names = listed(projects.map((p) => `"${p.name}"`));
  throw new ConfigError(
    'CONFIG_UNKNOWN_PROJECT',
    `No project has the id or exact name "${idOrName}". Projects this token can see: ${names || 'none'}. Set ${setting} to one of them or to its UUID.`,
  );
}

/** The user results are recorded as: the configured e-mail, else the first active user (with a warning). */
export function pickUser(users: User[], email: string | undefined, log: Logger, host?: Host): User {
  const setting = settingLabel('userEmail', host);
  if (email) {
    const found = users.find((u) => u.email?.toLowerCase() === email.toLowerCase());
    if (!found) {
      throw new ConfigError(
        'CONFIG_UNKNOWN_USER',
        `No user has the e-mail "${email}" (${setting}). Set it to the e-mail of a user of this account, or unset it to use the first active user.`,
      );
    }
    return found;
  }
  const active = users.find((u) => (u.status ?? 'ACTIVE').toUpperCase() === 'ACTIVE') ?? users[0];
  if (!active) throw new ConfigError('CONFIG_NO_USER', `The account has no users to record results as; set ${setting} to a user of this account.`);
  log.warn(`Recording results as ${active.email}, the first active user; set ${setting} to choose.`);
  return active;
}

/**
 * The test plan setting → the plan, checked before any run is created: a wrong plan is a setting to fix
 * (exit 2), named with the project's plans, rather than a run created without it or a create refused late.
 */
export async function resolveTestPlan(api: TestManagementApi, projectId: string, ref: string, host?: Host): Promise<TestPlan> {
  try {
    return await api.getTestPlan(projectId, ref);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    // Best effort: the list only makes the message more helpful.
    const plans = await api.listTestPlans(projectId).catch(() => undefined);
    const known = plans === undefined ? '' : plans.length === 0 ? ' The project has no test plans.' : ` Its test plans: ${planList(plans)}.`;
    throw new ConfigError(
      'CONFIG_UNKNOWN_TEST_PLAN',
      `No test plan ${ref} in this project (${settingLabel('testPlan', host)}): the service answered 404${error.requestId ? ` (request id ${error.requestId})` : ''}, so no run was created.${known} Set it to the UUID or human id of one of the project's plans, or unset it.`,
      { cause: error },
    );
  }
}

function planList(plans: readonly TestPlan[]): string {
  return listed(plans.map((p) => `${p.human_id} "${p.title}"`));
}

/** How far the service's clock may be behind ours when telling a run created by this upload. */
const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * What tells a run one create made from any other: its title, the first line of its description (naming the job
 * and its results), and the earliest it can have been created. Kept where a create got no answer (a resume of a
 * results spool looks for it before creating: findCreatedRun).
 */
export interface RunCreateSent {
  title: string;
  firstLine: string;
  /** Milliseconds since the epoch: the create was first sent after this (the service's clock may lag ours). */
  since: number;
  /**
   * When (our clock) the last of the upload's writes that got no answer was sent — the create's last try, or a
   * write before it: the run may still appear until LATE_WRITE_MS after it. Absent when every try was answered.
   */
  unansweredAt?: number;
}

export function runCreateOf(input: NewRun): RunCreateSent {
  return { title: input.title, firstLine: firstLine(input.description), since: input.now - CLOCK_SKEW_MS };
}

/**
 * The open run `sent` made, if the service has it. Only a run that is that create's own counts: the same title,
 * the same first line of its description, created since — never another open run that merely shares a title
 * (`--run-title Nightly`), which an upload would otherwise write into and close.
 */
async function findCreatedRun(api: TestManagementApi, projectId: string, sent: RunCreateSent): Promise<TestRun | undefined> {
  return (await api.findRunsByTitle(projectId, sent.title)).find(
    // A service may reformat what follows; the first line (naming the job and its results) identifies it.
    (run) => run.status.toUpperCase() !== 'CLOSED' && firstLine(run.description ?? '') === sent.firstLine && (run.created_at ?? sent.since) >= sent.since,
  );
}

/**
 * The open run an earlier create that got no answer made (findCreatedRun), looked for until that create can no
 * longer land: a look that finds nothing while it still may (LATE_WRITE_MS after it was sent, the one bound the
 * service gives) is made again once it cannot, so that a create applied after the first look is found rather than
 * joined by a second run. `clock` ends the wait when the host is stopped (stoppingClock).
 */
export async function findLateCreatedRun(
  api: TestManagementApi,
  projectId: string,
  sent: RunCreateSent,
  clock: Clock,
  log: Logger,
): Promise<TestRun | undefined> {
  const found = await findCreatedRun(api, projectId, sent);
  const wait = sent.unansweredAt === undefined ? 0 : sent.unansweredAt + LATE_WRITE_MS - clock.now();
  if (found || wait <= 0) return found;
  log.info(
    `Waiting up to ${Math.ceil(wait / 1000)} s for test run "${sent.title}": its create got no answer and may still be applied until ${LATE_WRITE_MS / 1000} s after it was sent. Looking for it again then, rather than create a second run…`,
  );
  await clock.sleep(wait);
  return findCreatedRun(api, projectId, sent);
}

/**
 * Create the run. A create is not idempotent, so after a failure that may have been applied (no answer or a
 * 5xx) the HTTP layer's retry loop looks for it before creating again (findCreatedRun), and after no answer looks
 * again once the create can no longer land (LATE_WRITE_MS) when the first look found nothing: a lost answer, or a
 * create applied late, never makes a second run.
 */
export async function createRun(api: TestManagementApi, input: NewRun, log: Logger): Promise<TestRun> {
  const sent = runCreateOf(input);
  return api.createRun(input, {
    lateWriteMs: LATE_WRITE_MS,
    findExisting: async () => {
      const existing = await findCreatedRun(api, input.projectId, sent);
      if (existing) log.info(`The answer to creating the run was lost, but the run exists: using ${existing.human_id}.`);
      return existing;
    },
  });
}

/** The run named by the run id setting (UUID or human id). It must be open: a closed run takes no results. */
export async function openNamedRun(api: TestManagementApi, projectId: string, runId: string, host?: Host): Promise<TestRun> {
  const run = await api.getRun(projectId, runId);
  if (run.status?.toUpperCase() === 'CLOSED') {
    throw new ConfigError(
      'CONFIG_RUN_CLOSED',
      `Test run ${run.human_id ?? runId} is CLOSED and takes no results. Reopen it, or leave ${settingLabel('runId', host)} unset to create a new run.`,
    );
  }
  return run;
}

/**
 * The upload's second stage: the run to write to — named, found or created by run key (converging with other
 * jobs, carrying an earlier attempt's results over), or new — made to hold the planned cases.
 */
import type { CiContext } from '../ci.js';
import { carryOver, previousCases, withPreviousLines } from '../run/carry-over.js';
import { createRun, findLateCreatedRun, openNamedRun, resolveTestPlan, runCreateOf } from '../run/lifecycle.js';
import { stoppingClock } from '../api/interrupt.js';
import { LATE_WRITE_MS } from '../run/timing.js';
import { findOrCreateKeyedRun, titleWithKey } from '../run/key.js';
import { runTitle } from './run-title.js';
import { ensureCases } from '../run/membership.js';
import { openSession } from '../run/state.js';
import type { RunCase } from '../api/client.js';
import { VERSION } from '../version.js';
import type { UploadContext, UploadPlan, OpenedRun } from './stages.js';

/**
 * The run to write to: the one named by the run id setting; else, with a run key (from the CI or the setting),
 * the key's open run or a new one that every job of the pipeline converges on; else a new run. A run this upload
 * did not create is made to hold the mapped cases.
 */
export async function openRun(ctx: UploadContext, plan: UploadPlan): Promise<OpenedRun> {
  const { settings, api, log, host, runKey } = ctx;
  const { projectId } = plan;
  const caseIds = plan.entries.map((p) => p.entry.test_case_id);
  const now = ctx.now();
  const title = runTitle(settings.runTitle, ctx.ci, now);
  const labels = ['testsigma-tm', ...settings.labels];
  // Checked before any run is created (also when one exists: a wrong setting fails the same way in every job).
  const testPlan = settings.testPlan ? await resolveTestPlan(api, projectId, settings.testPlan, host) : undefined;
  const runFields = { ...(testPlan && { testPlanId: testPlan.id }), environmentIds: settings.environmentIds };
  let opened: Omit<OpenedRun, 'entries' | 'session'>;
  let adopted = false;
  if (settings.runId) {
    opened = { run: await openNamedRun(api, projectId, settings.runId, host), created: false };
  } else if (runKey) {
    let carried: RunCase[] = [];
    // Resumed after an upload whose create got no answer: the key's run it may still make is waited for.
    const { earlierCreate, interrupt } = ctx.input;
    const inDoubt = earlierCreate?.unansweredAt !== undefined && {
      until: earlierCreate.unansweredAt + LATE_WRITE_MS,
      clock: stoppingClock(ctx.clock, interrupt),
    };
    const keyed = await findOrCreateKeyedRun(
      api,
      {
        projectId,
        key: runKey,
        ...(inDoubt && { earlierCreate: inDoubt }),
        create: async (previous, findExisting) => {
          carried = previous ? await previousCases(api, projectId, previous) : [];
          const fresh = runDescription(ctx.ci, plan.total, plan.fileCount);
          const description = previous
            ? await withPreviousLines(api, projectId, previous, `${fresh}\nContinues test run ${previous.human_id} (closed), whose results were carried over.`)
            : fresh;
          const selection = [...new Set([...caseIds, ...carried.map((c) => c.test_case.id)])];
          const newRun = {
            projectId,
            title: titleWithKey(title, runKey),
            description,
            caseIds: selection,
            assigneeId: plan.userId,
            labels,
            now: now.getTime(),
            ...runFields,
          };
          // Sent and left unanswered, the spool keeps it: resume waits for the key's run it may still make.
          ctx.creating = { sent: runCreateOf(newRun), writesBefore: api.http.writesSent };
          // A create applied late is found too (waited out before creating again): not left beside this one.
          return api.createRun(newRun, { findExisting, lateWriteMs: LATE_WRITE_MS });
        },
      },
      log,
    );
    opened = keyed;
    if (keyed.created && keyed.previous) {
      await carryOver(
        api,
        projectId,
        { previous: keyed.previous, run: keyed.run, userId: plan.userId, own: new Set(caseIds), untested: plan.untestedIds, batchSize: settings.batchSize },
        carried,
        log,
      );
    }
  } else {
    // Resumed after a stop that left the run's create unanswered: the run it made, when it did, takes the results —
    // also when the service applies that create after the first look for it (waited out, or ended by a stop).
    const { earlierCreate, interrupt } = ctx.input;
    const earlier = earlierCreate && (await findLateCreatedRun(api, projectId, earlierCreate, stoppingClock(ctx.clock, interrupt), log));
    if (earlier) {
      log.info(`Test run ${earlier.human_id} was created by the upload that was stopped before it heard back: recording the results in it.`);
      opened = { run: earlier, created: true };
    } else {
      const description = runDescription(ctx.ci, plan.total, plan.fileCount);
      const newRun = { projectId, title, description, caseIds, assigneeId: plan.userId, labels, now: now.getTime(), ...runFields };
      ctx.creating = { sent: runCreateOf(newRun), writesBefore: api.http.writesSent };
      opened = { run: await createRun(api, newRun, log), created: true };
    }
    adopted = Boolean(earlier);
  }
  const session = openSession(api, projectId, opened.run, ctx.clock, log, ctx.input.interrupt);
  // A run this upload created selects its cases already; any other may lack some (and other jobs may be adding theirs),
  // the one a stopped upload created included (it was made from that upload's results, read again since).
  const refused = new Set(opened.created && !adopted ? [] : (await ensureCases(session, caseIds)).refused);
  return { ...opened, session, entries: plan.entries.filter((p) => !refused.has(p.entry.test_case_id)) };
}

function runDescription(ci: CiContext | undefined, results: number, files: number | undefined): string {
  const from = ci ? `${ci.provider}${ci.jobUrl ? ` (${ci.jobUrl})` : ''}` : 'a local upload';
  return `Recorded by testsigma-tm ${VERSION} from ${from}: ${results} test result(s)${files !== undefined ? ` in ${files} file(s)` : ''}.`;
}

/**
 * Cucumber JSON (`cucumber-js --format json:<file>`, Cucumber-JVM's and Cucumber-Ruby's `json` plugin) →
 * TestResult[]. Small pure functions, no I/O; values of the wrong type read as absent.
 *
 * - One TestResult per scenario, and per example row of a Scenario Outline (Cucumber writes each row as its
 *   own scenario, with `<placeholders>` in its name already filled in). Rows of one outline carry the same
 *   tags, so they name the same test case and the mapping stage lets the worst row decide its outcome.
 * - suitePath = [feature name]. The JSON does not say which `Rule:` a scenario belongs to (cucumber-js keeps
 *   only a slug inside the scenario's `id`), so no rule title can be added. name = the scenario's name; when
 *   two scenarios of one feature share a name (an outline without placeholders in its title), ` (line N)` is
 *   added to each, N being the line Cucumber uses to run exactly that row (`cucumber-js file.feature:N`).
 * - tags = the scenario's tags and the feature's, with one leading `@`: `@DEMO-12` names test case DEMO-12.
 * - file = the feature's `uri` as written (relative to the directory Cucumber ran in).
 * - Status: the first step or hook that neither passed nor was skipped decides, since Cucumber stops the
 *   scenario there: failed → failed; undefined or pending → failed too, because the scenario's behaviour
 *   was never checked and Cucumber (strict by default) fails the run for them: recording "skipped" would
 *   let a case whose steps were never written look merely not run. The message says `Undefined step …` /
 *   `Pending step …`. ambiguous → error (the suite is broken, nothing was asserted); any other status →
 *   error naming it. Otherwise skipped if a step was skipped, else passed.
 * - Background steps are already part of each scenario in cucumber-js; Cucumber-JVM/Ruby write a separate
 *   `background` element before each scenario, whose steps are counted with that scenario. Hooks come from
 *   cucumber-js's hidden `Before`/`After` steps, or the `before`/`after` arrays of scenarios and steps.
 * - duration = the sum of every step's and hook's duration (nanoseconds in the JSON), in milliseconds.
 * - One attempt: with `--retry`, cucumber-js writes only a scenario's last attempt (checked with 13.3.0), so
 *   earlier failed attempts are not in the file and a scenario that passed on retry reads as passed.
 * - message = what failed and which step (`Step "Then I see the dashboard" (line 15) failed: …` with the
 *   error up to its first stack frame); stack = the whole error text.
 * - Embeddings → attachments {name, contentType} (the model has no place for their bytes, which are inline);
 *   `this.log` text (`text/x.cucumber.log+plain`) and Cucumber-JVM's step `output` → output.
 */
import { InputError } from '../../errors.js';
import type { Attachment, TestResult, TestStatus } from '../../model.js';
import { isObject, objects, str, type JsonObject as Json } from '../json-values.js';
import { MAX_OUTPUT_CHARS, clip, nonEmpty, normaliseTags, splitMessageAndStack } from '../text.js';

/** One step or hook as run, in order. */
interface Run {
  /** `Then I see the dashboard`, `Before hook`. */
  label: string;
  isHook: boolean;
  line?: number;
  status: string;
  durationNs?: number;
  error?: string;
  embeddings: Json[];
  output: string[];
}

// cucumber-js writes `this.log(text)` as an embedding of this type; it is console-like output, not a file.
const LOG_MIME = 'text/x.cucumber.log+plain';

export function parseCucumberJson(json: unknown, source: string): TestResult[] {
  if (!Array.isArray(json)) {
    throw new InputError(
      'INPUT_NOT_RESULTS',
      source,
      `${source} is not Cucumber JSON: expected an array of features. Run Cucumber with --format json:<file> and pass that file.`,
    );
  }
  const results: TestResult[] = [];
  json.forEach((feature, index) => {
    if (!isObject(feature)) {
      throw new InputError(
        'INPUT_NOT_RESULTS',
        source,
        `${source}: feature [${index}] is not an object. Expected Cucumber JSON; the file may have been edited or produced by another tool.`,
      );
    }
    results.push(...cucumberFeatureResults(feature, source));
  });
  return results;
}

/** Every scenario (and outline example row) of one feature. */
function cucumberFeatureResults(feature: Json, source: string): TestResult[] {
  const featureName = nonEmpty(str(feature.name));
  const uri = nonEmpty(str(feature.uri));
  const featureTags = tagNames(feature.tags);
  const scenarios: { element: Json; runs: Run[] }[] = [];
  let background: Run[] = [];
  for (const element of objects(feature.elements)) {
    if (str(element.type) === 'background') {
      background = stepRuns(element.steps);
      continue;
    }
    const runs = [...hookRuns(element.before, 'Before'), ...background, ...stepRuns(element.steps), ...hookRuns(element.after, 'After')];
    scenarios.push({ element, runs });
    background = [];
  }
  const uses = new Map<string, number>();
  for (const { element } of scenarios) uses.set(str(element.name) ?? '', (uses.get(str(element.name) ?? '') ?? 0) + 1);
  return scenarios.map(({ element, runs }) => {
    const line = lineOf(element.line);
    const own = str(element.name) ?? '';
    const name = (uses.get(own) ?? 0) > 1 && line !== undefined ? `${own} (line ${line})` : own;
    return scenarioResult(runs, {
      source,
      ...(uri !== undefined && { file: uri }),
      suitePath: featureName === undefined ? [] : [featureName],
      name,
      tags: normaliseTags([...tagNames(element.tags), ...featureTags]),
    });
  });
}

type Identity = Pick<TestResult, 'source' | 'file' | 'suitePath' | 'name' | 'tags'>;

function scenarioResult(runs: Run[], identity: Identity): TestResult {
  const verdict = decide(runs);
  const durations = runs.map((r) => r.durationNs).filter((d): d is number => d !== undefined);
  const durationMs = durations.length === 0 ? undefined : Math.round(durations.reduce((a, b) => a + b, 0) / 1e6);
  const output = nonEmpty(runs.flatMap((r) => [...r.output, ...logTexts(r.embeddings)]).join('\n'));
  return {
    ...identity,
    status: verdict.status,
    ...(durationMs !== undefined && { durationMs }),
    ...(verdict.message !== undefined && { message: verdict.message }),
    ...(verdict.stack !== undefined && { stack: verdict.stack }),
    ...(output !== undefined && { output: clip(output, MAX_OUTPUT_CHARS) }),
    properties: [],
    attachments: attachmentsOf(runs),
    attempts: [
      {
        status: verdict.status,
        ...(durationMs !== undefined && { durationMs }),
        ...(verdict.message !== undefined && { message: verdict.message }),
        ...(verdict.stack !== undefined && { stack: verdict.stack }),
      },
    ],
  };
}

interface Verdict {
  status: TestStatus;
  message?: string;
  stack?: string;
}

/** See the file comment: the first step or hook that neither passed nor was skipped decides. */
function decide(runs: Run[]): Verdict {
  const decisive = runs.find((r) => r.status !== 'passed' && r.status !== 'skipped' && r.status !== 'unused');
  if (decisive === undefined) {
    const skipped = runs.find((r) => r.status === 'skipped' || r.status === 'unused');
    return skipped === undefined ? { status: 'passed' } : { status: 'skipped', message: `Skipped at ${describe(skipped)}.` };
  }
  const { message: errorText, stack } = decisive.error === undefined ? {} : splitMessageAndStack(decisive.error);
  const withStack = (status: TestStatus, message: string): Verdict => ({ status, message, ...(stack !== undefined && { stack }) });
  switch (decisive.status) {
    case 'failed':
      return withStack(
        'failed',
        `${capital(describe(decisive))} failed${errorText === undefined ? '; Cucumber recorded no error message.' : `: ${errorText}`}`,
      );
    case 'undefined':
      return withStack(
        'failed',
        `Undefined ${describe(decisive)}: no step definition matches it, so the scenario was not checked. Write the step definition (Cucumber prints a snippet for it).`,
      );
    case 'pending':
      return withStack('failed', `Pending ${describe(decisive)}: its step definition is marked as not implemented yet, so the scenario was not checked.`);
    case 'ambiguous':
      return withStack(
        'error',
        `Ambiguous ${describe(decisive)}: several step definitions match it, so the scenario was not checked. Make one of their patterns more specific.`,
      );
    default:
      return withStack('error', `Cucumber reported the unknown status ${JSON.stringify(decisive.status)} for ${describe(decisive)}.`);
  }
}

/** `step "Then I see the dashboard" (line 15)`, `Before hook`. */
function describe(run: Run): string {
  if (run.isHook) return run.label;
  return `step "${run.label}"${run.line === undefined ? '' : ` (line ${run.line})`}`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A scenario's (or background's) steps, each with the step hooks Cucumber-JVM nests in it. */
function stepRuns(steps: unknown): Run[] {
  return objects(steps).flatMap((step) => {
    // cucumber-js writes scenario hooks as hidden steps with the keyword `Before` / `After` and no name.
    const keyword = (str(step.keyword) ?? '').trim();
    const hidden = step.hidden === true && str(step.name) === undefined;
    const own = hidden ? toRun(step, `${keyword || 'Hook'} hook`, true) : toRun(step, [keyword, str(step.name) ?? ''].filter((p) => p !== '').join(' '), false);
    return [...hookRuns(step.before, 'BeforeStep'), own, ...hookRuns(step.after, 'AfterStep')];
  });
}

/** Hooks of Cucumber-JVM/Ruby, named by where they are defined when the JSON says (`Before hook (Hooks.open())`). */
function hookRuns(hooks: unknown, kind: string): Run[] {
  return objects(hooks).map((hook) => {
    const location = isObject(hook.match) ? nonEmpty(str(hook.match.location)) : undefined;
    return toRun(hook, location === undefined ? `${kind} hook` : `${kind} hook (${location})`, true);
  });
}

function toRun(item: Json, label: string, isHook: boolean): Run {
  const result = isObject(item.result) ? item.result : {};
  const duration = result.duration;
  const line = lineOf(item.line);
  const error = nonEmpty(str(result.error_message));
  return {
    label,
    isHook,
    ...(line !== undefined && { line }),
    status: str(result.status) ?? 'unknown',
    ...(typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 && { durationNs: duration }),
    ...(error !== undefined && { error }),
    embeddings: objects(item.embeddings),
    output: Array.isArray(item.output) ? item.output.filter((o): o is string => typeof o === 'string') : [],
  };
}

function attachmentsOf(runs: Run[]): Attachment[] {
  const attachments: Attachment[] = [];
  for (const embedding of runs.flatMap((r) => r.embeddings)) {
    const contentType = mimeOf(embedding);
    if (contentType === LOG_MIME) continue;
    const name = nonEmpty(str(embedding.name)) ?? `attachment ${attachments.length + 1}${contentType === undefined ? '' : ` (${contentType})`}`;
    attachments.push({ name, ...(contentType !== undefined && { contentType }) });
  }
  return attachments;
}

function logTexts(embeddings: Json[]): string[] {
  return embeddings.filter((e) => mimeOf(e) === LOG_MIME).map((e) => Buffer.from(str(e.data) ?? '', 'base64').toString('utf8'));
}

function mimeOf(embedding: Json): string | undefined {
  // Cucumber-JVM once wrote `media: { type }` instead of `mime_type`.
  return nonEmpty(str(embedding.mime_type)) ?? (isObject(embedding.media) ? nonEmpty(str(embedding.media.type)) : undefined);
}

function tagNames(tags: unknown): string[] {
  return objects(tags)
    .map((tag) => str(tag.name))
    .filter((name): name is string => name !== undefined);
}

function lineOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

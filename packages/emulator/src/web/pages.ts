// The three pages of the web view, rendered from the store on every request: the projects, one project's
// runs, one run's cases with their results and attachments.
import type { Store } from '../store.js';
import type { ProjectRecord, TestRunRecord } from '../types.js';
import { badge, counts, esc, formatBytes, formatTime, page, seg } from './html.js';

function projectPath(project: ProjectRecord): string {
  return `/ui/projects/${seg(project.id)}`;
}

function runPath(run: TestRunRecord): string {
  return `/ui/projects/${seg(run.project_id)}/test-runs/${seg(run.id)}`;
}

/** The result status name of every case of the run, in selection order (never written → Untested). */
function statusesOf(store: Store, run: TestRunRecord): string[] {
  const untested = store.untestedStatus()?.name ?? 'Untested';
  return run.selection.map((id) => run.results[id]?.status ?? untested);
}

/** Counts per status, in the order of the status list (names it does not know last). */
function countsOf(store: Store, statuses: string[]): [string, number][] {
  const tally = new Map<string, number>();
  for (const s of statuses) tally.set(s, (tally.get(s) ?? 0) + 1);
  const order = store.data.lookups.test_run_statuses.map((s) => s.name);
  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...tally].sort((a, b) => rank(a[0]) - rank(b[0]));
}

function labelList(store: Store, ids: string[]): string {
  const labels = ids.flatMap((id) => store.data.labels.find((l) => l.id === id)?.name ?? []);
  return labels.length === 0 ? '' : labels.map((name) => `<span class="badge">${esc(name)}</span>`).join(' ');
}

export function homePage(store: Store): string {
  const { projects, test_cases, test_runs } = store.data;
  const rows = [...projects]
    .sort((a, b) => a.seq - b.seq)
    .map((p) => {
      const cases = test_cases.filter((c) => c.project_id === p.id).length;
      const runs = test_runs.filter((r) => r.project_id === p.id).length;
      return `<tr><td><a href="${esc(projectPath(p))}">${esc(p.name)}</a></td><td class="id">${esc(p.human_id_prefix)}</td><td>${cases}</td><td>${runs}</td><td>${esc(p.description)}</td></tr>`;
    });
  const table =
    rows.length === 0
      ? '<p class="muted">No projects.</p>'
      : `<table><thead><tr><th>Project</th><th>Prefix</th><th>Test cases</th><th>Test runs</th><th>Description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return page('Projects', [[null, 'Projects']], `<h1>Projects</h1>${table}`);
}

export function projectPage(store: Store, project: ProjectRecord): string {
  const runs = store.data.test_runs.filter((r) => r.project_id === project.id).sort((a, b) => b.seq - a.seq);
  const rows = runs.map((r) => {
    const link = `<a href="${esc(runPath(r))}">${esc(r.title)}</a>`;
    return `<tr><td class="id">${esc(r.human_id)}</td><td>${link}<div>${labelList(store, r.label_ids)}</div></td><td>${badge(r.status)}</td><td>${counts(countsOf(store, statusesOf(store, r)))}</td><td>${esc(formatTime(r.created_at))}</td></tr>`;
  });
  const table =
    rows.length === 0
      ? '<p class="muted">No test runs yet.</p>'
      : `<table><thead><tr><th>Run</th><th>Title</th><th>Status</th><th>Results</th><th>Created</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  const cases = store.casesOf(project).length;
  const body = `<h1>${esc(project.name)}</h1>
<p class="meta">Prefix <b>${esc(project.human_id_prefix)}</b> · ${cases} test cases · ${runs.length} test runs, newest first · id <code>${esc(project.id)}</code></p>
<h2>Test runs</h2>${table}`;
  return page(
    project.name,
    [
      ['/', 'Projects'],
      [null, project.name],
    ],
    body,
  );
}

export function runPage(store: Store, project: ProjectRecord, run: TestRunRecord): string {
  const statuses = statusesOf(store, run);
  const rows = run.selection.map((id, i) => {
    const tc = store.caseById(id);
    const result = run.results[id];
    const files = (result?.attachments ?? []).map(
      (a) =>
        `<li title="sha256 ${esc(a.sha256)}">${esc(a.name)} <span class="muted">(${esc(formatBytes(a.size))}, ${esc(a.content_type || 'no type')})</span></li>`,
    );
    return `<tr>
<td class="id">${esc(tc?.human_id ?? id)}</td>
<td>${esc(tc?.title ?? '(deleted case)')}</td>
<td>${badge(statuses[i] ?? '')}</td>
<td>${result?.description ? `<pre>${esc(result.description)}</pre>` : '<span class="muted">—</span>'}</td>
<td>${files.length === 0 ? '<span class="muted">—</span>' : `<ul class="files">${files.join('')}</ul>`}</td>
</tr>`;
  });
  const table =
    rows.length === 0
      ? '<p class="muted">This run has no test cases.</p>'
      : `<table><thead><tr><th>Case</th><th>Title</th><th>Result</th><th>Description</th><th>Attachments</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  const description = run.description ? `<div class="box"><pre>${esc(run.description)}</pre></div>` : '';
  const body = `<h1>${esc(run.title)}</h1>
<p class="meta"><b>${esc(run.human_id)}</b> ${badge(run.status)} · created ${esc(formatTime(run.created_at))} · updated ${esc(formatTime(run.updated_at))} ${labelList(store, run.label_ids)}</p>
${description}
<h2>Results of ${run.selection.length} test cases</h2>
<p>${counts(countsOf(store, statuses))}</p>
${table}`;
  return page(
    `${run.human_id} ${run.title}`,
    [
      ['/', 'Projects'],
      [projectPath(project), project.name],
      [null, run.human_id],
    ],
    body,
  );
}

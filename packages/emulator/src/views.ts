// API projections of stored records: only the documented fields leave the emulator, so a client
// cannot come to depend on something the live service may not send. One exception, marked where it is:
// run cases show their attachments, so tests can see what a client uploaded.
import { seedId } from './ids.js';
import type { Store } from './store.js';
import type {
  FolderRecord,
  ImportRecord,
  LabelRecord,
  LookupRecord,
  ProjectRecord,
  TestCaseRecord,
  TestPlanRecord,
  TestRunRecord,
  UserRecord,
} from './types.js';

export function projectView(p: ProjectRecord): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    human_id_prefix: p.human_id_prefix,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

export function labelView(l: LabelRecord): Record<string, unknown> {
  return { id: l.id, name: l.name, createdAt: l.createdAt, updatedAt: l.updatedAt };
}

function labelsOf(store: Store, ids: string[]): Record<string, unknown>[] {
  return ids.flatMap((id) => {
    const label = store.data.labels.find((l) => l.id === id);
    return label ? [labelView(label)] : [];
  });
}

export function testCaseView(store: Store, c: TestCaseRecord): Record<string, unknown> {
  return {
    id: c.id,
    human_id: c.human_id,
    title: c.title,
    description: c.description,
    template_type: c.template_type,
    preconditions: c.preconditions,
    steps: c.steps,
    expected_results: c.expected_results,
    folder_id: c.folder_id,
    project_id: c.project_id,
    status_id: c.status_id,
    priority_id: c.priority_id,
    type_id: c.type_id,
    automation_type_id: c.automation_type_id,
    owner_id: c.owner_id,
    labels: labelsOf(store, c.label_ids),
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export function folderView(f: FolderRecord): Record<string, unknown> {
  // `children` is always empty in lists on the live service; clients build the tree from parent_folder_id.
  return {
    id: f.id,
    name: f.name,
    parent_folder_id: f.parent_folder_id,
    order: f.order,
    project_id: f.project_id,
    children: [],
    created_at: f.created_at,
    updated_at: f.updated_at,
  };
}

export function planView(p: TestPlanRecord): Record<string, unknown> {
  return {
    id: p.id,
    human_id: p.human_id,
    title: p.title,
    description: p.description,
    status: p.status,
    start_date: p.start_date,
    end_date: p.end_date,
    project_id: p.project_id,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

export function runView(store: Store, r: TestRunRecord): Record<string, unknown> {
  return {
    id: r.id,
    human_id: r.human_id,
    title: r.title,
    description: r.description,
    status: r.status,
    selection_type: r.selection_type,
    start_date: r.start_date,
    end_date: r.end_date,
    assignee_id: r.assignee_id,
    project_id: r.project_id,
    labels: labelsOf(store, r.label_ids),
    test_plan_id: r.test_plan_id,
    test_cases_count: r.selection.length,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** The run-case id is derived from run and case, so it is stable without being stored. */
export function runCaseView(store: Store, run: TestRunRecord, c: TestCaseRecord): Record<string, unknown> {
  const result = run.results[c.id];
  const untested = store.untestedStatus();
  return {
    id: seedId(`test_run_case:${run.id}:${c.id}`),
    status_id: result?.status_id ?? untested?.id ?? null,
    status: result?.status ?? untested?.name ?? null,
    assignee_id: run.assignee_id,
    test_case: testCaseView(store, c),
    // Emulator-only: the live service's answer is not known to describe attachments.
    attachments: (result?.attachments ?? []).map((a) => ({ name: a.name, size: a.size, content_type: a.content_type, sha256: a.sha256 })),
  };
}

export function lookupView(l: LookupRecord): Record<string, unknown> {
  return { id: l.id, name: l.name, order: l.order, alias: l.alias };
}

export function userView(u: UserRecord): Record<string, unknown> {
  return { id: u.id, email: u.email, first_name: u.first_name, last_name: u.last_name, status: u.status };
}

export function importView(i: ImportRecord): Record<string, unknown> {
  return { id: i.id, status: i.status, test_run_id: i.test_run_id, details: structuredClone(i.details), created_at: i.created_at };
}

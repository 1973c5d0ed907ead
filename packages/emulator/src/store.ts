// In-memory data with look-ups that answer 404 in the contract's shape. Handlers validate a whole
// request first and mutate only afterwards, so every call is all-or-nothing.
import { notFound } from './errors.js';
import { isUuid } from './ids.js';
import type { FolderRecord, LookupRecord, Lookups, ProjectRecord, StoreData, TestCaseRecord, TestPlanRecord, TestRunRecord, UserRecord } from './types.js';

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The number in a human id (`DEMO-12`, `DEMO-R-3`, `DEMO-P-1`), or null. */
function humanNumber(prefix: string, infix: '' | 'R-' | 'P-', ref: string): number | null {
  const match = new RegExp(`^${escapeRe(prefix)}-${infix}(\\d+)$`, 'i').exec(ref);
  return match?.[1] === undefined ? null : Number(match[1]);
}

export class Store {
  private current: StoreData;

  constructor(
    private readonly seed: StoreData,
    initial: StoreData,
    private readonly onSave?: (data: StoreData) => void,
  ) {
    this.current = structuredClone(initial);
  }

  get data(): StoreData {
    return this.current;
  }

  reset(): void {
    this.current = structuredClone(this.seed);
    this.save();
  }

  save(): void {
    this.onSave?.(this.current);
  }

  snapshot(): StoreData {
    return structuredClone(this.current);
  }

  nextSeq(): number {
    return this.current.next_seq++;
  }

  project(pid: string): ProjectRecord {
    const project = isUuid(pid) ? this.current.projects.find((p) => p.id === pid.toLowerCase()) : undefined;
    if (!project) throw notFound('Project', pid);
    return project;
  }

  testCase(project: ProjectRecord, ref: string): TestCaseRecord {
    const n = humanNumber(project.human_id_prefix, '', ref);
    const found = this.current.test_cases.find((c) => c.project_id === project.id && (n === null ? c.id === ref.toLowerCase() : c.number === n));
    if (!found) throw notFound('Test case', ref);
    return found;
  }

  testRun(project: ProjectRecord, ref: string): TestRunRecord {
    const n = humanNumber(project.human_id_prefix, 'R-', ref);
    const found = this.current.test_runs.find((r) => r.project_id === project.id && (n === null ? r.id === ref.toLowerCase() : r.number === n));
    if (!found) throw notFound('Test run', ref);
    return found;
  }

  testPlan(project: ProjectRecord, ref: string): TestPlanRecord {
    const n = humanNumber(project.human_id_prefix, 'P-', ref);
    const found = this.current.test_plans.find((p) => p.project_id === project.id && (n === null ? p.id === ref.toLowerCase() : p.number === n));
    if (!found) throw notFound('Test plan', ref);
    return found;
  }

  folder(project: ProjectRecord, fid: string): FolderRecord {
    const found = this.current.folders.find((f) => f.project_id === project.id && f.id === fid.toLowerCase());
    if (!found) throw notFound('Folder', fid);
    return found;
  }

  casesOf(project: ProjectRecord): TestCaseRecord[] {
    return this.current.test_cases.filter((c) => c.project_id === project.id);
  }

  caseById(id: string): TestCaseRecord | undefined {
    return this.current.test_cases.find((c) => c.id === id);
  }

  user(id: string): UserRecord | undefined {
    return this.current.users.find((u) => u.id === id.toLowerCase());
  }

  lookup(kind: keyof Lookups, id: string): LookupRecord | undefined {
    return this.current.lookups[kind].find((l) => l.id === id.toLowerCase());
  }

  /** The status unrecorded cases read as: alias UNTESTED, else a name like "Untested"/"UnTested". */
  untestedStatus(): LookupRecord | undefined {
    const list = this.current.lookups.test_run_statuses;
    return list.find((s) => s.alias === 'UNTESTED') ?? list.find((s) => s.name.replace(/\s+/g, '').toLowerCase() === 'untested');
  }

  /** A run status by alias or by name, compared case- and space-insensitively. */
  runStatusNamed(name: string): LookupRecord | undefined {
    const norm = (s: string): string => s.replace(/[\s_]+/g, '').toLowerCase();
    return this.current.lookups.test_run_statuses.find((s) => norm(s.alias) === norm(name) || norm(s.name) === norm(name));
  }
}

// Turns the author-friendly seed format (names, e-mails, human ids) into stored records.
import { DEMO_SEED } from './demo-seed.js';
import { isUuid, seedId } from './ids.js';
import type {
  FolderRecord,
  LabelRecord,
  LookupRecord,
  Lookups,
  ProjectRecord,
  ResultRecord,
  SeedLookup,
  SeedObject,
  SeedOption,
  SeedProject,
  SeedUser,
  StoreData,
  TestCaseRecord,
  TestPlanRecord,
  TestRunRecord,
  UserRecord,
} from './types.js';

const DEFAULT_SEED_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);

const DEFAULT_LOOKUPS: Record<keyof Lookups, string[]> = {
  test_run_statuses: ['Passed', 'Failed', 'Blocked', 'Skipped', 'Untested', 'In Progress', 'Retest'],
  test_case_statuses: ['Draft', 'In Review', 'Ready', 'Deprecated'],
  test_case_priorities: ['Critical', 'High', 'Medium', 'Low'],
  test_case_types: ['Functional', 'Regression', 'Smoke', 'Integration', 'Performance'],
  test_case_automation_types: ['Automated', 'Not Automated', 'Cannot Be Automated'],
};

const DEFAULT_USERS: SeedUser[] = [
  // The inactive user comes first on purpose: clients must pick the first ACTIVE user, not data[0].
  { email: 'bob@example.com', first_name: 'Bob', last_name: 'Baker', status: 'INACTIVE' },
  { email: 'alice@example.com', first_name: 'Alice', last_name: 'Anders', status: 'ACTIVE' },
];

const LOOKUP_KINDS = Object.keys(DEFAULT_LOOKUPS) as (keyof Lookups)[];

export class SeedError extends Error {
  override name = 'SeedError';
}

function resolveSeed(option: SeedOption): SeedObject {
  if (option === 'demo') return DEMO_SEED;
  if (option === 'empty') return {};
  if (typeof option !== 'object' || option === null) {
    throw new SeedError(`seed must be 'demo', 'empty' or a seed object; received ${JSON.stringify(option)}`);
  }
  return option;
}

function aliasOf(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

function checkId(id: string | undefined, fallbackKey: string, where: string): string {
  if (id === undefined) return seedId(fallbackKey);
  if (!isUuid(id)) throw new SeedError(`${where}: id must be a UUID; received ${JSON.stringify(id)}`);
  return id.toLowerCase();
}

function buildLookups(seed: SeedObject): Lookups {
  const out = {} as Lookups;
  for (const kind of LOOKUP_KINDS) {
    const entries: SeedLookup[] = seed.lookups?.[kind] ?? DEFAULT_LOOKUPS[kind];
    out[kind] = entries.map((entry, i): LookupRecord => {
      const e = typeof entry === 'string' ? { name: entry } : entry;
      if (typeof e.name !== 'string' || e.name === '') throw new SeedError(`lookups.${kind}[${i}]: name is required`);
      return {
        id: checkId(e.id, `lookup:${kind}:${e.name}`, `lookups.${kind}[${i}]`),
        name: e.name,
        order: e.order ?? i + 1,
        alias: e.alias ?? aliasOf(e.name),
      };
    });
  }
  return out;
}

/** Mutable build context shared by the per-project steps. */
class Builder {
  readonly data: StoreData;
  private readonly time: number;

  constructor(seed: SeedObject) {
    this.time = seed.time ?? DEFAULT_SEED_TIME;
    this.data = {
      version: 1,
      next_seq: 1,
      users: (seed.users ?? DEFAULT_USERS).map((u, i) => this.user(u, i)),
      labels: [],
      lookups: buildLookups(seed),
      projects: [],
      folders: [],
      test_cases: [],
      test_plans: [],
      test_runs: [],
      imports: [],
    };
    for (const name of seed.labels ?? []) this.labelId(name);
  }

  private seq(): number {
    return this.data.next_seq++;
  }

  private user(u: SeedUser, i: number): UserRecord {
    if (typeof u.email !== 'string' || !u.email.includes('@')) throw new SeedError(`users[${i}]: email is required`);
    return {
      id: checkId(u.id, `user:${u.email.toLowerCase()}`, `users[${i}]`),
      email: u.email,
      first_name: u.first_name ?? '',
      last_name: u.last_name ?? '',
      status: u.status ?? 'ACTIVE',
    };
  }

  labelId(name: string): string {
    const found = this.data.labels.find((l) => l.name === name);
    if (found) return found.id;
    const label: LabelRecord = { id: seedId(`label:${name}`), name, createdAt: this.time, updatedAt: this.time };
    this.data.labels.push(label);
    return label.id;
  }

  userId(email: string | undefined, where: string): string {
    if (email === undefined) {
      const active = this.data.users.find((u) => u.status.toUpperCase() === 'ACTIVE');
      if (!active) throw new SeedError(`${where}: no ACTIVE user to default to`);
      return active.id;
    }
    const user = this.data.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (!user) throw new SeedError(`${where}: unknown user e-mail ${JSON.stringify(email)}`);
    return user.id;
  }

  lookupId(kind: keyof Lookups, name: string | undefined, where: string): LookupRecord {
    const list = this.data.lookups[kind];
    const found = name === undefined ? list[0] : list.find((l) => l.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new SeedError(`${where}: no ${kind} entry named ${JSON.stringify(name)}`);
    return found;
  }

  project(p: SeedProject, pi: number): void {
    const where = `projects[${pi}]`;
    if (typeof p.name !== 'string' || p.name === '') throw new SeedError(`${where}: name is required`);
    const prefix = p.human_id_prefix;
    if (typeof prefix !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(prefix)) {
      throw new SeedError(`${where}: human_id_prefix must be letters and digits, e.g. "DEMO"`);
    }
    if (this.data.projects.some((q) => q.human_id_prefix.toLowerCase() === prefix.toLowerCase())) {
      throw new SeedError(`${where}: human_id_prefix ${prefix} is used twice`);
    }
    const project: ProjectRecord = {
      seq: this.seq(),
      id: checkId(p.id, `project:${prefix}`, where),
      name: p.name,
      description: p.description ?? '',
      human_id_prefix: prefix,
      created_at: this.time,
      updated_at: this.time,
      next_case_number: 1,
      next_run_number: 1,
      next_plan_number: 1,
    };
    this.data.projects.push(project);

    const folders = new Map<string, FolderRecord>();
    (p.folders ?? []).forEach((f, i) => {
      const fw = `${where}.folders[${i}]`;
      if (folders.has(f.name)) throw new SeedError(`${fw}: folder name ${f.name} is used twice`);
      const parent = f.parent === undefined ? null : folders.get(f.parent);
      if (parent === undefined) throw new SeedError(`${fw}: parent ${JSON.stringify(f.parent)} must be listed before it`);
      const folder: FolderRecord = {
        seq: this.seq(),
        id: checkId(f.id, `folder:${prefix}:${f.name}`, fw),
        project_id: project.id,
        name: f.name,
        parent_folder_id: parent?.id ?? null,
        order: f.order ?? i + 1,
        created_at: this.time,
        updated_at: this.time,
      };
      folders.set(f.name, folder);
      this.data.folders.push(folder);
    });

    const casesByHumanId = new Map<string, TestCaseRecord>();
    (p.test_cases ?? []).forEach((c, i) => {
      const cw = `${where}.test_cases[${i}]`;
      if (typeof c.title !== 'string' || c.title === '') throw new SeedError(`${cw}: title is required`);
      const folder = c.folder === undefined ? null : folders.get(c.folder);
      if (folder === undefined) throw new SeedError(`${cw}: unknown folder ${JSON.stringify(c.folder)}`);
      const n = project.next_case_number++;
      const humanId = `${prefix}-${n}`;
      const tc: TestCaseRecord = {
        seq: this.seq(),
        id: checkId(c.id, `test_case:${humanId}`, cw),
        project_id: project.id,
        number: n,
        human_id: humanId,
        title: c.title,
        description: c.description ?? '',
        template_type: 'TCD',
        preconditions: c.preconditions ?? '',
        steps: c.steps ?? '',
        expected_results: c.expected_results ?? '',
        folder_id: folder?.id ?? null,
        status_id: this.lookupId('test_case_statuses', c.status, cw).id,
        priority_id: this.lookupId('test_case_priorities', c.priority, cw).id,
        type_id: this.lookupId('test_case_types', c.type, cw).id,
        automation_type_id: this.lookupId('test_case_automation_types', c.automation_type, cw).id,
        owner_id: this.userId(c.owner, cw),
        label_ids: (c.labels ?? []).map((name) => this.labelId(name)),
        created_at: this.time + i * 60_000,
        updated_at: this.time + i * 60_000,
      };
      casesByHumanId.set(humanId.toUpperCase(), tc);
      this.data.test_cases.push(tc);
    });

    const plans = new Map<string, TestPlanRecord>();
    (p.test_plans ?? []).forEach((pl, i) => {
      const pw = `${where}.test_plans[${i}]`;
      const n = project.next_plan_number++;
      const humanId = `${prefix}-P-${n}`;
      const plan: TestPlanRecord = {
        seq: this.seq(),
        id: checkId(pl.id, `test_plan:${humanId}`, pw),
        project_id: project.id,
        number: n,
        human_id: humanId,
        title: pl.title,
        description: pl.description ?? '',
        status: pl.status ?? 'ACTIVE',
        start_date: pl.start_date ?? null,
        end_date: pl.end_date ?? null,
        label_ids: [],
        created_at: this.time,
        updated_at: this.time,
      };
      plans.set(humanId.toUpperCase(), plan);
      this.data.test_plans.push(plan);
    });

    (p.test_runs ?? []).forEach((r, i) => {
      const rw = `${where}.test_runs[${i}]`;
      const n = project.next_run_number++;
      const humanId = `${prefix}-R-${n}`;
      const selected = r.cases.map((ref) => {
        const tc = casesByHumanId.get(ref.toUpperCase());
        if (!tc) throw new SeedError(`${rw}: unknown case ${JSON.stringify(ref)}`);
        return tc;
      });
      const selection = [...new Set(selected)].sort((a, b) => a.seq - b.seq).map((tc) => tc.id);
      const results: Record<string, ResultRecord> = {};
      for (const res of r.results ?? []) {
        const tc = casesByHumanId.get(res.case.toUpperCase());
        if (!tc || !selection.includes(tc.id)) throw new SeedError(`${rw}: result for ${res.case}, which is not in the run`);
        const status = this.lookupId('test_run_statuses', res.status, rw);
        results[tc.id] = {
          status_id: status.id,
          status: status.name,
          user_id: this.userId(res.user, rw),
          description: res.description ?? '',
          attachments: [],
          updated_at: this.time,
          writes: 1,
        };
      }
      const plan = r.test_plan === undefined ? null : plans.get(r.test_plan.toUpperCase());
      if (plan === undefined) throw new SeedError(`${rw}: unknown test plan ${JSON.stringify(r.test_plan)}`);
      const run: TestRunRecord = {
        seq: this.seq(),
        id: checkId(r.id, `test_run:${humanId}`, rw),
        project_id: project.id,
        number: n,
        human_id: humanId,
        title: r.title,
        description: r.description ?? '',
        status: r.status ?? 'ACTIVE',
        selection_type: 'STATIC',
        start_date: r.start_date ?? null,
        end_date: r.end_date ?? null,
        assignee_id: r.assignee === undefined ? null : this.userId(r.assignee, rw),
        label_ids: (r.labels ?? []).map((name) => this.labelId(name)),
        test_plan_id: plan?.id ?? null,
        environment_ids: [],
        created_at: this.time,
        updated_at: this.time,
        selection,
        results,
      };
      this.data.test_runs.push(run);
    });
  }
}

/** Builds the stored data for a seed; throws SeedError naming the offending entry. */
export function buildStoreData(option: SeedOption): StoreData {
  const seed = resolveSeed(option);
  const builder = new Builder(seed);
  (seed.projects ?? []).forEach((p, i) => builder.project(p, i));
  return builder.data;
}

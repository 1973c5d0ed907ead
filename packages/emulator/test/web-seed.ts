// A small project for the web-view tests: a run with a failed case carrying an attachment, a passed case,
// an untested one, and titles and descriptions full of markup that must render as text.
import type { SeedObject } from '../src/index.js';
import type { Api, Json } from './helpers.js';

export const SCRIPT_TITLE = '<script>window.pwned = 1</script> checkout & "pay"';
export const FAILURE = 'AssertionError: expected <b>total</b> to be 12\n    at tests/cart.spec.ts:14:7';

export const WEB_SEED: SeedObject = {
  projects: [
    {
      name: 'Shop <Web>',
      human_id_prefix: 'SHOP',
      test_cases: [{ title: 'Add to cart' }, { title: SCRIPT_TITLE }, { title: 'Remove from cart' }],
      test_runs: [{ title: 'Seeded run', cases: ['SHOP-1'] }],
    },
  ],
};

/** Creates run SHOP-R-2 over SHOP-1..3 and records: SHOP-2 failed with a screenshot, SHOP-1 passed, SHOP-3 untested. */
export async function seedRunWithAttachment(api: Api): Promise<{ pid: string; run: Json }> {
  const state = api.emu.state();
  const pid = state.projects[0]?.id ?? '';
  const caseIds = state.test_cases.map((c) => c.id);
  const created = await api.call('POST', `/projects/${pid}/test_runs`, {
    title: 'Nightly <main> #7',
    description: 'CI run 7\nhttps://ci.example/7',
    static_selection_filters: [{ field: 'id', operator: 'IN', values: caseIds }],
    label_names: ['nightly'],
  });
  const run = created.json.data.test_run;
  const status = (name: string): string => state.lookups.test_run_statuses.find((s) => s.name === name)?.id ?? '';
  const user = state.users.find((u) => u.status === 'ACTIVE')?.id ?? '';
  const form = new FormData();
  form.append(
    'data',
    JSON.stringify({
      test_run_cases: [
        { test_case_id: caseIds[1], test_run_status_id: status('Failed'), user_id: user, description: FAILURE },
        { test_case_id: caseIds[0], test_run_status_id: status('Passed'), user_id: user, description: 'took 1.2 s' },
      ],
    }),
  );
  form.append('attachments_0_0', new Blob(['PNGDATA'], { type: 'image/png' }), 'failure <1>.png');
  const put = await api.call('PUT', `/projects/${pid}/test_runs/${run.id}/test_cases`, form);
  if (put.status !== 200) throw new Error(`recording results answered ${put.status}: ${put.text}`);
  return { pid, run };
}

// The built-in `demo` seed and the facts about it that tests may rely on.
import { seedId } from './ids.js';
import type { SeedObject, SeedTestCase } from './types.js';

type Row = [folder: string, title: string, priority: string, automation?: string, labels?: string[]];

// Titles include `&`, `<`, `€` and quotes on purpose: they must survive JSON, XML and multipart round trips.
const ROWS: Row[] = [
  ['Authentication', 'Login with valid email and password', 'Critical', 'Automated', ['smoke']],
  ['Authentication', 'Login fails with a wrong password', 'High'],
  ['Authentication', 'Account is locked after five failed logins', 'High'],
  ['Authentication', 'Password reset email is sent', 'High'],
  ['Authentication', 'Password reset link expires after 24 hours', 'Medium'],
  ['Authentication', 'Sign up with a new email address', 'Critical', 'Automated', ['smoke']],
  ['Authentication', 'Sign up rejects an email that is already registered', 'Medium'],
  ['Authentication', 'Logout clears the session', 'High'],
  ['Authentication', 'Remember me keeps the session for 30 days', 'Low', 'Not Automated'],
  ['Authentication', 'Two-factor authentication with an authenticator app', 'High', 'Not Automated'],
  ['Checkout', 'Add a single item to the cart', 'Critical', 'Automated', ['smoke']],
  ['Checkout', 'Update the item quantity in the cart', 'High'],
  ['Checkout', 'Remove an item from the cart', 'Medium'],
  ['Checkout', 'Apply a valid discount code', 'High', 'Automated', ['regression']],
  ['Checkout', 'Reject an expired discount code', 'Medium', 'Automated', ['regression']],
  ['Checkout', 'Guest checkout with a shipping address', 'Critical'],
  ['Checkout', 'Shipping cost is recalculated when the address changes', 'Medium'],
  ['Checkout', 'Order confirmation page shows the order number', 'High'],
  ['Checkout', 'Order confirmation email is sent', 'Medium', 'Not Automated'],
  ['Checkout', 'Cart is kept after logging in', 'Low'],
  ['Payments', 'Pay with a Visa credit card', 'Critical', 'Automated', ['payments', 'smoke']],
  ['Payments', 'Pay with a Mastercard debit card', 'High', 'Automated', ['payments']],
  ['Payments', 'A declined card shows a clear error', 'High', 'Automated', ['payments']],
  ['Payments', '3-D Secure challenge succeeds', 'High', 'Not Automated', ['payments']],
  ['Payments', 'Refund a paid order', 'Medium', 'Automated', ['payments']],
  ['Payments', 'Prices show the right currency symbol (€, £, $)', 'Low', 'Automated', ['payments']],
  ['Search', 'Search by exact product name', 'Critical', 'Automated', ['smoke']],
  ['Search', 'Search is case-insensitive', 'Medium'],
  ['Search', 'A search with no results shows suggestions', 'Medium'],
  ['Search', 'Filter search results by price range', 'Medium'],
  ['Search', 'Sort search results by newest first', 'Low'],
  ['Search', 'Search handles special characters like & and <', 'Medium', 'Automated', ['regression']],
  ['Search', 'Autocomplete suggests after three characters', 'Low'],
  ['Search', 'Paging through search results', 'Low'],
  ['Account Settings', 'Change the display name', 'Medium'],
  ['Account Settings', 'Changing the email address requires confirmation', 'High'],
  ['Account Settings', 'Change the password with the current password', 'High'],
  ['Account Settings', 'Upload a profile picture', 'Low'],
  ['Account Settings', 'Delete the account after confirmation', 'High', 'Not Automated'],
  ['Account Settings', 'Download a personal data export', 'Medium'],
  ['Account Settings', 'Switch the interface language to German', 'Low'],
  ['Account Settings', 'Set the "time zone" preference', 'Low'],
  ['Notifications', 'Email notification for shipped orders', 'Medium'],
  ['Notifications', 'Unsubscribe link in marketing emails', 'Medium', 'Cannot Be Automated'],
  ['Notifications', 'Push notification opt-in on the first visit', 'Low'],
  ['Notifications', 'Notification preferences are saved', 'Medium'],
  ['Notifications', 'In-app badge shows the unread count', 'Low'],
  ['Notifications', 'Mark all notifications as read', 'Low'],
  ['Notifications', 'Daily digest email is sent at 08:00 local time', 'Low', 'Not Automated'],
  ['Notifications', 'No notifications are sent to deleted accounts', 'High'],
];

const CASES: SeedTestCase[] = ROWS.map(([folder, title, priority, automation, labels], i) => ({
  title,
  description: `Verifies: ${title}.`,
  folder,
  status: 'Ready',
  priority,
  type: i % 7 === 0 ? 'Smoke' : 'Functional',
  automation_type: automation ?? 'Automated',
  owner: 'alice@example.com',
  labels: labels ?? [],
  steps: 'Open the application.\nPerform the action under test.',
  expected_results: 'The application is ready.\nThe outcome matches the title.',
}));

export const DEMO_SEED: SeedObject = {
  projects: [
    {
      name: 'Demo',
      human_id_prefix: 'DEMO',
      description: 'Demo project of the testsigma-tm emulator.',
      folders: [
        { name: 'Authentication' },
        { name: 'Checkout' },
        { name: 'Payments', parent: 'Checkout' },
        { name: 'Search' },
        { name: 'Account Settings' },
        { name: 'Notifications' },
      ],
      test_cases: CASES,
      test_plans: [{ title: 'Release 2.4', description: 'Everything that ships in 2.4.' }],
      test_runs: [
        {
          title: 'Sprint 41 regression',
          description: 'A finished run, kept to show a CLOSED run.',
          status: 'CLOSED',
          cases: ['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4', 'DEMO-5'],
          results: [
            { case: 'DEMO-1', status: 'Passed' },
            { case: 'DEMO-2', status: 'Passed' },
            { case: 'DEMO-3', status: 'Failed', description: 'Lockout after 6 attempts instead of 5.' },
            { case: 'DEMO-4', status: 'Skipped' },
          ],
          assignee: 'alice@example.com',
          test_plan: 'DEMO-P-1',
        },
      ],
    },
    {
      name: 'Sandbox',
      human_id_prefix: 'SBX',
      description: 'A second project, so that look-ups by name and project scoping are exercised.',
      folders: [{ name: 'General' }],
      test_cases: [
        { title: 'Health check answers 200', folder: 'General', status: 'Ready' },
        { title: 'Static pages load', folder: 'General', status: 'Draft' },
      ],
    },
  ],
};

/** Fixed facts of the `demo` seed. Ids are stable across starts (see `seedId`). */
export const DEMO_FACTS = {
  project: { id: seedId('project:DEMO'), name: 'Demo', prefix: 'DEMO' },
  sandboxProject: { id: seedId('project:SBX'), name: 'Sandbox', prefix: 'SBX' },
  caseCount: 50,
  folders: ['Authentication', 'Checkout', 'Payments', 'Search', 'Account Settings', 'Notifications'],
  users: {
    alice: { id: seedId('user:alice@example.com'), email: 'alice@example.com', status: 'ACTIVE' },
    bob: { id: seedId('user:bob@example.com'), email: 'bob@example.com', status: 'INACTIVE' },
  },
  /** DEMO-R-1, CLOSED, cases DEMO-1..5. New runs start at DEMO-R-2. */
  closedRun: { id: seedId('test_run:DEMO-R-1'), humanId: 'DEMO-R-1' },
  plan: { id: seedId('test_plan:DEMO-P-1'), humanId: 'DEMO-P-1' },
  /** UUID of test case DEMO-<n>. */
  caseId: (n: number): string => seedId(`test_case:DEMO-${n}`),
  /** UUID of a test run status by its default name (`Passed`, `Failed`, `In Progress`, ...). */
  runStatusId: (name: string): string => seedId(`lookup:test_run_statuses:${name}`),
  folderId: (name: string): string => seedId(`folder:DEMO:${name}`),
} as const;

// The generated parts of the READMEs: every settings table, the CLI's help, the error codes and the list of result
// formats come from core's settings table, ERROR_CODES and the formats registry, written between
// <!-- generated:NAME --> markers. `npm run docs` rewrites them; test/repo/docs.test.ts fails when a committed
// README is not what this script would write.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const core = (path) => import(new URL(`../packages/core/dist/${path}`, import.meta.url).href);

async function sections() {
  const { settingsReference } = await core('settings/reference.js');
  const { errorCodesReference } = await core('errors-reference.js');
  const { main } = await core('hosts/cli/main.js');
  const { FORMATS } = await core('formats/registry.js');
  // The registry is the one list of formats: this table is it, in detection order.
  const formats = ['| Format | Written by |', '| --- | --- |', ...FORMATS.map((f) => `| ${f.label} | ${f.writtenBy ?? ''} |`)].join('\n');
  const help = async (argv) => {
    const out = [];
    await main(argv, {}, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    return ['```', out.join('\n'), '```'].join('\n');
  };
  return {
    'action.yml': { inputs: actionInputs(await core('settings/table.js')) },
    'README.md': { formats, settings: settingsReference() },
    'packages/core/README.md': {
      formats,
      'cli-help': await help(['upload', '--help']),
      'cli-settings': settingsReference('cli'),
      'error-codes': errorCodesReference(),
    },
    'packages/jest-reporter/README.md': { options: settingsReference('reporter') },
    'packages/playwright-reporter/README.md': { options: settingsReference('reporter') },
  };
}

/** The Action's setting inputs, in action.yml's own layout; the Action-only inputs are written by hand around them. */
function actionInputs({ SETTINGS }) {
  const quote = (text) => `'${String(text).replace(/'/g, "''")}'`;
  const lines = [];
  for (const row of Object.values(SETTINGS)) {
    if (!row.input) continue;
    const plain = row.doc.replace(/`/g, '');
    // Never required: every input falls back to its variable (the token to TESTSIGMA_API_TOKEN, set in `env:`), and
    // a required input left out is flagged by workflow linters (actionlint) in a workflow that is right.
    lines.push(`  ${row.input}:`, `    description: ${quote(`${plain} Falls back to ${row.env}.`)}`, `    required: false`);
    const declared = row.actionDefault ?? row.default;
    const hasDefault = declared !== undefined && typeof declared !== 'object';
    if (hasDefault) lines.push(`    default: ${quote(declared)}`);
  }
  return lines.join('\n');
}

function replaceSection(text, name, content, file) {
  const yaml = file.endsWith('.yml');
  const start = yaml ? `# generated:${name}` : `<!-- generated:${name} -->`;
  const end = yaml ? `  # /generated:${name}` : `<!-- /generated:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** File → [committed text, generated text]. */
export async function generatedDocs() {
  const out = {};
  for (const [file, parts] of Object.entries(await sections())) {
    const committed = await readFile(`${ROOT}/${file}`, 'utf8');
    let text = committed;
    for (const [name, content] of Object.entries(parts)) text = replaceSection(text, name, content, file);
    out[file] = [committed, text];
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, [committed, generated]] of Object.entries(await generatedDocs())) {
    if (committed !== generated) {
      await writeFile(`${ROOT}/${file}`, generated);
      console.log(`updated ${file}`);
    }
  }
}

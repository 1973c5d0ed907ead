// testsigma-tm-emulator [--port 4010] [--seed demo|empty|FILE.json] [--token T] [--rate-limit N|off]
//                       [--pagination cursor|url] [--data FILE] [--faults FILE.json] [--max-body-bytes N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './index.js';
import type { EmulatorOptions, SeedObject } from './types.js';

const USAGE = `Usage: testsigma-tm-emulator [options]

  --port N              port to listen on (default 4010; 0 picks a free one)
  --host H              interface (default 127.0.0.1)
  --seed S              demo (default) | empty | path to a seed JSON file
  --token T             bearer token clients must send (default: random tms_emu_...)
  --rate-limit N|off    requests per second per token (default 10)
  --pagination M        cursor (default) | url
  --data FILE           keep state in FILE across restarts
  --faults FILE         fault rules (JSON) active from the start
  --max-body-bytes N    answer 413 above N bytes (default 8388608)
  -h, --help            show this help
`;

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function integer(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} expects a whole number; received ${JSON.stringify(value)}`);
  return Number(value);
}

function parseCliOptions(argv: string[]): EmulatorOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      token: { type: 'string' },
      'rate-limit': { type: 'string' },
      pagination: { type: 'string' },
      data: { type: 'string' },
      faults: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const options: EmulatorOptions = { port: values.port === undefined ? 4010 : integer(values.port, '--port') };
  if (values.host !== undefined) options.host = values.host;
  const seed = values.seed ?? 'demo';
  options.seed = seed === 'demo' || seed === 'empty' ? seed : (readJson(seed, 'seed file') as SeedObject);
  if (values.token !== undefined) options.token = values.token;
  const rate = values['rate-limit'];
  if (rate !== undefined) options.rateLimit = rate === 'off' ? false : { perSecond: integer(rate, '--rate-limit') };
  const pagination = values.pagination;
  if (pagination !== undefined) {
    if (pagination !== 'cursor' && pagination !== 'url') throw new Error(`--pagination expects cursor or url; received ${JSON.stringify(pagination)}`);
    options.pagination = pagination;
  }
  if (values.data !== undefined) options.dataFile = values.data;
  if (values.faults !== undefined) options.faults = readJson(values.faults, 'faults file') as EmulatorOptions['faults'];
  if (values['max-body-bytes'] !== undefined) options.maxBodyBytes = integer(values['max-body-bytes'], '--max-body-bytes');
  return options;
}

/** Starts the emulator and returns once it listens; it then runs until SIGINT or SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  let options: EmulatorOptions | 'help';
  try {
    options = parseCliOptions(argv);
  } catch (err) {
    process.stderr.write(`testsigma-tm-emulator: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    process.stderr.write(`testsigma-tm-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    return;
  }
  const { url, origin, token } = emulator;
  process.stdout.write(
    [
      'testsigma-tm-emulator is listening',
      `  URL:    ${url}`,
      `  Token:  ${token}`,
      `  Web:    ${origin}/  (read-only view of projects, runs and results)`,
      `  Admin:  ${origin}/__emulator/state`,
      `  Try:    curl -H "Authorization: Bearer ${token}" ${url}/projects`,
      options.dataFile === undefined ? '  State:  in memory' : `  State:  ${options.dataFile}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    emulator.close().then(
      () => process.stdout.write('testsigma-tm-emulator stopped\n'),
      (err: unknown) => {
        process.stderr.write(`testsigma-tm-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

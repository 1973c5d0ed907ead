// The real bin started as a child process (it loads dist/, so build first: tsc -p packages/emulator/tsconfig.build.json).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { read } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/testsigma-tm-emulator.js', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let dir = '';

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error('packages/emulator/dist is missing: run `npx tsc -p packages/emulator/tsconfig.build.json` first');
  dir = mkdtempSync(join(tmpdir(), 'tms-emu-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  url: string;
  token: string;
  output: () => string;
  exit: Promise<number | null>;
}

async function launch(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 10_000;
  while (!/Token:\s+\S+/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`emulator did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = /URL:\s+(\S+)/.exec(out)?.[1] ?? '';
  const token = /Token:\s+(\S+)/.exec(out)?.[1] ?? '';
  return { child, url, token, output: () => out, exit };
}

async function stop(running: Running): Promise<number | null> {
  running.child.kill('SIGTERM');
  return running.exit;
}

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('testsigma-tm-emulator CLI', () => {
  it('prints its URL, token and an example curl, serves the API and stops on SIGTERM', async () => {
    const emu = await launch(['--port', '0', '--seed', 'demo']);
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(emu.token).toMatch(/^tms_emu_[0-9a-f]{32}$/);
    expect(emu.output()).toContain(`curl -H "Authorization: Bearer ${emu.token}" ${emu.url}/projects`);
    const res = await read(await fetch(`${emu.url}/projects`, { headers: { authorization: `Bearer ${emu.token}` } }));
    expect(res.status).toBe(200);
    expect(res.json.data.projects[0].name).toBe('Demo');
    expect(await stop(emu)).toBe(0);
    expect(emu.output()).toContain('stopped');
  });

  it('takes --token, --rate-limit, --pagination and --faults', async () => {
    const faults = join(dir, 'faults.json');
    writeFileSync(faults, JSON.stringify({ rules: [{ kind: 'status', status: 503, route: 'GET /users', times: 1 }] }));
    const emu = await launch(['--port', '0', '--token', 'tms_emu_cli_token', '--rate-limit', 'off', '--pagination', 'url', '--faults', faults]);
    try {
      expect(emu.token).toBe('tms_emu_cli_token');
      const headers = { authorization: 'Bearer tms_emu_cli_token' };
      expect((await fetch(`${emu.url}/users`, { headers })).status).toBe(503);
      expect((await fetch(`${emu.url}/users`, { headers })).status).toBe(200);
      const projects = await read(await fetch(`${emu.url}/projects?page_size=1`, { headers }));
      expect(projects.json.page_info.next).toMatch(/^http:\/\/127\.0\.0\.1/);
      // --rate-limit off: nothing is refused, and the headers still announce the default limit.
      const burst = await Promise.all(Array.from({ length: 15 }, () => fetch(`${emu.url}/users`, { headers })));
      expect(burst.map((r) => r.status)).toEqual(Array(15).fill(200));
      expect(burst.map((r) => r.headers.get('x-tms-api-limit'))).toEqual(Array(15).fill('10'));
      expect(Math.min(...burst.map((r) => Number(r.headers.get('x-tms-api-remaining'))))).toBe(1);
    } finally {
      await stop(emu);
    }
  });

  it('keeps state across restarts with --data', async () => {
    const data = join(dir, 'state.json');
    const first = await launch(['--port', '0', '--data', data]);
    const headers = { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' };
    const projects = await read(await fetch(`${first.url}/projects?name__EQ=Demo`, { headers }));
    const pid: string = projects.json.data.projects[0].id;
    const created = await fetch(`${first.url}/projects/${pid}/test_runs`, { method: 'POST', headers, body: JSON.stringify({ title: 'from the CLI' }) });
    expect(created.status).toBe(201);
    await stop(first);

    const second = await launch(['--port', '0', '--data', data]);
    try {
      const runs = await read(
        await fetch(`${second.url}/projects/${pid}/test_runs?title__CONTAINS=CLI`, { headers: { authorization: `Bearer ${second.token}` } }),
      );
      expect(runs.json.data.test_runs.map((r: { title: string }) => r.title)).toEqual(['from the CLI']);
    } finally {
      await stop(second);
    }
  });

  it('exits 2 with usage on bad arguments, and prints help', async () => {
    const bad = await run(['--port', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--port expects a whole number');
    expect(bad.out).toContain('Usage:');
    const unknown = await run(['--frobnicate']);
    expect(unknown.code).toBe(2);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--rate-limit N|off');
  });
});

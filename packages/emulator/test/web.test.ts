// The web view over plain HTTP: pages, links, escaping, errors. The same pages in a real browser: web-browser.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Json } from './helpers.js';
import { start } from './helpers.js';
import { FAILURE, SCRIPT_TITLE, WEB_SEED, seedRunWithAttachment } from './web-seed.js';

let api: Api;
let pid: string;
let run: Json;

beforeAll(async () => {
  api = await start({ seed: WEB_SEED });
  ({ pid, run } = await seedRunWithAttachment(api));
});
afterAll(async () => {
  await api.emu.close();
});

async function getPage(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; html: string }> {
  const res = await fetch(`${api.emu.origin}${path}`, init);
  return { status: res.status, headers: res.headers, html: await res.text() };
}

const escaped = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe('web view', () => {
  it('serves the projects at / without a token, as HTML that allows no script, outside the request log', async () => {
    const requestsBefore = api.emu.state().requests.length;
    const home = await getPage('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(home.html).toContain(`<a href="/ui/projects/${pid}">Shop &lt;Web&gt;</a>`);
    expect(home.html).not.toMatch(/<script|src=|@import|url\(/i);
    expect(api.emu.state().requests).toHaveLength(requestsBefore);
  });

  it("lists a project's runs, newest first, with status and counts per result status", async () => {
    const project = await getPage(`/ui/projects/${pid}`);
    expect(project.status).toBe(200);
    const rows = project.html.split('<tr>').slice(2);
    expect(rows[0]).toContain(`<a href="/ui/projects/${pid}/test-runs/${run.id}">Nightly &lt;main&gt; #7</a>`);
    expect(rows[0]).toContain('SHOP-R-2');
    expect(rows[0]).toContain('<span class="badge s-active">ACTIVE</span>');
    expect(rows[0]).toContain(
      '<span><span class="badge s-passed">Passed</span> <b>1</b></span> <span><span class="badge s-failed">Failed</span> <b>1</b></span> <span><span class="badge s-untested">Untested</span> <b>1</b></span>',
    );
    expect(rows[1]).toContain('SHOP-R-1');
  });

  it('shows a run at the path the client links to: cases, results, descriptions and attachments, all escaped', async () => {
    const page = await getPage(`/ui/projects/${pid}/test-runs/${run.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<td>${escaped(SCRIPT_TITLE)}</td>`);
    expect(page.html).not.toContain('<script');
    expect(page.html).toContain(`<pre>${escaped(FAILURE)}</pre>`);
    expect(page.html).toContain('failure &lt;1&gt;.png <span class="muted">(7 B, image/png)</span>');
    expect(page.html).toContain('<pre>CI run 7\nhttps://ci.example/7</pre>');
    const byHumanId = await getPage(`/ui/projects/${pid}/test-runs/${run.human_id}`);
    expect(byHumanId.html).toBe(page.html);
  });

  it('answers unknown pages 404, other methods 405, and HEAD without a body', async () => {
    const unknownRun = await getPage(`/ui/projects/${pid}/test-runs/SHOP-R-99`);
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.html).toContain('Test run not found with ID: SHOP-R-99');
    const unknownProject = await getPage('/ui/projects/<img>');
    expect(unknownProject.status).toBe(404);
    expect(unknownProject.html).toContain('Project not found with ID: &lt;img&gt;');
    expect((await getPage('/ui/elsewhere')).status).toBe(404);
    const post = await getPage('/', { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const head = await getPage(`/ui/projects/${pid}`, { method: 'HEAD' });
    expect([head.status, head.html]).toEqual([200, '']);
    // The API keeps its own rules: a token is still needed there.
    expect((await getPage('/api/v1/projects')).status).toBe(401);
  });
});

// Building blocks of the web view: escaping, a page frame with inline CSS, small formatters. Every value
// that comes from data goes through `esc` (or `attr`); the pages contain no script at all, and the
// Content-Security-Policy the server sends forbids scripts anyway.

/** Escapes text for an HTML element's content or a quoted attribute value. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A path segment for a link (ids are UUIDs, but nothing is trusted). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

export function formatTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}

const KNOWN_STATUSES = new Set(['passed', 'failed', 'blocked', 'skipped', 'untested', 'inprogress', 'retest', 'active', 'closed']);

/** A coloured badge; the CSS class comes from a fixed list, never from the data itself. */
export function badge(status: string): string {
  const norm = status.replace(/[\s_-]+/g, '').toLowerCase();
  const cls = KNOWN_STATUSES.has(norm) ? norm : 'other';
  return `<span class="badge s-${cls}">${esc(status)}</span>`;
}

/** `Passed 3 · Failed 1 · Untested 2`, in the order given. */
export function counts(byStatus: [string, number][]): string {
  if (byStatus.length === 0) return '<span class="muted">no cases</span>';
  return `<span class="counts">${byStatus.map(([name, n]) => `<span>${badge(name)} <b>${n}</b></span>`).join(' ')}</span>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:10px 24px}
header a{color:#fff;text-decoration:none;font-weight:600}
header span{color:#9da7b1;margin-left:8px}
main{max-width:1200px;margin:0 auto;padding:16px 24px 40px}
nav.crumbs{margin:4px 0 12px;color:#57606a}
nav.crumbs a{color:#0969da}
h1{font-size:22px;margin:8px 0 4px}
h2{font-size:16px;margin:24px 0 8px}
a{color:#0969da}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid #d8dee4}
th{background:#f6f8fa;font-weight:600;white-space:nowrap}
td.id{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;max-height:24em;overflow:auto}
.meta{color:#57606a;margin:0 0 8px}
.muted{color:#8c959f}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;background:#eaeef2;color:#24292f;white-space:nowrap}
.s-passed{background:#dafbe1;color:#116329}.s-failed{background:#ffebe9;color:#a40e26}
.s-blocked{background:#fff1e5;color:#953800}.s-skipped{background:#eaeef2;color:#57606a}
.s-untested{background:#f6f8fa;color:#6e7781;border:1px solid #d0d7de}.s-inprogress,.s-retest{background:#ddf4ff;color:#0550ae}
.s-active{background:#ddf4ff;color:#0550ae}.s-closed{background:#eaeef2;color:#57606a}
.counts{display:inline-flex;flex-wrap:wrap;gap:4px 14px}
ul.files{margin:0;padding-left:16px}
.box{background:#fff;border:1px solid #d0d7de;padding:10px 12px;margin:8px 0}
`;

/** A whole page. `title` is plain text; `body` is HTML built from escaped values. */
export function page(title: string, crumbs: [href: string | null, label: string][], body: string): string {
  const trail = crumbs.map(([href, label]) => (href === null ? esc(label) : `<a href="${esc(href)}">${esc(label)}</a>`)).join(' / ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · testsigma-tm emulator</title>
<style>${CSS}</style>
</head>
<body>
<header><a href="/">testsigma-tm emulator</a><span>read-only view of its data</span></header>
<main>
<nav class="crumbs">${trail}</nav>
${body}
</main>
</body>
</html>
`;
}

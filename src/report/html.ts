// Shared pieces of every HTML report: escaping and one self-contained page shell (inline CSS, no
// external requests), so conformance and load reports look alike and work offline.

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON embedded in a <script type="application/json"> block, safe against `</script>` breakouts. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const BASE_CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#57606a;--err:#8250df;--bg:#fff;--fg:#1f2328;--muted:#57606a;--line:#d0d7de}
*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:#f6f8fa;padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-all}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-weight:600;color:#fff}
.pass{background:var(--pass)}.fail{background:var(--fail)}.warn{background:var(--warn)}.skip{background:var(--skip)}.error{background:var(--err)}
.muted{color:var(--muted)}details{margin:4px 0}summary{cursor:pointer}
`;

export interface PageOptions {
  title: string;
  /** Extra CSS for this kind of report. */
  css?: string;
  /** Already-escaped HTML of the body. */
  body: string;
  /** Inline script (already trusted code, e.g. an inlined chart library plus the drawing code). */
  script?: string;
}

export function htmlPage(options: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(options.title)}</title>
<style>${BASE_CSS}${options.css ?? ''}</style>
</head>
<body>
${options.body}
${options.script ? `<script>${options.script.replace(/<\/script/gi, '<\\/script')}</script>` : ''}
</body>
</html>
`;
}

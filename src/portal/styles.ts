import { createHash } from 'node:crypto'

/** The portal's stylesheet: small, no framework, readable from 360 px to desktop, visible focus everywhere. */
export const portalCss = `
:root { --brand: #1d4ed8; --ink: #111827; --muted: #4b5563; --line: #d1d5db; --bg: #f9fafb; --ok: #166534; --warn: #92400e; --bad: #991b1b; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--brand); }
:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 8px; z-index: 10; }
header.top { background: #fff; border-bottom: 4px solid var(--brand); }
.top-inner, main { max-width: 1100px; margin: 0 auto; padding: 12px 16px; }
.top-inner { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; justify-content: space-between; }
.brand { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 1.15rem; color: var(--ink); text-decoration: none; }
.brand img { max-height: 36px; }
nav.main ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; margin: 0; padding: 0; }
nav.main a { display: inline-block; padding: 6px 10px; border-radius: 6px; text-decoration: none; color: var(--ink); }
nav.main a[aria-current="page"] { background: var(--brand); color: #fff; }
.who { display: flex; align-items: center; gap: 8px; color: var(--muted); font-size: .9rem; }
h1 { font-size: 1.6rem; margin: 8px 0 16px; } h2 { font-size: 1.2rem; margin: 24px 0 8px; }
.cards { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.card .big { font-size: 1.4rem; font-weight: 700; font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
caption { text-align: left; font-weight: 600; padding: 8px 0; }
th, td { padding: 8px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td, tfoot th { font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .85rem; border: 1px solid currentColor; white-space: nowrap; }
.badge.paid, .badge.succeeded, .badge.issued { color: var(--ok); } .badge.overdue, .badge.failed, .badge.uncollectible { color: var(--bad); }
.badge.partially_paid, .badge.processing, .badge.pending { color: var(--warn); } .badge.void, .badge.canceled, .badge.refunded { color: var(--muted); }
form.stack { display: grid; gap: 12px; max-width: 420px; }
form.filters { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); align-items: end; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; margin-bottom: 16px; }
label { display: grid; gap: 4px; font-weight: 500; }
label.check { display: flex; gap: 8px; align-items: center; font-weight: 400; }
input, select, button { font: inherit; padding: 8px 10px; border: 1px solid #6b7280; border-radius: 6px; background: #fff; color: var(--ink); min-height: 44px; }
input[type=checkbox] { min-height: auto; width: 20px; height: 20px; }
button, .button { background: var(--brand); color: #fff; border-color: var(--brand); cursor: pointer; font-weight: 600; text-decoration: none; display: inline-flex; align-items: center; justify-content: center; }
button.link { background: none; border: none; color: var(--brand); padding: 0; min-height: auto; font-weight: 400; text-decoration: underline; }
.notice { padding: 10px 12px; border-radius: 6px; border: 1px solid var(--line); background: #fff; margin: 0 0 16px; }
.notice.error { border-color: var(--bad); color: var(--bad); } .notice.ok { border-color: var(--ok); color: var(--ok); }
.pager { display: flex; gap: 12px; align-items: center; justify-content: space-between; margin: 12px 0; }
.totals { margin-left: auto; max-width: 420px; }
.pay { border: 2px solid var(--brand); }
.actions { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
td.select { width: 1%; }
.muted { color: var(--muted); }
footer.legal { max-width: 1100px; margin: 32px auto; padding: 0 16px; color: var(--muted); font-size: .85rem; }
.auth { max-width: 440px; margin: 32px auto; }
@media (max-width: 640px) {
  table.responsive thead { position: absolute; left: -9999px; }
  table.responsive, table.responsive tbody, table.responsive tr, table.responsive td { display: block; width: 100%; }
  table.responsive tr { border-bottom: 2px solid var(--line); padding: 4px 0; }
  table.responsive td { border: none; display: flex; justify-content: space-between; gap: 12px; text-align: right; }
  table.responsive td::before { content: attr(data-label); font-weight: 600; text-align: left; color: var(--muted); }
  h1 { font-size: 1.35rem; }
}
`

/**
 * The stylesheet is served, not inlined: inlined, every page carried it twice (in its HTML and again
 * in its RSC payload) and rendered it each time; served under a versioned URL, a browser fetches it
 * once per release. Mounted on the portal's route handler, at `<route>/api/styles.css`.
 */
export const STYLESHEET = 'styles.css'
const version = createHash('sha256').update(portalCss).digest('hex').slice(0, 12)

export const stylesheetHref = (route: string) => `${route}/api/${STYLESHEET}?v=${version}`

/** Cached for a year under this release's version; under any other (a page from before a release), revalidated. */
export function stylesheet(request: Request): Response {
  const current = new URL(request.url).searchParams.get('v') === version
  return new Response(portalCss, {
    headers: { 'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'no-cache', 'Content-Type': 'text/css; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  })
}

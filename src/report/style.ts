/**
 * The report's stylesheet: states have one colour each across charts and
 * table (completed blue, stopped grey and dimmed, errored red, paused
 * and running amber), and the best trial stands out.
 */
export const PAGE_STYLE = `
:root { --completed: #1f77b4; --stopped: #8c8c8c; --errored: #d62728; --paused: #e69f00; --best: #ff7f0e; --ink: #222; --muted: #666; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fafafa; }
header, nav, main, footer { max-width: 1320px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 16px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 0 0 2px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
nav { position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ddd; padding-top: 8px; padding-bottom: 8px; z-index: 1; }
nav a { margin-right: 14px; color: var(--completed); text-decoration: none; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 16px; padding-top: 12px; }
section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 12px 14px; min-width: 0; }
#parallel, #slice, #table { grid-column: 1 / -1; }
.stack { display: grid; gap: 16px; align-content: start; min-width: 0; }
.caption { color: var(--muted); margin: 0 0 8px; font-size: 13px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); gap: 8px; }
svg.chart { width: 100%; height: auto; display: block; font-size: 11px; }
svg.defs { position: absolute; }
.axis line { stroke: #444; }
.axis text { fill: #444; }
.axis .title { fill: var(--ink); font-weight: 600; font-size: 12px; }
.grid-lines line { stroke: #eee; }
.legend text { fill: var(--muted); font-size: 10px; }
.pt:not([fill]) { fill: var(--completed); }
.pt.stopped:not([fill]) { fill: var(--stopped); }
.pt.errored:not([fill]) { fill: var(--errored); }
.pt.paused:not([fill]), .pt.running:not([fill]), .pt.pending:not([fill]) { fill: var(--paused); }
circle.pt { stroke: #fff; stroke-width: 0.6; }
[data-chart="slice"] circle.pt { stroke: none; opacity: 0.85; }
[data-chart="contour"] circle.pt { fill: #fff; stroke: #222; stroke-width: 1; }
path.pt.stop { fill: none; stroke: var(--stopped); stroke-width: 1.6; }
path.pt.stop.errored { stroke: var(--errored); }
polyline.ln { fill: none; stroke-width: 1.2; opacity: 0.75; }
polyline.ln:not([stroke]) { stroke: var(--completed); }
[data-chart="curves"] polyline.ln.stopped { stroke: var(--stopped); opacity: 0.45; }
[data-chart="curves"] polyline.ln.errored { stroke: var(--errored); opacity: 0.8; }
[data-chart="curves"] polyline.ln.paused, [data-chart="curves"] polyline.ln.running { stroke: var(--paused); stroke-dasharray: 4 2; }
circle.pt.open:not([fill]) { fill: #fff; stroke: var(--paused); stroke-width: 1.6; }
[data-chart="curves"] polyline.ln.best { stroke: var(--best); stroke-width: 3; opacity: 1; }
[data-chart="parallel"] polyline.ln { opacity: 0.7; }
[data-chart="parallel"] polyline.ln.stopped { stroke-dasharray: 4 3; opacity: 0.45; }
polyline.ln:hover { stroke-width: 3; opacity: 1; }
path.best-line { fill: none; stroke: var(--best); stroke-width: 2; }
path.edf { fill: none; stroke: var(--completed); stroke-width: 1.6; }
path.ln.front { fill: none; stroke: var(--best); stroke-width: 1.6; }
[data-chart="pareto"] circle.pt.front { fill: var(--best); stroke: #222; stroke-width: 0.8; }
[data-chart="edf"] .pt { fill: var(--completed); }
.bar { fill: var(--completed); }
.cell { stroke: #fff; stroke-width: 0.5; }
[data-chart="parallel"] .axis .tick { font-size: 10px; }
/* A white halo keeps axis labels readable where lines cross them. */
[data-chart="parallel"] .axis text { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.empty { color: var(--muted); font-style: italic; }
.controls { display: flex; gap: 10px; align-items: center; margin-bottom: 8px; }
.controls input { width: 260px; padding: 4px 6px; }
#trial-count { color: var(--muted); }
.table-wrap { overflow: auto; max-height: 640px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th { position: sticky; top: 0; background: #f0f0f0; text-align: left; }
th button { all: unset; cursor: pointer; padding: 4px 8px; display: block; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
td { padding: 3px 8px; border-top: 1px solid #eee; max-width: 360px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
tr[data-state="stopped"] td { color: var(--muted); }
tr[data-state="errored"] td:nth-child(2) { color: var(--errored); }
tr[data-state="paused"] td:nth-child(2), tr[data-state="running"] td:nth-child(2) { color: var(--paused); }
tr.best td, tr.front td { background: #fff4e5; font-weight: 600; }
#tip { position: absolute; pointer-events: none; background: rgba(25, 25, 25, 0.92); color: #fff; padding: 6px 9px; border-radius: 4px; font-size: 12px; white-space: pre; z-index: 10; }
svg .hl { stroke: #000 !important; stroke-width: 2.5px !important; opacity: 1 !important; }
tr.hl td { background: #fff1b8; }
footer { color: var(--muted); font-size: 12px; padding: 16px 20px 24px; }
`

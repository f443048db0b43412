/** The report's whole stylesheet, inline: system fonts only, nothing fetched. Prints on A4/Letter. */
export const REPORT_CSS = `
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #f6f7f9; --card: #fff; --accent: #0072b2; --good: #1b7f3b; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 48px; }
header.report { border-bottom: 3px solid var(--accent); margin-bottom: 20px; padding-bottom: 8px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); overflow-wrap: anywhere; }
h3 { font-size: 16px; margin: 20px 0 8px; overflow-wrap: anywhere; }
p { margin: 6px 0; }
.muted, figcaption { color: var(--muted); font-size: 12.5px; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 12px 0; break-inside: avoid; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px; margin: 12px 0; }
.metric { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; overflow-wrap: anywhere; }
.metric h3 { margin: 0 0 6px; font-size: 14px; }
.metric .big { font-size: 22px; font-weight: 600; }
.metric dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 6px 0 0; font-size: 13px; }
.metric dt { color: var(--muted); }
.metric dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
.verdict { border-left: 4px solid var(--accent); background: #eef5fb; padding: 8px 12px; margin: 8px 0; border-radius: 0 6px 6px 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e5e9f0; vertical-align: middle; }
.badge.completed { background: #d9f2e0; color: var(--good); }
.badge.cancelled, .badge.incomplete, .badge.failed { background: #fbe3e1; color: var(--bad); }
.badge.busy { background: #fbe3e1; color: var(--bad); }
.badge.noisy { background: #fff4d6; color: #7a5a00; }
.badge.quiet { background: #d9f2e0; color: var(--good); }
.quality { padding: 6px 10px; border-radius: 6px; border: 1px solid #e5e9f0; }
.quality.busy { border-color: var(--bad); }
.quality.noisy { background: #fffaf0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; background: var(--card); }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
.table-wrap { overflow-x: auto; }
th { background: #eef1f5; font-weight: 600; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.profile { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 4px 0; }
dl.profile dt { color: var(--muted); }
dl.profile dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 8px 0 16px; }
figure.chart svg { width: 100%; height: auto; display: block; background: var(--card); }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; fill: #333; }
svg .axis .grid { stroke: #e7eaf0; }
svg .axis .tick, svg .axis .baseline { stroke: #888; }
svg .axis .title { fill: var(--muted); font-size: 11.5px; }
svg .axis .grid.minor { stroke: #f1f3f6; }
svg text.ceiling-label { font-size: 11px; fill: #333; }
svg text.cell { font-size: 11px; fill: #111; }
svg text.cell.on-dark { fill: #fff; }
svg text.lang { font-weight: 600; }
svg text.corner { fill: var(--muted); font-size: 9px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; align-items: start; }
.charts figure { margin: 0; }
figure.bars svg { max-width: 760px; }
section.card > h3:first-child { margin-top: 0; }
.heats { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.heats figure { margin: 0; }
.heat-key { display: flex; align-items: center; gap: 0; font-size: 11px; color: var(--muted); margin: 4px 0 8px; }
.heat-key span { display: inline-block; width: 34px; text-align: center; padding: 2px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12.5px; margin: 4px 0; overflow-wrap: anywhere; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.warnings li { color: var(--bad); overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12.5px; background: #f0f2f5; padding: 8px; border-radius: 6px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; } section.card, .metric { border-color: #ccc; } h2 { break-before: auto; } figure { break-inside: avoid; } }
`;

"""A self-contained HTML report of evaluation runs: tables and inline SVG charts, no scripts, no
network (works offline, in an air-gapped agency, attached to a ticket)."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from charter.errors import NotFound
from charter.evals.breakdown import breakdown
from charter.evals.compare import compare_runs, lower_is_better
from charter.evals.experiments import run_dict, run_scored
from charter.evals.tables import eval_datasets, eval_runs
from charter.prompts.tables import prompt_versions, prompts

__all__ = ["bar_chart", "histogram", "render_report"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b1f24;max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccd;padding:.25rem .5rem;font-size:.85rem}
th{background:#eef1f5;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#a40000;font-weight:600}.good{color:#05620f}.muted{color:#667}
.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{font-size:.8rem;color:#445}
"""

_COLOURS = ("#3465a4", "#f57900", "#4e9a06", "#75507b", "#c17d11", "#cc0000", "#06989a", "#555753")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _num(value: Any) -> str:
    return "" if value is None else f"{value:.4g}"


def bar_chart(title: str, bars: Sequence[tuple[str, float]], *, width: int = 480) -> str:
    """Horizontal bars, one per run, as an inline SVG."""
    row, label_w = 22, 170
    height = row * len(bars) + 30
    finite = [v for _, v in bars if math.isfinite(v)]
    top = max([abs(v) for v in finite] + [1e-12])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(title)}"><title>{_e(title)}</title>'
    ]
    for i, (label, value) in enumerate(bars):
        y = 20 + i * row
        length = 0 if not math.isfinite(value) else (width - label_w - 70) * abs(value) / top
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">{_e(label[-26:])}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 7}" '
            f'fill="{_COLOURS[i % len(_COLOURS)]}"/>'
        )
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 14}" font-size="11">{_num(value)}</text>')
    parts.append(f'<text x="0" y="12" font-size="12" font-weight="600">{_e(title)}</text></svg>')
    return "".join(parts)


def histogram(title: str, values: Sequence[float], *, bins: int = 10, width: int = 260, height: int = 120) -> str:
    """Distribution of per-item scores as an inline SVG."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / span * bins))] += 1
    peak = max(counts)
    bar_w = (width - 20) / bins
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" role="img" '
        f'aria-label="{_e(title)}"><title>{_e(title)}</title>'
    ]
    for i, count in enumerate(counts):
        h = (height - 20) * count / peak
        parts.append(
            f'<rect x="{10 + i * bar_w:.1f}" y="{height - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
            f'fill="#3465a4"><title>{count}</title></rect>'
        )
    parts.append(f'<text x="10" y="{height + 14}" font-size="10">{_num(lo)}</text>')
    parts.append(f'<text x="{width - 10}" y="{height + 14}" font-size="10" text-anchor="end">{_num(hi)}</text>')
    parts.append(f'<text x="10" y="12" font-size="11" font-weight="600">{_e(title)}</text></svg>')
    return "".join(parts)


def _ci_chart(metrics: dict[str, Any], *, width: int = 520) -> str:
    """Each metric's mean paired delta with its interval, around zero."""
    rows = [(m, v) for m, v in metrics.items() if v["ci_low"] is not None]
    if not rows:
        return ""
    reach = max(max(abs(v["ci_low"]), abs(v["ci_high"]), abs(v["mean_item_delta"] or 0)) for _, v in rows) or 1.0
    mid, half, row = 180 + (width - 200) / 2, (width - 200) / 2, 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(rows) + 30}" role="img" '
        'aria-label="paired deltas with confidence intervals">',
        f'<line x1="{mid}" y1="16" x2="{mid}" y2="{row * len(rows) + 24}" stroke="#999" stroke-dasharray="3"/>',
    ]
    for i, (metric, v) in enumerate(rows):
        y = 28 + i * row
        x0, x1 = mid + half * v["ci_low"] / reach, mid + half * v["ci_high"] / reach
        xm = mid + half * (v["mean_item_delta"] or 0) / reach
        colour = "#a40000" if v["regressed"] else "#333"
        parts.append(f'<text x="170" y="{y + 4}" font-size="11" text-anchor="end">{_e(metric)}</text>')
        parts.append(f'<line x1="{x0:.1f}" y1="{y}" x2="{x1:.1f}" y2="{y}" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<circle cx="{xm:.1f}" cy="{y}" r="3.5" fill="{colour}"/>')
    parts.append('<text x="180" y="12" font-size="11">paired delta (B - A), 0 dashed</text></svg>')
    return "".join(parts)


def _runs(conn: Connection, tenant_id: str, ids: Sequence[str]) -> list[Any]:
    rows = conn.execute(
        select(eval_runs)
        .where(eval_runs.c.tenant_id == tenant_id, eval_runs.c.experiment_id.in_(ids) | eval_runs.c.id.in_(ids))
        .order_by(eval_runs.c.started_at, eval_runs.c.id)
    ).all()
    return list(rows)


def _variant(conn: Connection, run: Any) -> str:
    if run.prompt_version_id is None:
        return str(run.model)
    row = conn.execute(
        select(prompts.c.name, prompt_versions.c.version)
        .join(prompts, prompts.c.id == prompt_versions.c.prompt_id)
        .where(prompt_versions.c.id == run.prompt_version_id)
    ).first()
    return f"{row.name}@{row.version} x {run.model}" if row else str(run.model)


def _summary(conn: Connection, runs: Sequence[Any], names: dict[str, str]) -> list[str]:
    metrics = sorted({m for r in runs for m in (r.aggregates or {})})
    head = "".join(f"<th>{_e(m)}{' ↓' if lower_is_better(m) else ''}</th>" for m in metrics)
    out = [
        "<h2>Runs</h2>",
        f"<table><tr><th>run</th><th>variant</th><th>dataset</th><th>status</th><th>items</th><th>seed</th>{head}</tr>",
    ]
    for r in runs:
        ds = conn.execute(
            select(eval_datasets.c.name, eval_datasets.c.version).where(eval_datasets.c.id == r.dataset_id)
        ).first()
        cells = "".join(f'<td class="num">{_num((r.aggregates or {}).get(m))}</td>' for m in metrics)
        out.append(
            f"<tr><td>{_e(r.id)}</td><td>{_e(names[r.id])}</td><td>{_e(ds.name if ds else '')}@"
            f'{_e(ds.version if ds else "")}</td><td>{_e(r.status)}</td><td class="num">{r.done_count}/'
            f'{r.item_count}</td><td class="num">{r.seed}</td>{cells}</tr>'
        )
    out.append('</table><p class="muted">↓ lower is better</p><h2>Metrics</h2><div class="charts">')
    for m in metrics:
        bars = [(names[r.id], float((r.aggregates or {}).get(m, float("nan")))) for r in runs]
        out.append(f"<figure>{bar_chart(m, bars)}</figure>")
    out.append("</div>")
    return out


def _distributions(conn: Connection, tenant_id: str, runs: Sequence[Any], names: dict[str, str]) -> list[str]:
    out = ["<h2>Per-item score distributions</h2>"]
    for r in runs:
        per_metric: dict[str, list[float]] = {}
        for _, _, scores in run_scored(conn, tenant_id, r.id):
            for values in scores.values():
                for metric, value in values.items():
                    per_metric.setdefault(metric, []).append(float(value))
        charts = "".join(f"<figure>{histogram(m, v)}</figure>" for m, v in sorted(per_metric.items()))
        out.append(
            f'<h3>{_e(names[r.id])} <span class="muted">{_e(r.id)}</span></h3><div class="charts">{charts}</div>'
        )
    return out


def _comparison(conn: Connection, tenant_id: str, a: Any, b: Any, names: dict[str, str]) -> list[str]:
    data = compare_runs(conn, tenant_id, a.id, b.id)
    out = [
        f"<h2>Comparison: {_e(names[b.id])} (B) against {_e(names[a.id])} (A)</h2>",
        f"<p>{data['items_compared']} paired items, {data['confidence']:.0%} bootstrap intervals "
        f"({data['resamples']} resamples, seed {data['seed']}).</p>",
        _ci_chart(data["metrics"]),
        "<table><tr><th>metric</th><th>A</th><th>B</th><th>delta</th><th>interval</th><th></th></tr>",
    ]
    for metric, v in data["metrics"].items():
        interval = "" if v["ci_low"] is None else f"[{v['ci_low']:.4g}, {v['ci_high']:.4g}]"
        flag = '<span class="bad">regressed</span>' if v["regressed"] else ""
        out.append(
            f'<tr><td>{_e(metric)}</td><td class="num">{_num(v["a"])}</td><td class="num">'
            f'{_num(v["b"])}</td><td class="num">{_num(v["delta"])}</td><td>{interval}</td><td>{flag}</td></tr>'
        )
    out.append("</table>")
    for metric, v in data["metrics"].items():
        if v["regressed"] and v["regressed_items"]:
            out.append(
                f"<h3>Items that got worse on {_e(metric)}</h3><table><tr><th>#</th><th>input</th><th>A</th>"
                "<th>B</th></tr>"
            )
            out += [
                f'<tr><td>{i["item"]}</td><td>{_e(i["input"])}</td><td class="num">{_num(i["a"])}</td>'
                f'<td class="num">{_num(i["b"])}</td></tr>'
                for i in v["regressed_items"]
            ]
            out.append("</table>")
    return out


def _segments(conn: Connection, tenant_id: str, runs: Sequence[Any], names: dict[str, str]) -> list[str]:
    """Per-tag and per-group tables (ME-4), for runs whose items fall into more than one segment."""
    out: list[str] = []
    for r in runs:
        for by in ("tag", "group", "language"):
            data = breakdown(conn, tenant_id, r.id, by=by)
            if len(data["segments"]) < 2:
                continue
            metrics = sorted({m for seg in data["segments"].values() for m in seg if m != "items"})
            head = "".join(f"<th>{_e(m)}</th>" for m in metrics)
            out.append(f"<h3>{_e(names[r.id])} by {_e(by)}</h3><table><tr><th>{_e(by)}</th><th>items</th>{head}</tr>")
            for segment, seg in data["segments"].items():
                cells = "".join(f'<td class="num">{_num(seg.get(m))}</td>' for m in metrics)
                out.append(f'<tr><td>{_e(segment)}</td><td class="num">{seg["items"]}</td>{cells}</tr>')
            gaps = "".join(f'<td class="num">{_num(data["gaps"].get(m))}</td>' for m in metrics)
            out.append(f"<tr><th>widest gap</th><td></td>{gaps}</tr></table>")
    return ["<h2>By segment</h2>", *out] if out else []


def render_report(conn: Connection, tenant_id: str, ids: Sequence[str]) -> str:
    """The HTML report for these experiments and/or runs; two runs over one dataset are compared."""
    runs = _runs(conn, tenant_id, ids)
    if not runs:
        raise NotFound("no runs match those ids; list them with `charter eval runs`")
    names = {r.id: _variant(conn, r) for r in runs}
    body = [
        f'<h1>Charter evaluation report</h1><p class="muted">Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} '
        f"UTC for {_e(', '.join(ids))}.</p>"
    ]
    body += _summary(conn, runs, names)
    if len(runs) == 2 and runs[0].dataset_id == runs[1].dataset_id:
        body += _comparison(conn, tenant_id, runs[0], runs[1], names)
    body += _segments(conn, tenant_id, runs, names)
    body += _distributions(conn, tenant_id, runs, names)
    body.append(f"<h2>Run details</h2><pre>{_e(_details(runs))}</pre>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Charter evaluation report</title>'
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>"
    )


def _details(runs: Sequence[Any]) -> str:
    import json

    return json.dumps(
        [
            {k: v for k, v in run_dict(r).items() if k != "aggregates"}
            | {"evaluators": r.evaluators, "params": r.params}
            for r in runs
        ],
        indent=2,
        default=str,
    )

"""Charts drawn on the server as inline SVG: they read without JavaScript, carry their own text
alternative (``<title>`` and ``<desc>`` named by ``aria-labelledby``) and are always shown beside a
table of the same figures. No inline style: colours and line patterns are classes in console.css,
and series differ by line pattern and marker as well as by colour (WCAG 1.4.1).

Only numbers and escaped text go into the markup; every value is formatted here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Interval", "Series", "interval_chart", "line_chart"]

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True, slots=True)
class Interval:
    """One metric's difference (``mid``) with its confidence interval ``[low, high]``."""

    name: str
    low: float | None
    mid: float | None
    high: float | None
    worse: bool = False


def number(value: float | None, digits: int = 3) -> str:
    """A figure as the tables show it: ``—`` for none, integers plainly, others to ``digits`` significant."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) < 1:
        return f"{value:,.{digits}g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _nice_max(top: float) -> float:
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if top <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def _svg(n: str, title: str, desc: str, body: list[str], height: int = HEIGHT) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{n}-t {n}-d" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{n}-t">{escape(title)}</title>'
        f'<desc id="{n}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 (every text escaped above, numbers formatted)


def line_chart(ident: str, title: str, labels: Sequence[str], series: Sequence[Series], *, unit: str = "") -> Markup:
    """Lines over time, ``ident`` unique in the page (``labels``: one per bucket; the first and the last
    are written under the axis)."""
    values = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max(values, default=0.0))
    n = max(1, len(labels))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    body = [f'<g class="axis" aria-hidden="true"><line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
            f'y2="{TOP + plot_h}"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>']
    for frac in (0, 0.5, 1):
        ty = TOP + plot_h * (1 - frac)
        body.append(f'<line class="grid" x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}"/>'
                    f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">{escape(number(top * frac))}</text>')
    if labels:
        body.append(f'<text x="{LEFT}" y="{HEIGHT - 14}">{escape(labels[0])}</text>'
                    f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 14}" text-anchor="end">{escape(labels[-1])}</text>')
    body.append("</g>")
    for k, s in enumerate(series):
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if not points:
            continue
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(f'<g class="series s{k % 4}" aria-hidden="true"><polyline points="{path}"/>')
        body.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5"/>' if k % 2 == 0 else
                    f'<rect x="{px - 2.5:.1f}" y="{py - 2.5:.1f}" width="5" height="5"/>' for px, py in points)
        body.append("</g>")
    peak = ", ".join(f"{s.name}: highest {number(max((v for v in s.values if v is not None), default=None))}"
                     f"{' ' + unit if unit else ''}" for s in series)
    span = f"from {labels[0]} to {labels[-1]}" if labels else "no period"
    return _svg(ident, title, f"{title}, {len(labels)} points {span}. {peak}. The table below has every value.", body)


def interval_chart(ident: str, title: str, intervals: Sequence[Interval]) -> Markup:
    """Each metric's difference as a dot on a horizontal line from its interval's low to high end,
    around a vertical line at zero; a regression is drawn in the warning colour."""
    known = [iv for iv in intervals if iv.mid is not None]
    reach = max((abs(v) for iv in known for v in (iv.low, iv.mid, iv.high) if v is not None), default=1.0) or 1.0
    reach = _nice_max(reach)
    row, left = 28, 200
    height = TOP + BOTTOM + row * max(1, len(intervals))
    plot_w = WIDTH - left - RIGHT

    def x(v: float) -> float:
        return left + plot_w * (v + reach) / (2 * reach)

    body = ['<g class="axis" aria-hidden="true">']
    for v in (-reach, 0.0, reach):
        body.append(f'<line class="{"zero" if v == 0 else "grid"}" x1="{x(v):.1f}" y1="{TOP}" x2="{x(v):.1f}" '
                    f'y2="{height - BOTTOM}"/><text x="{x(v):.1f}" y="{height - BOTTOM + 16}" '
                    f'text-anchor="middle">{escape(number(v))}</text>')
    body.append("</g>")
    for i, iv in enumerate(intervals):
        cy = TOP + row * i + row / 2
        body.append(f'<text x="{left - 8}" y="{cy + 4:.1f}" text-anchor="end" aria-hidden="true">{escape(iv.name)}'
                    "</text>")
        if iv.mid is None:
            continue
        cls = "series s3 worse" if iv.worse else "series s0"
        low, high = iv.low if iv.low is not None else iv.mid, iv.high if iv.high is not None else iv.mid
        body.append(f'<g class="{cls}" aria-hidden="true"><line x1="{x(low):.1f}" y1="{cy:.1f}" x2="{x(high):.1f}" '
                    f'y2="{cy:.1f}"/><circle cx="{x(iv.mid):.1f}" cy="{cy:.1f}" r="4"/></g>')
    worse = [iv.name for iv in intervals if iv.worse]
    desc = (f"{title}: {len(intervals)} metrics, each the difference B minus A with its confidence interval. "
            + (f"Regressed: {', '.join(worse)}." if worse else "No metric regressed.")
            + " The table below has every value.")
    return _svg(ident, title, desc, body, height)

"""The console's server-drawn charts and the monitoring buckets: text escaped, a text alternative on
every chart, no inline style, figures formatted one way, buckets on whole days and hours."""

from __future__ import annotations

import datetime as dt
import re

from charter.console.charts import Interval, Series, interval_chart, line_chart, number
from charter.monitor.timeline import Period


def test_md_a_line_chart_escapes_its_text_and_names_its_title_and_description() -> None:
    svg = str(line_chart("c1", "Traffic <script>", ["2026-12-01", "2026-12-02"],
                         [Series("a&b", [1.0, None]), Series("p95", [0.0, 3.0])], unit="ms"))
    assert svg.startswith('<svg class="chart" viewBox="0 0 720 220" role="img" aria-labelledby="c1-t c1-d"')
    assert '<title id="c1-t">Traffic &lt;script&gt;</title>' in svg and "<script>" not in svg
    desc = re.search(r'<desc id="c1-d">([^<]*)</desc>', svg)
    assert desc and "a&amp;b: highest 1 ms, p95: highest 3 ms" in desc.group(1)
    assert " style=" not in svg and svg.count("<polyline") == 2
    assert svg.count("<circle") == 1 and svg.count("<rect") == 2  # the second series' markers are squares


def test_me_an_interval_chart_marks_the_regressions() -> None:
    svg = str(interval_chart("c2", "B minus A", [Interval("exact_match", -0.8, -0.5, -0.2, worse=True),
                                                 Interval("latency_ms", None, None, None)]))
    assert 'class="series s3 worse"' in svg and "Regressed: exact_match." in svg
    assert svg.count("<circle") == 1  # a metric without pairs has no dot


def test_md_figures_read_the_same_everywhere() -> None:
    assert [number(v) for v in (None, float("nan"), 3, 2.5, 11.17, 1234567.891, 0.000123, -0.5)] == [
        "—", "—", "3", "2.5", "11.17", "1,234,567.89", "0.000123", "-0.5"]


def test_md_buckets_start_on_whole_days_and_hours_and_hold_now() -> None:
    now = dt.datetime(2026, 12, 5, 20, 54, 7, tzinfo=dt.UTC)
    days = Period.last(7, now=now)
    assert (days.since, days.until, days.buckets) == (dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
                                                      dt.datetime(2026, 12, 6, tzinfo=dt.UTC), 7)
    assert days.index(now) == 6 and days.index(days.since) == 0 and days.index(days.until) is None
    assert days.index(now.replace(tzinfo=None)) == 6  # a naive time from SQLite is UTC
    hours = Period.last(1, now=now, buckets=24)
    assert hours.until == dt.datetime(2026, 12, 5, 21, tzinfo=dt.UTC) and hours.index(now) == 23

"""Prometheus metrics (ME-1): what every exchange did, counted where it is recorded, and what the
store holds, read when Prometheus scrapes ``GET /metrics`` (docs/operations.md, Monitoring, Metrics).

Two kinds of series, one registry per :class:`~charter.runtime.Runtime` (``rt.parts["metrics"]``,
never prometheus_client's global registry):

* **per exchange** (:meth:`Metrics.observe`, called once by the record stage for every recorded
  exchange and by the pipeline for a rate-limit refusal, which is counted but not recorded):
  requests, errors by code, latency and time to first token, tokens, cost, guard verdicts, and the
  circuit breaker of the model an exchange tried. Under ``charter serve --workers N`` each worker
  writes these to prometheus_client's multiprocess files (``PROMETHEUS_MULTIPROC_DIR``, set by
  :func:`prepare_multiprocess_dir` before the workers start) and a scrape of any worker sums them all.
* **from the store** (:class:`StoreCollector`, computed at scrape time, kept ``metrics_store_cache_s``
  seconds): review queue depth and oldest age, review items by kind and status, feedback by rating,
  ledger lag. Being read from the shared store they are the same from every worker and replica;
  aggregate them with ``max``, not ``sum``, across replicas.

Label values are bounded (:class:`LabelBound`): each label keeps the first ``metrics_label_limit``
distinct values a process sees; any later value is counted as ``other``.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from charter.domain import Exchange
from charter.gateway.state import gateway_of
from charter.ledger.checkpoint import pending_entries
from charter.oversight.tables import feedback, review_items
from charter.runtime import Runtime
from charter.store.schema import tenants, use_cases

__all__ = [
    "MULTIPROC_ENV",
    "OTHER",
    "LabelBound",
    "Metrics",
    "StoreCollector",
    "metrics_of",
    "observe_exchange",
    "prepare_multiprocess_dir",
]

log = logging.getLogger(__name__)

#: The variable prometheus_client reads (once, when it is imported) to write values to files.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: The value a label takes once it has seen ``metrics_label_limit`` others.
OTHER = "other"
#: Request latency buckets in seconds (a governed exchange spans milliseconds to a minute).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
BREAKER_STATES = {"closed": 0.0, "half-open": 1.0, "open": 2.0}
_SERIES = ("tenant", "use_case", "model")


class LabelBound:
    """The bounding rule: per label name, the first ``limit`` distinct values seen are kept and any
    other value becomes :data:`OTHER`. Per process, so a scrape of N workers shows at most
    ``N * limit`` values of a label (in practice the same ones: tenants, use cases and model aliases
    are registered names, not client input)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def __call__(self, label: str, value: str) -> str:
        seen = self._seen.get(label)
        if seen is not None and value in seen:
            return value
        with self._lock:
            seen = self._seen.setdefault(label, set())
            if value in seen:
                return value
            if len(seen) >= self.limit:
                return OTHER
            seen.add(value)
            return value


def prepare_multiprocess_dir(data_dir: Path) -> Path:
    """Before ``charter serve`` starts several workers: an empty, owner-only folder for the workers'
    metric files, named in ``PROMETHEUS_MULTIPROC_DIR`` (inherited by the workers, which import
    prometheus_client afresh). Files of an earlier run are removed: their counts are not this run's."""
    path = data_dir / "metrics-multiproc"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(mode=0o700, parents=True)
    path.chmod(0o700)
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def _multiprocess_dir() -> Path | None:
    raw = os.environ.get(MULTIPROC_ENV)
    if not raw:
        return None
    if values.ValueClass is values.MutexValue:
        log.warning("%s is set, but prometheus_client was imported before: metrics stay per process", MULTIPROC_ENV)
        return None
    return Path(raw)


class _Series:
    """The children of one (tenant, use case, model), looked up once and reused: those of every
    series labelled by it, and those by status, error code and (stage, guard, outcome) once seen."""

    __slots__ = ("cost", "errors", "guards", "input_tokens", "latency", "output_tokens", "requests", "ttft")

    def __init__(self, m: Metrics, labels: tuple[str, str, str]) -> None:
        self.latency = m.latency.labels(*labels)
        self.ttft = m.ttft.labels(*labels)
        self.input_tokens = m.tokens.labels(*labels, "input")
        self.output_tokens = m.tokens.labels(*labels, "output")
        self.cost = m.cost.labels(*labels)
        self.requests: dict[str, Any] = {}
        self.errors: dict[str, Any] = {}
        self.guards: dict[tuple[str, Any, str], Any] = {}


class Metrics:
    """The metrics of one runtime: the per-exchange instruments and the registry a scrape renders."""

    def __init__(self, rt: Runtime) -> None:
        settings = rt.settings
        self.enabled = settings.metrics_enabled
        self.bound = LabelBound(settings.metrics_label_limit)
        self.multiprocess_dir = _multiprocess_dir()
        self.registry = CollectorRegistry(auto_describe=False)
        own = None if self.multiprocess_dir is not None else self.registry
        self.requests = Counter(
            "charter_requests", "Exchanges by outcome status (ok, held, refused, error, cancelled).",
            [*_SERIES, "status"], registry=own,
        )
        self.errors = Counter(
            "charter_errors", "Refused or failed exchanges by stable error code.", [*_SERIES, "code"], registry=own
        )
        self.latency = Histogram(
            "charter_request_duration_seconds", "Time from request to recorded answer.", _SERIES,
            buckets=LATENCY_BUCKETS, registry=own,
        )
        self.ttft = Histogram(
            "charter_time_to_first_token_seconds", "Time from the provider call to its first result.", _SERIES,
            buckets=LATENCY_BUCKETS, registry=own,
        )
        self.tokens = Counter("charter_tokens", "Tokens in (prompt) and out (completion).", [*_SERIES, "direction"],
                              registry=own)
        self.cost = Counter("charter_cost", "Cost at the model entry's prices.", _SERIES, registry=own)
        self.guards = Counter(
            "charter_guard_verdicts", "Guard verdicts by guard and outcome (pass, warn, redact, block, ...).",
            ["tenant", "use_case", "stage", "guard", "outcome"], registry=own,
        )
        self.breaker = Gauge(
            "charter_circuit_breaker_state", "Circuit breaker of a model: 0 closed, 1 half-open, 2 open "
            "(as the last exchange that tried it left it; the highest over live workers).",
            ["tenant", "model"], registry=own, multiprocess_mode="livemax",
        )
        self.cache = Counter(
            "charter_cache_lookups", "Response-cache lookups by result (hit, miss, error: the cache could not "
            "be read, answered as a miss; bypass: not looked up). Use cases with `cache:` only.",
            ["tenant", "use_case", "result"], registry=own,
        )
        self._series: dict[tuple[str, str, str], _Series] = {}
        self._breaker_seen: dict[tuple[str, str], float] = {}
        self.store = StoreCollector(rt.engine, self.bound, settings.metrics_store_cache_s)
        if self.multiprocess_dir is not None:
            MultiProcessCollector(self.registry, path=str(self.multiprocess_dir))  # type: ignore[no-untyped-call]
        self.registry.register(self.store)

    # -- per exchange -------------------------------------------------------------------------
    def observe(self, ex: Exchange, rt: Runtime, failed: str | None = None) -> None:
        """Count one finished exchange (never raises: a metric must not fail a recorded exchange).
        ``failed``: the code of the error that kept it from being recorded (counted as ``error``)."""
        if not self.enabled:
            return
        try:
            self._observe(ex, rt, "error" if failed else ex.status, failed or ex.error_code)
        except Exception:  # telemetry: log and carry on
            log.exception("could not count exchange %s in the metrics", ex.request_id)

    def _observe(self, ex: Exchange, rt: Runtime, status: str, code: str | None) -> None:
        bound = self.bound
        model = ex.model.alias if ex.model is not None else "none"
        tenant = bound("tenant", ex.principal.tenant)
        use_case = bound("use_case", ex.charter.name)
        key = (tenant, use_case, bound("model", model))
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series(self, key)
        counter = series.requests.get(status)
        if counter is None:
            counter = series.requests[status] = self.requests.labels(*key, bound("status", status))
        counter.inc()
        if code:
            error = series.errors.get(code)
            if error is None:
                error = series.errors[code] = self.errors.labels(*key, bound("code", code))
            error.inc()
        series.latency.observe(ex.elapsed_ms / 1000.0)
        if ex.ttft_ms is not None:
            series.ttft.observe(ex.ttft_ms / 1000.0)
        if ex.usage.prompt_tokens:
            series.input_tokens.inc(ex.usage.prompt_tokens)
        if ex.usage.completion_tokens:
            series.output_tokens.inc(ex.usage.completion_tokens)
        hit = ex.cache is not None and ex.cache.result == "hit"
        if ex.cache is not None:
            self.cache.labels(tenant, use_case, ex.cache.result).inc()
        if not hit and ex.model is not None and (ex.model.price_prompt_per_1k or ex.model.price_completion_per_1k):
            spent = ex.usage.prompt_tokens * ex.model.price_prompt_per_1k
            spent += ex.usage.completion_tokens * ex.model.price_completion_per_1k
            series.cost.inc(spent / 1000.0)
        for v in ex.verdicts:
            guard = v.detail.get("guard")
            if guard is not None:
                verdict = (v.stage, guard, v.outcome)
                child = series.guards.get(verdict)
                if child is None:
                    child = series.guards[verdict] = self.guards.labels(
                        tenant, use_case, v.stage, bound("guard", str(guard)), v.outcome
                    )
                child.inc()
        if ex.attempts or ex.model is not None:
            self._breakers(ex, rt, tenant)

    def _breakers(self, ex: Exchange, rt: Runtime, tenant: str) -> None:
        """The breaker of each model the exchange tried, written only when it changed."""
        gw = gateway_of(rt)
        entries = [ex.model] if ex.model is not None else []
        if ex.attempts:
            tried = {a.get("id") for a in ex.attempts}
            entries += [e for e in gw.model_entries(ex.principal.tenant_id) if e.id in tried]
        for entry in entries:
            if entry is None:
                continue
            breaker = gw.breakers.get(entry.endpoint or entry.id)
            state = BREAKER_STATES.get(breaker.state if breaker is not None else "closed", 0.0)
            key = (tenant, self.bound("model", entry.alias))
            if self._breaker_seen.get(key) != state:
                self._breaker_seen[key] = state
                self.breaker.labels(*key).set(state)

    # -- scrape ---------------------------------------------------------------------------------
    def render(self) -> bytes:
        """The exposition text (blocking: it may read the store; call it off the event loop)."""
        return generate_latest(self.registry)

    def close(self) -> None:
        """A worker that stops: its live gauges leave the multiprocess files."""
        if self.multiprocess_dir is not None:
            mark_process_dead(os.getpid(), str(self.multiprocess_dir))  # type: ignore[no-untyped-call]


class StoreCollector(Collector):
    """Gauges read from the store at scrape time, cached for ``cache_s`` seconds. A store that cannot
    be read makes ``charter_metrics_store_up`` 0 (and drops the other families of that scrape)."""

    def __init__(self, engine: Engine, bound: LabelBound, cache_s: float) -> None:
        self.engine = engine
        self.bound = bound
        self.cache_s = cache_s
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Metric]] | None = None

    def collect(self) -> Iterable[Metric]:
        with self._lock:
            now = time.monotonic()
            if self._cached is not None and now - self._cached[0] < self.cache_s:
                return list(self._cached[1])
            families = self._read()
            self._cached = (now, families)
            return list(families)

    def _read(self) -> list[Metric]:
        up = GaugeMetricFamily("charter_metrics_store_up", "1 when the store-derived metrics could be read.")
        try:
            families = list(self._families())
        except Exception:  # telemetry: log and carry on
            log.exception("could not read the store-derived metrics")
            up.add_metric([], 0.0)
            return [up]
        up.add_metric([], 1.0)
        return [*families, up]

    def _names(self) -> tuple[dict[str, str], dict[str, str]]:
        with self.engine.connect() as conn:
            tenant_names = {r.id: r.name for r in conn.execute(select(tenants.c.id, tenants.c.name))}
            use_case_names = {r.id: r.name for r in conn.execute(select(use_cases.c.id, use_cases.c.name))}
        return tenant_names, use_case_names

    def _families(self) -> Iterator[Metric]:
        tenant_names, use_case_names = self._names()
        bound = self.bound

        def labels(tenant_id: str, use_case_id: str) -> tuple[str, str]:
            return (bound("tenant", tenant_names.get(tenant_id, tenant_id)),
                    bound("use_case", use_case_names.get(use_case_id, use_case_id)))

        depth: dict[tuple[str, ...], float] = {}
        oldest: dict[tuple[str, ...], float] = {}
        items: dict[tuple[str, ...], float] = {}
        rated: dict[tuple[str, ...], float] = {}
        now = time.time()
        with self.engine.connect() as conn:
            for r in conn.execute(
                select(review_items.c.tenant_id, review_items.c.use_case_id, review_items.c.model_alias,
                       review_items.c.kind, review_items.c.status, func.count(), func.min(review_items.c.created_at))
                .group_by(review_items.c.tenant_id, review_items.c.use_case_id, review_items.c.model_alias,
                          review_items.c.kind, review_items.c.status)
            ):
                tu = labels(r[0], r[1])
                key = (*tu, bound("model", r[2] or "none"), r[3], r[4])
                items[key] = items.get(key, 0.0) + r[5]
                if r[4] == "pending":
                    depth[tu] = depth.get(tu, 0.0) + r[5]
                    age = max(0.0, now - r[6].timestamp()) if r[6] is not None else 0.0
                    oldest[tu] = max(oldest.get(tu, 0.0), age)
            for r in conn.execute(
                select(feedback.c.tenant_id, feedback.c.use_case_id, feedback.c.rating, feedback.c.appeal, func.count())
                .group_by(feedback.c.tenant_id, feedback.c.use_case_id, feedback.c.rating, feedback.c.appeal)
            ):
                rating_key = (*labels(r[0], r[1]), r[2] or "none", "true" if r[3] else "false")
                rated[rating_key] = rated.get(rating_key, 0.0) + r[4]
        yield _gauge("charter_review_queue_depth", "Review items waiting for a decision.",
                     ["tenant", "use_case"], depth)
        yield _gauge("charter_review_queue_oldest_age_seconds", "Age of the oldest review item waiting.",
                     ["tenant", "use_case"], oldest)
        yield _gauge("charter_review_items", "Review items by kind (hold, appeal) and status (pending, "
                     "approved, edited, rejected); held answers are kind=\"hold\".",
                     ["tenant", "use_case", "model", "kind", "status"], items)
        yield _gauge("charter_feedback", "Feedback received, by rating (helpful, unhelpful, none) and appeal.",
                     ["tenant", "use_case", "rating", "appeal"], rated)
        lag = GaugeMetricFamily("charter_ledger_lag_entries", "Ledger entries not yet under a signed tree head.")
        lag.add_metric([], float(pending_entries(self.engine)))
        yield lag


def _gauge(name: str, documentation: str, labels: list[str], samples: dict[tuple[str, ...], float]) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for key, value in sorted(samples.items()):
        family.add_metric(list(key), value)
    return family


def metrics_of(rt: Runtime) -> Metrics:
    return rt.part("metrics", Metrics, lambda: Metrics(rt))


def observe_exchange(rt: Runtime, ex: Exchange, failed: str | None = None) -> None:
    """Count one finished exchange in this runtime's metrics (a no-op when metrics are off);
    ``failed``: the error code when its record could not be written."""
    if rt.settings.metrics_enabled:
        metrics_of(rt).observe(ex, rt, failed)

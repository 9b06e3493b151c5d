"""Health checks: what ``/readyz`` and ``charter doctor`` run (docs/operations.md, Health checks).

Each check returns a :class:`CheckResult` naming what failed and why. A *required* check that fails
makes the replica not ready (``/readyz`` 503): the store cannot take a write, the ledger checkpointer
is behind, a provider's circuit breaker is open, a knowledge base in use lacks its index, Redis is
configured and unreachable. The others (the scheduler, jobs failing again and again, alert sinks
that cannot deliver) say something needs attention but do not take the replica out of a load
balancer, which would not help: ``/readyz`` reports them as ``degraded`` and ``charter doctor``
exits non-zero on them too. :func:`health_checks` is the one list of checks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from charter.gateway.state import Gateway
from charter.jobs.catalog import builtin_jobs
from charter.jobs.scheduler import effective_jobs, scheduler_of
from charter.jobs.status import consecutive_failures
from charter.jobs.tables import health_probes, job_leases
from charter.knowledge.tables import kb_chunks, kb_vectors, knowledge_bases
from charter.ledger.checkpoint import pending_entries
from charter.ledger.tables import ledger_checkpoints, ledger_entries
from charter.monitor.alerts.delivery import sink_problems
from charter.policy.current import current_charters
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = ["Check", "CheckResult", "HealthReport", "from_problems", "health_checks", "run_checks"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    required: bool = True  # False: reported, but the replica stays ready

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "required": self.required, "detail": self.detail}


@dataclass(frozen=True)
class Check:
    """One health check: ``await run(rt)`` gives ``(ok, detail)``; raising or timing out fails it."""

    name: str
    run: Callable[[Runtime], Awaitable[tuple[bool, str]]]
    required: bool = True  # False: reported, but the replica stays ready


@dataclass(frozen=True)
class HealthReport:
    results: list[CheckResult]

    @property
    def ready(self) -> bool:
        return all(r.ok for r in self.results if r.required)

    @property
    def status(self) -> str:
        if not self.ready:
            return "unavailable"
        return "ok" if all(r.ok for r in self.results) else "degraded"

    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.ok]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "failed": [r.name for r in self.failed()],
            "checks": [r.as_dict() for r in self.results],
        }


def from_problems(name: str, find: Callable[[Runtime], Awaitable[list[str]]], *, required: bool = False) -> Check:
    """A check from a function listing problems (none: healthy), for capabilities that must not
    import this module (the alert sinks)."""

    async def run(rt: Runtime) -> tuple[bool, str]:
        problems = await find(rt)
        return not problems, "; ".join(problems) or "ok"

    return Check(name, run, required)


# -- store -----------------------------------------------------------------------------------
def _probe(conn: Connection) -> None:
    now, host = utcnow(), socket.gethostname()[:128]
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(health_probes).values(host=host, replica=f"{host}:{os.getpid()}", probed_at=now)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["host"], set_={"replica": statement.excluded.replica, "probed_at": now}
        )
    )


async def check_store(rt: Runtime) -> tuple[bool, str]:
    """A real write through the writer (this host's ``health_probes`` row)."""
    started = time.perf_counter()
    await rt.writer.awrite(_probe)
    return (True, f"wrote through the writer in {1000 * (time.perf_counter() - started):.1f} ms")


# -- ledger ----------------------------------------------------------------------------------
def _oldest_unsigned_age(engine: Engine, now: dt.datetime) -> float | None:
    with engine.connect() as conn:
        signed = conn.execute(select(func.max(ledger_checkpoints.c.tree_size))).scalar_one_or_none() or 0
        ts = conn.execute(
            select(ledger_entries.c.ts).where(ledger_entries.c.seq >= signed).order_by(ledger_entries.c.seq).limit(1)
        ).scalar_one_or_none()
    if ts is None:
        return None
    return (now - dt.datetime.fromisoformat(ts)).total_seconds()


def _ledger(rt: Runtime) -> tuple[bool, str]:
    s = rt.settings
    pending = pending_entries(rt.engine)
    age = _oldest_unsigned_age(rt.engine, utcnow()) if pending > 0 else None
    if pending > s.health_ledger_max_pending:
        return (False, f"{pending} entries wait for a signed checkpoint (limit "
                           f"{s.health_ledger_max_pending}): is a checkpointer running?")
    if age is not None and age > s.health_ledger_max_age_s:
        return (False, f"the oldest of {pending} unsigned entries is {age:.0f} s old (limit "
                           f"{s.health_ledger_max_age_s:.0f} s): the checkpointer is behind or failing")
    return (True, f"{pending} entries wait for a checkpoint" if pending else "all signed")


async def check_ledger(rt: Runtime) -> tuple[bool, str]:
    """Entries not yet under a signed head: few, and none waiting long."""
    return await asyncio.to_thread(_ledger, rt)


# -- providers ---------------------------------------------------------------------------------
async def check_providers(rt: Runtime) -> tuple[bool, str]:
    """This replica's circuit breakers: one still refusing (open, its reset not yet reached) fails.
    One past its reset lets the next request through as a probe, so it no longer counts."""
    gateway = rt.parts.get("gateway")
    if not isinstance(gateway, Gateway):
        return (True, "no provider called in this process yet")
    now = time.monotonic()
    refusing = sorted(
        f"{endpoint} (open {now - breaker.opened_at:.0f} s, probe after {breaker.reset_s:.0f} s)"
        for endpoint, breaker in list(gateway.breakers.items())
        if breaker.opened_at is not None and not breaker.probing and now - breaker.opened_at < breaker.reset_s
    )
    if refusing:
        return (False, "circuit open: " + ", ".join(refusing))
    return (True, f"{len(gateway.breakers)} breaker(s) closed")


# -- knowledge ---------------------------------------------------------------------------------
def _kbs_in_use(conn: Connection) -> dict[tuple[str, str], list[str]]:
    """(tenant id, knowledge base name) -> the use cases whose current charter names it."""
    used: dict[tuple[str, str], list[str]] = {}
    for current in current_charters(conn):
        for kb in current.body.get("knowledge_bases") or []:
            used.setdefault((current.tenant_id, kb), []).append(current.name)
    return used


def _lexical_index_present(conn: Connection) -> bool:
    if conn.dialect.name == "sqlite":
        found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'kb_chunks_fts'")).first()
    else:
        found = conn.execute(text("SELECT to_regclass('ix_kb_chunks_tsv')")).scalar_one_or_none()
    return found is not None


def _counts(conn: Connection, column: Any, kb_ids: list[str], *where: Any) -> dict[str, int]:
    query = select(column, func.count()).where(column.in_(kb_ids), *where).group_by(column)
    return {str(k): int(n) for k, n in conn.execute(query)}


def _unindexed(conn: Connection, kb_ids: list[str]) -> dict[str, int]:
    """SQLite: chunks with no row in the FTS5 table (PostgreSQL's index is over the table itself)."""
    query = text(
        "SELECT c.kb_id, count(*) FROM kb_chunks c WHERE c.kb_id IN :kbs AND (c.lex_rowid IS NULL OR NOT EXISTS "
        "(SELECT 1 FROM kb_chunks_fts f WHERE f.rowid = c.lex_rowid)) GROUP BY c.kb_id"
    ).bindparams(bindparam("kbs", expanding=True))
    return {str(k): int(n) for k, n in conn.execute(query, {"kbs": kb_ids})}


def _knowledge(rt: Runtime) -> tuple[bool, str]:
    with rt.engine.connect() as conn:
        used = _kbs_in_use(conn)
        if not used:
            return (True, "no knowledge base in use")
        if not _lexical_index_present(conn):
            return (False, "the full-text index is missing: run the migrations")
        tenants = sorted({tenant for tenant, _ in used})
        kbs = {
            (r.tenant_id, r.name): r
            for r in conn.execute(select(knowledge_bases).where(knowledge_bases.c.tenant_id.in_(tenants)))
            if (r.tenant_id, r.name) in used
        }
        ids = [r.id for r in kbs.values()]
        chunks = _counts(conn, kb_chunks.c.kb_id, ids)
        unindexed = _unindexed(conn, ids) if conn.dialect.name == "sqlite" else {}
        vectors = _counts(conn, kb_vectors.c.kb_id, ids)
    problems = []
    for (tenant_id, name), users in sorted(used.items()):
        kb = kbs.get((tenant_id, name))
        if kb is None:
            problems.append(f"{name} (tenant {tenant_id}, used by {', '.join(users)}) does not exist")
            continue
        if unindexed.get(kb.id, 0):
            problems.append(f"{name}: {unindexed[kb.id]} chunk(s) not in the full-text index")
        if kb.embedder and vectors.get(kb.id, 0) < chunks.get(kb.id, 0):
            problems.append(f"{name}: {chunks.get(kb.id, 0) - vectors.get(kb.id, 0)} chunk(s) without a vector")
    if problems:
        return (False, "; ".join(problems) + " (`charter kb rebuild NAME`)")
    return (True, f"{len(used)} knowledge base(s) in use, indexes present")


async def check_knowledge(rt: Runtime) -> tuple[bool, str]:
    """Each knowledge base a current charter names exists and has its full-text (and vector) index."""
    return await asyncio.to_thread(_knowledge, rt)


# -- redis -------------------------------------------------------------------------------------
async def check_redis(rt: Runtime) -> tuple[bool, str]:
    """``PING`` when ``CHARTER_REDIS_URL`` is set."""
    url = rt.settings.redis_url
    if not url:
        return (True, "not configured")
    import redis.asyncio as aioredis  # the optional `redis` extra, needed only when Redis is configured

    timeout = rt.settings.health_timeout_s
    client: Any = aioredis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        await client.ping()
    finally:
        await client.aclose()
    return (True, "ping answered")


# -- scheduler and jobs ------------------------------------------------------------------------
async def check_scheduler(rt: Runtime) -> tuple[bool, str]:
    """This replica's scheduler loop polls (when it is meant to run here)."""
    if rt.settings.scheduler == "off":
        return (True, "off in this replica (CHARTER_SCHEDULER=off)")
    scheduler = scheduler_of(rt)
    if scheduler is None:
        return (True, "not running in this process (the server runs it)")
    ok, detail = scheduler.healthy()
    return (ok, detail)


def _jobs(rt: Runtime) -> tuple[bool, str]:
    jobs = effective_jobs(rt.settings, builtin_jobs(rt.settings))
    now, limit = utcnow(), rt.settings.health_job_failures
    problems = []
    with rt.engine.connect() as conn:
        leases = {r.name: r for r in conn.execute(select(job_leases))}
        for job in jobs:
            failures = consecutive_failures(conn, job.name, limit)
            if failures >= limit:
                problems.append(f"{job.name} failed its last {failures} runs (`charter jobs list --job {job.name}`)")
            row = leases.get(job.name)
            late = 0.0 if row is None or row.holder is not None else (now - row.due_at).total_seconds()
            if late > max(2 * job.interval_s, 300.0):
                problems.append(f"{job.name} is {late:.0f} s overdue: does any replica run the scheduler?")
    return not problems, "; ".join(problems) or f"{len(jobs)} job(s) on time, none failing"


async def check_jobs(rt: Runtime) -> tuple[bool, str]:
    """No job failed its last ``CHARTER_HEALTH_JOB_FAILURES`` runs, none is long overdue."""
    return await asyncio.to_thread(_jobs, rt)


# -- all of them -------------------------------------------------------------------------------
def health_checks() -> list[Check]:
    """Every check, in the order reported. A capability adds its own here, one line each; one that
    must not import this module hands :func:`from_problems` a function listing its problems (the
    alert sinks: ``from_problems("alert_sinks", sink_problems)``, advisory)."""
    return [
        Check("store", check_store),
        Check("ledger", check_ledger),
        Check("providers", check_providers),
        Check("knowledge", check_knowledge),
        Check("redis", check_redis),
        Check("scheduler", check_scheduler, required=False),
        Check("jobs", check_jobs, required=False),
        from_problems("alert_sinks", sink_problems),
    ]


async def _run_one(rt: Runtime, check: Check) -> CheckResult:
    timeout = rt.settings.health_timeout_s
    try:
        ok, detail = await asyncio.wait_for(check.run(rt), timeout)
    except TimeoutError:
        ok, detail = False, f"no answer within {timeout:g} s"
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        ok, detail = False, f"{type(exc).__name__}: {message}"[:500]
    return CheckResult(check.name, ok, detail, check.required)


async def run_checks(rt: Runtime) -> HealthReport:
    """Run every check at once, each within ``CHARTER_HEALTH_TIMEOUT_S``."""
    results = await asyncio.gather(*(_run_one(rt, check) for check in health_checks()))
    return HealthReport(list(results))

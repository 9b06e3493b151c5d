"""Soak under faults (issue 18 item 6; RR-2, SA-5): mixed traffic through real ``charter serve``
processes for a set time while faults are injected, then checks that nothing acknowledged was lost.

    .venv/bin/python benchmarks/soak.py --store postgres --duration 1800        # two replicas, PG, Redis
    .venv/bin/python benchmarks/soak.py --store sqlite --duration 300           # one replica, SQLite

Topology. ``--store postgres``: a fresh database on the server named by ``--database-url`` (default
``CHARTER_TEST_DATABASE_URL``), a Redis server of the soak's own (``redis-server`` on a free port, so it
can be stopped and started), and ``--replicas`` (2) ``charter serve`` processes; the driver spreads
requests over them and, like a load balancer's ``retry-on conn-failure``, sends a request that could
not connect to another replica. ``--store sqlite``: one ``charter serve`` on a SQLite file, no Redis.
The model is a scripted OpenAI-compatible upstream in the driver's process (``--delay-ms``).

Traffic (``--concurrency`` clients, weights in ``MIX``): chat completions, streamed completions,
answers held for review (a use case with ``review: {always: true}``, answered 202), a reviewer
claiming and approving held answers, feedback on earlier answers, polls of held answers, and
knowledge-base uploads (the chat use case retrieves from that knowledge base).

Faults, one at a time in a shuffled cycle, each for ``--fault-s`` after a quiet gap of ``--gap-s``:

- ``upstream_error``: the model answers 503 (the gateway retries, then fails over: 502 ``upstream_unavailable``);
- ``upstream_timeout``: the model hangs past ``CHARTER_UPSTREAM_TIMEOUT_S`` (2 s here);
- ``kill9``: SIGKILL of a random replica, restarted after the fault's length;
- ``redis_restart`` (with Redis): ``SHUTDOWN NOSAVE``, started again after the fault's length;
- ``db_terminate`` (PostgreSQL): ``pg_terminate_backend`` on every connection to the soak's database,
  twice in the window.

Checks at the end (the exit status is 1 when one fails):

1. every acknowledged write has its record: each 2xx chat or completed stream its interaction row, each
   202 its interaction and review item, each approval a decided review item, each feedback its row,
   each upload its document;
2. the ledger verifies (``charter audit verify``'s function, with the ledger's public keys);
3. no 5xx other than the documented fail-closed ones (``ALLOWED_5XX``), every error code in the
   docs/api.md error table, no 4xx, and no error at all outside a fault's window (its length plus
   ``--recovery-s``, stretched by the requests in flight);
4. reported, not checked: error rates during each fault, latency p50/p95 and each replica's resident
   memory over time (drift), requests per second.

``--json PATH`` writes the whole result (tests/integration/faults/test_soak.py runs a 25-second form);
``--write`` puts the report in benchmarks/results/soak.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.pool import NullPool

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "soak.md"
CHARTER_BIN = str(Path(sys.executable).with_name("charter"))

#: 5xx answers the docs promise when a dependency fails: fail closed, retry later (docs/api.md).
ALLOWED_5XX = {"upstream_unavailable", "store_unavailable", "ratelimit_unavailable"}
MIX = {"chat": 40, "stream": 20, "held": 10, "review": 8, "feedback": 10, "poll": 6, "ingest": 6}
CHARTER_YAML = """\
name: {name}
tenant: soak
description: Soak traffic (benchmarks/soak.py)
risk_tier: limited
classification_ceiling: internal
models: [soak-model]
regions: [local]
system_prompt: You answer citizens' questions about public services.
outage_message: The assistant is unavailable. Please call 1-800-555-0100.
rate_limits: {{requests_per_minute: 10000000, tokens_per_minute: 1000000000}}
review: {review}
{extra}"""
QUESTIONS = [
    "How do I renew a passport?", "When is the tax filing deadline?", "How do I apply for child benefits?",
    "Where can I register a new vehicle?", "How do I replace a lost health card?", "How do I pay a parking ticket?",
    "What do I need to register a business name?", "How do I apply for rent assistance?",
]


# -- the model ---------------------------------------------------------------------------------------
class FaultyUpstream:
    """An OpenAI-compatible model on loopback whose ``mode`` the soak switches: ``ok``, ``error`` (503)
    or ``hang`` (no answer for a minute)."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.mode = "ok"
        self.calls = 0
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                done = message["type"].replace("startup", "startup.complete").replace("shutdown", "shutdown.complete")
                await send({"type": done})
                if message["type"] == "lifespan.shutdown":
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.calls += 1
        data = json.loads(body) if body else {}
        if self.mode == "hang":
            await asyncio.sleep(60)
        if self.mode == "error":
            await self._send(send, 503, b'{"error": {"message": "soak: upstream down", "code": "soak"}}')
            return
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        answer = "You can do that online at the agency's website or at any service centre."
        if data.get("stream"):
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/event-stream")]})
            for word in answer.split(" "):
                chunk = {"id": "s", "object": "chat.completion.chunk", "model": data.get("model"),
                         "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]}
                await send({"type": "http.response.body", "body": f"data: {json.dumps(chunk)}\n\n".encode(),
                            "more_body": True})
            final = {"id": "s", "object": "chat.completion.chunk", "choices": [
                {"index": 0, "delta": {}, "finish_reason": "stop"}]}
            usage = {"id": "s", "object": "chat.completion.chunk", "choices": [],
                     "usage": {"prompt_tokens": 20, "completion_tokens": 14, "total_tokens": 34}}
            tail = f"data: {json.dumps(final)}\n\ndata: {json.dumps(usage)}\n\ndata: [DONE]\n\n"
            await send({"type": "http.response.body", "body": tail.encode()})
            return
        payload = {"id": "c", "object": "chat.completion", "created": int(time.time()), "model": data.get("model"),
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 20, "completion_tokens": 14, "total_tokens": 34}}
        await self._send(send, 200, json.dumps(payload).encode())

    @staticmethod
    async def _send(send: Any, status: int, raw: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]})
        await send({"type": "http.response.body", "body": raw})

    def start(self) -> FaultyUpstream:
        config = uvicorn.Config(self, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        wait_for_port(self.port, 20)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


# -- the processes -------------------------------------------------------------------------------------
class Replica:
    """One ``charter serve`` process on a fixed port; killed with SIGKILL and started again by faults."""

    def __init__(self, index: int, env: dict[str, str], log_dir: Path) -> None:
        self.index = index
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"replica-{index}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.incarnation = 0
        self.up = False

    def start(self, timeout: float = 120.0) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([CHARTER_BIN, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                         env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        self.incarnation += 1
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"replica {self.index} exited with {self.proc.returncode}: see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"replica {self.index} not up after {timeout:.0f} s: see {self.log}")
            time.sleep(0.2)
        self.up = True

    def kill9(self) -> None:
        self.up = False
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        self.up = False
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def rss_mb(self) -> float | None:
        if self.proc is None or self.proc.poll() is not None:
            return None
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return None


class OwnRedis:
    """A Redis server of the soak's own, so that a fault can stop it (``SHUTDOWN NOSAVE``) and start it."""

    def __init__(self, work: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.work = work
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.work)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, 10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@contextlib.contextmanager
def own_database(admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the server of ``admin_url``, dropped afterwards."""
    name = f"soak_{secrets.token_hex(5)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def terminate_connections(url: str) -> int:
    """``pg_terminate_backend`` on every other connection to the database of ``url``; returns how many."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            done = conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
            conn.commit()
        return int(done)
    finally:
        engine.dispose()


# -- setup -------------------------------------------------------------------------------------------
def settings_from(settings_env: dict[str, str]) -> Any:
    """The settings the replicas read from ``settings_env``, for this process."""
    from charter.settings import Settings

    saved = {k: os.environ.get(k) for k in settings_env}
    os.environ.update(settings_env)
    try:
        return Settings()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def set_up(settings_env: dict[str, str], upstream_url: str, reviewers: int) -> dict[str, str]:
    """Tenant ``soak``, the model, two use cases, a knowledge base and keys, through the library (what
    ``charter init``, ``models add``, ``usecases apply``, ``kb create`` and ``keys create`` do)."""
    from charter.bootstrap import init
    from charter.catalog import ModelSpec, add_model
    from charter.knowledge.service import KnowledgeBaseSpec, create_kb
    from charter.policy.service import apply_charter, get_use_case
    from charter.policy.tenants import ensure_tenant
    from charter.principals.keys import create_key
    from charter.runtime import Runtime

    rt = Runtime.open(settings_from(settings_env))
    try:
        init(rt)
        tid = rt.writer.write(lambda c: ensure_tenant(c, "soak"))
        rt.writer.write(lambda c: add_model(
            c, tid, ModelSpec(alias="soak-model", provider="openai", endpoint=upstream_url, platform_model_id="soak-7b",
                              version="1", region="local", classification_ceiling="secret", context_window=8192),
            actor="soak", egress=rt.egress))
        rt.writer.write(lambda c: create_kb(c, KnowledgeBaseSpec(name="soak-kb", pii_policy="off"), tenant_id=tid,
                                            actor="soak", egress=rt.egress))
        for name, review, extra in (("soak-chat", "{sample_rate: 0.0}", "knowledge_bases: [soak-kb]\n"),
                                    ("soak-review", "{always: true, sample_rate: 0.0}", "")):
            yaml_text = CHARTER_YAML.format(name=name, review=review, extra=extra)
            rt.writer.write(lambda c, y=yaml_text: apply_charter(c, y, actor="soak", egress=rt.egress))

        def key(role: str, use_case: str | None) -> str:
            def make(conn: Any) -> str:
                uc = get_use_case(conn, tid, use_case)["id"] if use_case else None
                return create_key(conn, tenant_id=tid, role=role, actor="soak", use_case_id=uc).key

            return str(rt.writer.write(make))

        keys = {"chat": key("app", "soak-chat"), "review": key("app", "soak-review"), "admin": key("admin", None)}
        # one reviewer per client: one principal's two claims would take the same item twice (409 conflict)
        keys |= {f"reviewer-{i}": key("reviewer", None) for i in range(reviewers)}
        return keys
    finally:
        rt.close()


# -- traffic -----------------------------------------------------------------------------------------
@dataclass
class Outcome:
    op: str
    start: float
    end: float
    status: int  # 0: could not connect / connection lost
    code: str | None = None
    replica: int = -1


@dataclass
class Acked:
    interactions: dict[str, str] = field(default_factory=dict)  # id -> op
    held: dict[str, str] = field(default_factory=dict)  # review id -> interaction id
    approved: set[str] = field(default_factory=set)
    feedback: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)


@dataclass
class Window:
    kind: str
    start: float
    end: float  # the fault itself ended (the recovery margin is added when classifying)
    detail: str = ""


class Soak:
    def __init__(self, args: argparse.Namespace, replicas: list[Replica], keys: dict[str, str],
                 upstream: FaultyUpstream, redis: OwnRedis | None, database_url: str | None) -> None:
        self.args = args
        self.replicas = replicas
        self.keys = keys
        self.upstream = upstream
        self.redis = redis
        self.database_url = database_url
        self.rng = random.Random(args.seed)
        self.outcomes: list[Outcome] = []
        self.acked = Acked()
        self.windows: list[Window] = []
        self.memory: list[tuple[float, int, int, float]] = []  # (t, replica, incarnation, rss MB)
        self.t0 = time.monotonic()
        self.stop_at = self.t0 + args.duration
        self.doc_seq = 0
        self.restarts: list[asyncio.Task[str]] = []
        self.restart_s: list[float] = []

    # -- one request of each kind ------------------------------------------------------------------
    async def request(self, clients: list[httpx.AsyncClient], op: str, worker: int) -> None:
        order = list(range(len(self.replicas)))
        self.rng.shuffle(order)
        start = time.monotonic()
        for attempt, index in enumerate(order):
            try:
                status, code = await self._send(clients[index], op, worker)
            except httpx.ConnectError:
                if attempt + 1 < len(order):
                    continue  # a load balancer's retry-on conn-failure: the request never left
                self.outcomes.append(Outcome(op, start, time.monotonic(), 0, "connect_failed", index))
                return
            except httpx.TransportError as exc:
                self.outcomes.append(Outcome(op, start, time.monotonic(), 0, type(exc).__name__, index))
                return
            self.outcomes.append(Outcome(op, start, time.monotonic(), status, code, index))
            return

    async def _send(self, client: httpx.AsyncClient, op: str, worker: int) -> tuple[int, str | None]:
        auth = {"authorization": f"Bearer {self.keys['review' if op == 'held' else 'chat']}"}
        body = {"messages": [{"role": "user", "content": self.rng.choice(QUESTIONS)}], "max_tokens": 32}
        if op in ("chat", "held"):
            r = await client.post("/v1/chat/completions", json=body, headers=auth)
            if r.status_code == 200:
                self.acked.interactions[r.headers["x-charter-interaction-id"]] = op
            elif r.status_code == 202:
                self.acked.held[r.json()["review"]["id"]] = r.headers["x-charter-interaction-id"]
            return r.status_code, _code(r)
        if op == "stream":
            body |= {"stream": True, "stream_options": {"include_usage": True}}
            async with client.stream("POST", "/v1/chat/completions", json=body, headers=auth) as r:
                raw = (await r.aread()).decode()
            if r.status_code != 200:
                return r.status_code, _code_of(raw)
            events = [json.loads(line[6:]) for line in raw.splitlines()
                      if line.startswith("data: {")]
            if "data: [DONE]" not in raw:  # the record failed: an error event instead of [DONE]
                return 200, next((str(e["error"]["code"]) for e in events if "error" in e), "stream_cut")
            interaction = next(e["charter"]["interaction_id"] for e in events
                               if "interaction_id" in e.get("charter", {}))
            finish = [c.get("finish_reason") for e in events for c in e.get("choices", []) if c.get("finish_reason")]
            if finish == ["error"]:  # the model failed mid-stream: recorded as an error, not an answer
                self.acked.interactions[interaction] = "stream_error"
                return 200, "finish_error"
            self.acked.interactions[interaction] = op
            return 200, None
        if op == "feedback":
            done = [i for i, kind in self.acked.interactions.items() if kind == "chat"]
            if not done:
                return await self._send(client, "chat", worker)
            target = self.rng.choice(done[-200:])
            r = await client.post("/v1/feedback", headers=auth, json={
                "interaction_id": target, "rating": self.rng.choice(["helpful", "unhelpful"]), "reasons": []})
            if r.status_code == 201:
                self.acked.feedback.add(r.json()["id"])
            return r.status_code, _code(r)
        if op == "poll":
            held = list(self.acked.held)
            if not held:
                return await self._send(client, "held", worker)
            r = await client.get(f"/v1/reviews/{self.rng.choice(held[-200:])}",
                                 headers={"authorization": f"Bearer {self.keys['review']}"})
            return r.status_code, _code(r)
        if op == "review":
            auth = {"authorization": f"Bearer {self.keys[f'reviewer-{worker}']}"}
            r = await client.post("/api/v1/reviews/next", headers=auth)
            if r.status_code != 200 or r.json()["item"] is None:
                return r.status_code, _code(r)
            review_id = r.json()["item"]["id"]
            r = await client.post(f"/api/v1/reviews/{review_id}/approve", headers=auth, json={"comment": "soak"})
            if r.status_code == 200:
                self.acked.approved.add(review_id)
            return r.status_code, _code(r)
        if op == "ingest":
            self.doc_seq += 1
            n = self.doc_seq
            words = " ".join(self.rng.choice(QUESTIONS) for _ in range(6))
            doc = f"# Service note {n}\n\nNote {n} ({secrets.token_hex(4)}): {words}\n"
            r = await client.post("/api/v1/kb/soak-kb/documents", params={"filename": f"note-{n}.md"},
                                  content=doc.encode(), headers={"authorization": f"Bearer {self.keys['admin']}"})
            if r.status_code == 201:
                self.acked.documents.update(a["document_id"] for a in r.json()["added"])
            return r.status_code, _code(r)
        raise ValueError(op)

    async def client_loop(self, clients: list[httpx.AsyncClient], worker: int) -> None:
        ops, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.stop_at:
            await self.request(clients, self.rng.choices(ops, weights)[0], worker)

    # -- faults ----------------------------------------------------------------------------------------
    def fault_kinds(self) -> list[str]:
        kinds = ["upstream_error", "upstream_timeout", "kill9"]
        if self.redis is not None:
            kinds.append("redis_restart")
        if self.database_url is not None:
            kinds.append("db_terminate")
        wanted = [k for k in self.args.faults.split(",") if k] if self.args.faults else kinds
        return [k for k in kinds if k in wanted]

    async def fault_loop(self) -> None:
        kinds: list[str] = []
        last_quiet = self.stop_at - self.args.settle_s
        while True:
            gap = self.rng.uniform(1 - self.args.jitter, 1 + self.args.jitter) * self.args.gap_s
            if time.monotonic() + gap + self.args.fault_s + self.args.recovery_s > last_quiet:
                return
            await asyncio.sleep(gap)
            if not kinds:
                kinds = self.fault_kinds()
                self.rng.shuffle(kinds)
            if not kinds:
                return
            await self.inject(kinds.pop())
            await asyncio.sleep(self.args.recovery_s)  # windows never overlap: each error has one fault

    async def inject(self, kind: str) -> None:
        start, detail = time.monotonic(), ""
        length = self.args.fault_s
        if kind in ("upstream_error", "upstream_timeout"):
            self.upstream.mode = "error" if kind == "upstream_error" else "hang"
            await asyncio.sleep(length)
            self.upstream.mode = "ok"
        elif kind == "kill9":
            victim = self.rng.choice(self.replicas)
            detail = f"replica {victim.index}"
            victim.kill9()
            await asyncio.sleep(length)
            restart = asyncio.create_task(self._restart(victim))
            if len(self.replicas) == 1:
                detail += await restart  # nothing answers until it is back: the window lasts until then
            else:  # the other replica answers meanwhile (a request that cannot connect goes there)
                self.restarts.append(restart)
        elif kind == "redis_restart":
            assert self.redis is not None
            self.redis.stop()
            await asyncio.sleep(length)
            await asyncio.to_thread(self.redis.start)
        elif kind == "db_terminate":
            assert self.database_url is not None
            killed = await asyncio.to_thread(terminate_connections, self.database_url)
            await asyncio.sleep(length / 2)
            killed += await asyncio.to_thread(terminate_connections, self.database_url)
            await asyncio.sleep(length / 2)
            detail = f"{killed} connections terminated"
        self.windows.append(Window(kind, start, time.monotonic(), detail))
        print(f"[{start - self.t0:7.1f} s] {kind} {detail}", flush=True)

    async def _restart(self, replica: Replica) -> str:
        started = time.monotonic()
        await asyncio.to_thread(replica.start)
        took = time.monotonic() - started
        self.restart_s.append(took)
        return f", started again in {took:.1f} s"

    async def memory_loop(self) -> None:
        while time.monotonic() < self.stop_at:
            for r in self.replicas:
                rss = r.rss_mb()
                if rss is not None and r.up:
                    self.memory.append((time.monotonic() - self.t0, r.index, r.incarnation, rss))
            await asyncio.sleep(self.args.sample_s)

    async def run(self) -> None:
        # idle connections are dropped after 2 s, before the server's keep-alive timeout (5 s): a client that
        # reuses one as the server closes it gets a ReadError that no fault caused (the keep-alive race)
        limits = httpx.Limits(max_connections=self.args.concurrency, max_keepalive_connections=self.args.concurrency,
                              keepalive_expiry=2.0)
        clients = [httpx.AsyncClient(base_url=r.url, timeout=httpx.Timeout(30, connect=2), limits=limits)
                   for r in self.replicas]
        try:
            await asyncio.gather(self.fault_loop(), self.memory_loop(),
                                 *(self.client_loop(clients, i) for i in range(self.args.concurrency)))
            await asyncio.gather(*self.restarts)
        finally:
            for c in clients:
                await c.aclose()


def _code(r: httpx.Response) -> str | None:
    if r.status_code < 400:
        return None
    return _code_of(r.text)


def _code_of(raw: str) -> str | None:
    with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
        return str(json.loads(raw)["error"]["code"])
    return "not_json"


# -- checks ------------------------------------------------------------------------------------------
def documented_codes() -> set[str]:
    table = (ROOT / "docs" / "api.md").read_text()
    return set(re.findall(r"^\| \d{3} \| `([a-z_]+)`", table, re.M)) | set(
        re.findall(r"` / `([a-z_]+)`", table))


def verify_records(database_url: str, acked: Acked, settings_env: dict[str, str]) -> dict[str, Any]:
    from charter.knowledge.tables import kb_documents
    from charter.ledger.keys import load_keyring
    from charter.ledger.verify import verify_ledger
    from charter.oversight.tables import feedback, review_items
    from charter.store.schema import interactions

    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            def present(table: Any, ids: set[str]) -> dict[str, Any]:
                found: dict[str, Any] = {}
                listed = sorted(ids)
                for i in range(0, len(listed), 500):
                    cols = [table.c.id, table.c.status] if "status" in table.c else [table.c.id]
                    for row in conn.execute(select(*cols).where(table.c.id.in_(listed[i:i + 500]))):
                        found[row.id] = getattr(row, "status", True)
                return found

            rows = present(interactions, set(acked.interactions) | set(acked.held.values()))
            reviews = present(review_items, set(acked.held) | acked.approved)
            fb = present(feedback, acked.feedback)
            docs = present(kb_documents, acked.documents)
        report = verify_ledger(engine, load_keyring(settings_from(settings_env)).public)
    finally:
        engine.dispose()
    lost = {
        "interactions": sorted(i for i, op in acked.interactions.items()
                               if rows.get(i) != ("error" if op == "stream_error" else "ok")),
        "held_interactions": sorted(i for i in acked.held.values() if i not in rows),
        "held_reviews": sorted(r for r in acked.held if r not in reviews),
        "approvals": sorted(r for r in acked.approved if reviews.get(r) != "approved"),
        "feedback": sorted(acked.feedback - set(fb)),
        "documents": sorted(acked.documents - set(docs)),
    }
    return {"lost": lost, "ledger_ok": report.ok, "ledger_problems": [str(p) for p in report.problems][:10],
            "ledger_entries": report.entries,
            "counts": {"interactions": len(acked.interactions), "held": len(acked.held),
                       "approved": len(acked.approved), "feedback": len(acked.feedback),
                       "documents": len(acked.documents)}}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def analyse(soak: Soak, recovery_s: float) -> dict[str, Any]:
    documented = documented_codes()
    windows = [(w, w.start, w.end + recovery_s) for w in soak.windows]

    def window_of(o: Outcome) -> Window | None:
        for w, a, b in windows:
            if o.start < b and o.end > a:
                return w
        return None

    per_fault: dict[str, Counter[str]] = defaultdict(Counter)
    quiet_errors: list[dict[str, Any]] = []
    bad_5xx, undocumented, client_errors, dropped = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    for o in soak.outcomes:
        w = window_of(o)
        label = "2xx" if o.status in (200, 201, 202) and o.code is None else f"{o.op} {o.status} {o.code}"
        per_fault[w.kind if w else "quiet"][label] += 1
        if o.status in (200, 201, 202) and o.code and o.code not in ALLOWED_5XX | {"finish_error"}:
            bad_5xx[f"{o.op} {o.status} (in the stream) {o.code}"] += 1
        if o.status >= 500 and o.code not in ALLOWED_5XX:
            bad_5xx[f"{o.op} {o.status} {o.code}"] += 1
        if o.status >= 400 and o.code not in documented:
            undocumented[f"{o.status} {o.code}"] += 1
        if 400 <= o.status < 500:
            client_errors[f"{o.op} {o.status} {o.code}"] += 1
        if o.status == 0 and w is not None and w.kind != "kill9":
            dropped[f"{w.kind}: {o.op} {o.code}"] += 1  # only a killed replica may drop a connection
        if w is None and (o.status == 0 or o.status >= 400 or o.code):
            quiet_errors.append({**asdict(o), "start": round(o.start - soak.t0, 2), "end": round(o.end - soak.t0, 2)})
    # latency and memory over time: equal slices of the run
    slices = max(1, min(12, int(soak.args.duration // 10)))
    span = soak.args.duration / slices
    lat: list[list[float]] = [[] for _ in range(slices)]
    counts = [0] * slices
    for o in soak.outcomes:
        i = min(slices - 1, int((o.start - soak.t0) // span))
        counts[i] += 1
        if o.op == "chat" and o.status == 200 and window_of(o) is None:
            lat[i].append((o.end - o.start) * 1000)
    mem: dict[int, list[float]] = defaultdict(list)
    for t, _replica, _inc, rss in soak.memory:
        mem[min(slices - 1, int(t // span))].append(rss)
    timeline = [{"from_s": round(i * span), "requests": counts[i], "req_s": round(counts[i] / span, 1),
                 "chat_p50_ms": round(pct(lat[i], 0.5), 1), "chat_p95_ms": round(pct(lat[i], 0.95), 1),
                 "rss_mb_max": round(max(mem[i]), 1) if mem[i] else None} for i in range(slices)]
    incarnations: dict[str, list[float]] = defaultdict(list)
    for _t, replica, inc, rss in soak.memory:
        incarnations[f"replica {replica} #{inc}"].append(rss)
    memory = {k: {"first_mb": round(v[0], 1), "last_mb": round(v[-1], 1), "max_mb": round(max(v), 1),
                  "samples": len(v)} for k, v in incarnations.items()}
    return {
        "per_fault": {k: dict(v) for k, v in per_fault.items()},
        "bad_5xx": dict(bad_5xx), "dropped": dict(dropped), "undocumented_codes": dict(undocumented),
        "client_errors": dict(client_errors),
        "quiet_errors": quiet_errors[:20], "quiet_error_count": len(quiet_errors),
        "timeline": timeline, "memory": memory,
        "windows": [{"kind": w.kind, "at_s": round(w.start - soak.t0, 1), "length_s": round(w.end - w.start, 1),
                     "detail": w.detail} for w in soak.windows],
        "requests": len(soak.outcomes), "ops": dict(Counter(o.op for o in soak.outcomes)),
    }


# -- the run -----------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="charter-soak-"))
    upstream = FaultyUpstream(args.delay_ms / 1000).start()
    redis: OwnRedis | None = None
    replicas: list[Replica] = []
    stack = contextlib.ExitStack()
    try:
        database_url: str | None = None
        if args.store == "postgres":
            if not args.database_url:
                raise SystemExit("--store postgres needs --database-url (or CHARTER_TEST_DATABASE_URL)")
            database_url = stack.enter_context(own_database(args.database_url))
            redis = OwnRedis(work)
            redis.start()
        data_dir = work / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
        settings_env = {
            "CHARTER_DATA_DIR": str(data_dir), "CHARTER_EMBEDDED_MODEL": "none", "CHARTER_LOG_LEVEL": "warning",
            "CHARTER_OUTBOUND_ALLOW": '["http://127.0.0.1:*"]', "CHARTER_UPSTREAM_TIMEOUT_S": "2",
            "CHARTER_CIRCUIT_RESET_S": "3", "CHARTER_REFUSAL_FLUSH_INTERVAL_S": "1",
        }
        if database_url:
            settings_env["CHARTER_DATABASE_URL"] = database_url
        if redis is not None:
            settings_env["CHARTER_REDIS_URL"] = redis.url
        env.update(settings_env)
        keys = set_up(settings_env, upstream.url, args.concurrency)
        replicas = [Replica(i, env, work) for i in range(args.replicas if database_url else 1)]
        starting = [threading.Thread(target=r.start) for r in replicas]  # side by side: start-up is slow
        for t in starting:
            t.start()
        for t in starting:
            t.join()
        if not all(r.up for r in replicas):
            raise SystemExit(f"a replica did not start: see the logs under {work} (--keep keeps them)")
        soak = Soak(args, replicas, keys, upstream, redis, database_url)
        print(f"soak: {len(replicas)} replica(s) on {args.store}, {args.duration:.0f} s, "
              f"faults {', '.join(soak.fault_kinds())}", flush=True)
        asyncio.run(soak.run())
        for r in replicas:  # a replica still down at the end (a kill in the last seconds) comes back first
            if not r.up:
                r.start()
        records = verify_records(database_url or f"sqlite:///{data_dir / 'charter.db'}", soak.acked, settings_env)
        result = {"args": {k: v for k, v in vars(args).items() if k not in ("database_url",)},
                  **analyse(soak, args.recovery_s), **records, "upstream_calls": upstream.calls,
                  "restart_s": [round(x, 1) for x in soak.restart_s]}
        result["failures"] = failures(result)
        return result
    finally:
        for r in replicas:
            r.stop()
        if redis is not None:
            redis.stop()
        upstream.stop()
        stack.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def failures(result: dict[str, Any]) -> list[str]:
    out = [f"lost {kind}: {len(ids)} (first {ids[:3]})" for kind, ids in result["lost"].items() if ids]
    if not result["ledger_ok"]:
        out.append(f"ledger does not verify: {result['ledger_problems'][:3]}")
    if result["bad_5xx"]:
        out.append(f"5xx outside the documented fail-closed codes: {result['bad_5xx']}")
    if result["dropped"]:
        out.append(f"connections dropped outside a replica kill: {result['dropped']}")
    if result["undocumented_codes"]:
        out.append(f"error codes missing from docs/api.md: {result['undocumented_codes']}")
    if result["client_errors"]:
        out.append(f"4xx in well-formed traffic: {result['client_errors']}")
    if result["quiet_error_count"]:
        out.append(f"{result['quiet_error_count']} errors outside every fault window: {result['quiet_errors'][:3]}")
    if result["counts"]["interactions"] == 0:
        out.append("no request succeeded: the soak proved nothing")
    return out


def _yes(found: Any) -> str:
    return "yes" if not found else f"**no**: {found}"


def report(result: dict[str, Any], seconds: float) -> str:
    a = result["args"]
    lines = [
        "## Soak under faults (issue 18 item 6)",
        "",
        f"Command: `python benchmarks/soak.py --store {a['store']} --duration {a['duration']:.0f} "
        f"--concurrency {a['concurrency']} --gap-s {a['gap_s']:g} --fault-s {a['fault_s']:g} --write` "
        f"({'2 replicas on PostgreSQL + Redis' if a['store'] == 'postgres' else 'one replica on SQLite'}, "
        f"scripted model answering after {a['delay_ms']:g} ms; {seconds / 60:.1f} minutes wall). The machine's "
        "2 cores were shared with other helpers' builds and tests during the run: latencies and rates are "
        "those of a busy machine; compare slices of the one run.",
        "",
        f"Requests: {result['requests']} ({', '.join(f'{k} {v}' for k, v in sorted(result['ops'].items()))}). "
        f"Acknowledged and checked: {', '.join(f'{k} {v}' for k, v in result['counts'].items())}.",
        "",
        "| check | result |",
        "|---|---|",
        f"| every acknowledged write has its record | {_yes({k: len(v) for k, v in result['lost'].items() if v})} |",
        f"| ledger verifies ({result['ledger_entries']} entries) | {_yes(result['ledger_problems'][:2])} |",
        f"| 5xx only the documented fail-closed codes | {_yes(result['bad_5xx'])} |",
        f"| connections dropped only by a killed replica | {_yes(result['dropped'])} |",
        f"| every error code in docs/api.md | {_yes(result['undocumented_codes'])} |",
        f"| no 4xx | {_yes(result['client_errors'])} |",
        f"| no error outside fault windows | {_yes(result['quiet_error_count'])} |",
        "",
        "Faults injected:",
        "",
        "| at s | fault | length s | detail |",
        "|---|---|---|---|",
        *(f"| {w['at_s']} | {w['kind']} | {w['length_s']} | {w['detail']} |" for w in result["windows"]),
        "",
        f"Outcomes by fault window (a request counts in a window when it overlaps the fault or the "
        f"{a['recovery_s']:g} s after it):",
        "",
        "| window | requests | 2xx share | errors |",
        "|---|---|---|---|",
    ]
    for kind, outcome in sorted(result["per_fault"].items()):
        total = sum(outcome.values())
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.items()) if k != "2xx") or "none"
        lines.append(f"| {kind} | {total} | {outcome.get('2xx', 0) / total:.3f} | {errors} |")
    lines += ["", "Over time (chat latency outside fault windows; largest resident memory of a replica):", "",
              "| from s | requests | req/s | chat p50 ms | chat p95 ms | RSS MB |", "|---|---|---|---|---|---|"]
    lines += [f"| {t['from_s']} | {t['requests']} | {t['req_s']} | {t['chat_p50_ms']} | {t['chat_p95_ms']} | "
              f"{t['rss_mb_max']} |" for t in result["timeline"]]
    if result["restart_s"]:
        lines += ["", f"A replica killed with SIGKILL took {', '.join(map(str, result['restart_s']))} s to answer "
                  "`/healthz` again after its restart (`charter serve`'s start-up on the busy machine)."]
    lines += ["", "Resident memory per replica process (a kill -9 starts a new one):", "",
              "| process | first MB | last MB | max MB | samples |", "|---|---|---|---|---|"]
    lines += [f"| {k} | {v['first_mb']} | {v['last_mb']} | {v['max_mb']} | {v['samples']} |"
              for k, v in sorted(result["memory"].items())]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--store", choices=["sqlite", "postgres"], default="postgres")
    p.add_argument("--database-url", default=os.environ.get("CHARTER_TEST_DATABASE_URL"),
                   help="a PostgreSQL server URL; the soak creates (and drops) a database of its own there")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--duration", type=float, default=1800.0, help="seconds of traffic")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--delay-ms", type=float, default=50.0, help="the scripted model's answer time")
    p.add_argument("--gap-s", type=float, default=40.0, help="mean quiet time before each fault")
    p.add_argument("--jitter", type=float, default=0.5, help="each gap is gap-s times 1 +- this (0: fixed)")
    p.add_argument("--fault-s", type=float, default=8.0, help="how long each fault lasts")
    p.add_argument("--recovery-s", type=float, default=6.0,
                   help="after a fault, errors are still counted as the fault's (circuit reset is 3 s)")
    p.add_argument("--settle-s", type=float, default=15.0, help="quiet time at the end, no fault starts in it")
    p.add_argument("--sample-s", type=float, default=5.0, help="memory sampling interval")
    p.add_argument("--faults", default="", help="comma-separated subset of the faults (default: all that apply)")
    p.add_argument("--seed", type=int, default=18)
    p.add_argument("--json", type=Path, default=None, help="write the whole result here")
    p.add_argument("--write", action="store_true", help="write benchmarks/results/soak.md")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, data)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    result = run(args)
    seconds = time.monotonic() - started
    text_report = report(result, seconds)
    print(text_report)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    if args.write:
        RESULTS.write_text(text_report)
    for failure in result["failures"]:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

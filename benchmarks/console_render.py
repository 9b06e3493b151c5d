"""Console page render time against the same query through the JSON API, at 100,000 interactions.

One command, from the repository root:

    .venv/bin/python benchmarks/console_render.py [--interactions 100000] [--rounds 8] [--requests 25]

1. Builds a store (SQLite in a scratch folder) of N interactions with their ledger entries and raw
   rows, 2 % held for review, one in ten of those still pending (the builder of
   benchmarks/retention_erasure.py), and serves Charter's app (``create_app``) on uvicorn on loopback.
2. Signs a reviewer and an auditor in to the console, then times, in interleaved rounds (the order
   rotating each round), sequential GETs of: the review queue page (``/console/review``, pending)
   against ``GET /api/v1/reviews?status=pending&limit=500`` (the same ``list_items`` query), and the
   interaction search page (``/console/interactions``, 50 newest) against
   ``GET /api/v1/interactions?limit=50``, and the same with filters (approved reviews in the last 90
   days; a guard verdict that no interaction had, the worst case), and a use case's monitoring page
   over 90 days against the cost API's spend per day over that window. Each page request includes the
   session check the console does on every request; each API request the key check.
3. Reports p50 / p95 wall time per target and the page/API ratio of the p50s, with the client's and
   the server's CPU (one process here) over the whole run.

Writes benchmarks/results/console_render.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from gateway_overhead import CHARTER_USE_CASE, free_port, percentile  # noqa: E402  (the shared harness)
from retention_erasure import build  # noqa: E402  (the bulk store builder)

from charter.api.app import create_app  # noqa: E402
from charter.bootstrap import init  # noqa: E402
from charter.catalog import ModelSpec, add_model  # noqa: E402
from charter.policy.service import apply_charter, ensure_tenant  # noqa: E402
from charter.principals.keys import create_key  # noqa: E402
from charter.runtime import Runtime  # noqa: E402
from charter.settings import Settings  # noqa: E402

RESULTS = HERE / "results" / "console_render.md"
SINCE = (dt.datetime.now(dt.UTC) - dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M")
TARGETS = {
    "queue page": ("reviewer", "/console/review?status=pending"),
    "queue API": ("reviewer-key", "/api/v1/reviews?status=pending&limit=500"),
    "search page": ("auditor", "/console/interactions"),
    "search API": ("auditor-key", "/api/v1/interactions?limit=50"),
    # the filters of the search page: approved reviews in the last 90 days (about 1 row in 400 matches)...
    "filtered page": ("auditor", f"/console/interactions?review=approved&since={SINCE}"),
    "filtered API": ("auditor-key", f"/api/v1/interactions?limit=50&review=approved&since={SINCE}"),
    # ...and a verdict no interaction had: every row of the tenant is read
    "no-match page": ("auditor", "/console/interactions?verdict=block"),
    "no-match API": ("auditor-key", "/api/v1/interactions?limit=50&verdict=block"),
    # a use case's monitoring page over 90 days (every interaction, review item and feedback of the
    # window read, seven charts and their tables) against the cost API's spend per day over the same
    # window (the same interaction rows read, one series): no JSON API gives all seven series at once
    "monitoring page": ("auditor", "/console/usecases/gateway-bench/monitoring?days=90"),
    "cost per day API": ("auditor-key", f"/api/v1/cost/spend?use_case=gateway-bench&group_by=day&since={SINCE[:10]}"),
}


def prepare(rt: Runtime, n: int) -> dict[str, str]:
    init(rt)
    tenant_id = rt.writer.write(lambda c: ensure_tenant(c, "agency"))
    rt.writer.write(lambda c: add_model(c, tenant_id, ModelSpec(
        alias="bench-mock", provider="openai", endpoint="http://127.0.0.1:9/v1", platform_model_id="mock",
        version="1", region="local", classification_ceiling="internal", context_window=4096,
    ), actor="bench", egress=rt.egress))
    yaml = CHARTER_USE_CASE.format(tenant="agency", model="bench-mock").replace("retention_days: 1\n", "")
    rt.writer.write(lambda c: apply_charter(c, yaml, actor="bench", egress=rt.egress))
    keys = {role: rt.writer.write(lambda c, r=role: create_key(c, tenant_id=tenant_id, role=r, actor="bench").key)
            for role in ("reviewer", "auditor")}
    print(f"building {n:,} interactions...", flush=True)
    build(rt, n, heavy=max(1, n // 100))
    return keys


def sign_in(client: httpx.Client, key: str) -> None:
    page = client.get("/console/sign-in")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, "no CSRF field on the sign-in page"
    r = client.post("/console/sign-in", data={"csrf": csrf.group(1), "key": key})
    assert r.status_code == 303, r.text


def run(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    settings = Settings(data_dir=scratch, embedded_model="none", scheduler="off", ledger_checkpoint_every=10_000,
                        outbound_allow=["http://127.0.0.1:*"])
    rt = Runtime.open(settings)
    keys = prepare(rt, args.interactions)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, runtime=rt), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    clients: dict[str, httpx.Client] = {}
    for role in ("reviewer", "auditor"):
        clients[role] = httpx.Client(base_url=base, timeout=60)
        sign_in(clients[role], keys[role])
        clients[f"{role}-key"] = httpx.Client(base_url=base, timeout=60,
                                              headers={"authorization": f"Bearer {keys[role]}"})
    samples: dict[str, list[float]] = {name: [] for name in TARGETS}
    sizes: dict[str, int] = {}
    for name, (who, path) in TARGETS.items():  # warm up, and check each answers
        r = clients[who].get(path)
        assert r.status_code == 200, (name, r.status_code, r.text[:300])
        sizes[name] = len(r.content)
    cpu0, t0 = time.process_time(), time.perf_counter()
    names = list(TARGETS)
    for round_no in range(args.rounds):
        order = names[round_no % len(names):] + names[:round_no % len(names)]
        for name in order:
            who, path = TARGETS[name]
            for _ in range(args.requests):
                start = time.perf_counter()
                r = clients[who].get(path)
                samples[name].append(time.perf_counter() - start)
                assert r.status_code == 200, (name, r.status_code)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    server.should_exit = True
    thread.join(15)
    for client in clients.values():
        client.close()
    rt.close()
    stats = {name: {"p50_ms": percentile(v, 0.5) * 1000, "p95_ms": percentile(v, 0.95) * 1000, "n": len(v),
                    "bytes": sizes[name]} for name, v in samples.items()}
    return {"stats": stats, "cpu_s": cpu, "wall_s": wall, "load": os.getloadavg()[0]}


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    s = r["stats"]
    queue_ratio = s["queue page"]["p50_ms"] / s["queue API"]["p50_ms"]
    search_ratio = s["search page"]["p50_ms"] / s["search API"]["p50_ms"]
    filtered_ratio = s["filtered page"]["p50_ms"] / s["filtered API"]["p50_ms"]
    nomatch_ratio = s["no-match page"]["p50_ms"] / s["no-match API"]["p50_ms"]
    monitor_ratio = s["monitoring page"]["p50_ms"] / s["cost per day API"]["p50_ms"]
    rows = "\n".join(
        f"| {name} | {v['p50_ms']:.1f} | {v['p95_ms']:.1f} | {v['n']} | {v['bytes']:,} |" for name, v in s.items()
    )
    return f"""# Console render time (`benchmarks/console_render.py`)

{args.interactions:,} interactions on SQLite (2 % held for review, one in ten of those pending), served by
uvicorn on loopback in the benchmark's process; {args.rounds} interleaved rounds of {args.requests} sequential
requests per target. Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other work: wall
times are noisy, compare the ratios (page and API measured in the same rounds).

| target | p50 ms | p95 ms | requests | response bytes |
|---|---|---|---|---|
{rows}

- Review queue page / JSON API (same `list_items` query): **{queue_ratio:.2f} x** at p50.
- Interaction search page / JSON API (same `list_interactions` query): **{search_ratio:.2f} x** at p50.
- Filtered search (`review=approved`, `since` 90 days ago) page / JSON API: **{filtered_ratio:.2f} x** at p50.
- A verdict filter that matches nothing (`verdict=block`: every row of the tenant read) page / JSON API:
  **{nomatch_ratio:.2f} x** at p50.
- A use case's monitoring page over 90 days (traffic, latency, cost, guard hits, reviews, feedback, drift:
  seven SVG charts with their tables) / the cost API's spend per day over the same window (the same
  interaction rows read, one series): **{monitor_ratio:.2f} x** at p50.
- CPU of this process (client and server) over the timed rounds: {r['cpu_s']:.1f} s in {r['wall_s']:.1f} s wall;
  the machine's 1-minute load average at the end: {r['load']:.1f} (other work ran beside it).

Summary row: console pages at {args.interactions:,} interactions: queue p50
{s['queue page']['p50_ms']:.1f} ms ({queue_ratio:.2f} x the JSON API), search p50 {s['search page']['p50_ms']:.1f} ms
({search_ratio:.2f} x), monitoring (90 days) p50 {s['monitoring page']['p50_ms']:.1f} ms.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--requests", type=int, default=25)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="console-bench-") as scratch:
        os.chmod(scratch, 0o700)
        result = run(args, Path(scratch))
    text = report(args, result)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

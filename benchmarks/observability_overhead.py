"""What metrics and tracing cost the gateway: throughput at c=64 with both on (spans exported to an
OTLP/HTTP receiver on loopback) against both off, measured in the same run.

One command (from the repository root):

    .venv/bin/python benchmarks/observability_overhead.py

Two Charter servers answer the same chat completion from the fast mock upstream of
benchmarks/gateway_overhead.py, whose harness this reuses (load driver, CPU pinning, noise checks,
interleaved rounds in rotating order): ``observed`` (``CHARTER_METRICS_ENABLED=true``,
``CHARTER_OTLP_ENDPOINT`` set) and ``plain`` (metrics off, no endpoint). Each round drives one of
them alone on the gateway core. The figure is the ratio of their median rates (target >= 0.95). After
the rounds the report checks that the observed server really counted and traced: its ``/metrics``
count of answered requests and the spans the receiver decoded. The report goes to
benchmarks/results/observability_overhead.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import threading
import time
import urllib.request
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import uvloop

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gateway_overhead as harness  # noqa: E402  (the shared harness, a sibling script)

RESULTS = HERE / "results" / "observability_overhead.md"


class Receiver:
    """OTLP/HTTP traces endpoint that counts spans (the protobuf is decoded: real work, like a collector)."""

    def __init__(self) -> None:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

        self.spans = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = ExportTraceServiceRequest()
                request.ParseFromString(self.rfile.read(int(self.headers["content-length"])))
                receiver.spans += sum(len(ss.spans) for rs in request.resource_spans for ss in rs.scope_spans)
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def start(procs: harness.Processes, args: argparse.Namespace, receiver: Receiver) -> list[harness.Target]:
    mock_port = harness.free_port()
    mock = procs.start(
        "mock",
        harness.pinned(args.harness_core, [sys.executable, str(HERE / "mock_upstream.py"), "--port", str(mock_port)]),
        dict(os.environ),
        harness.ROOT,
    )
    harness.wait_ready(harness.Target("direct", mock_port, "mock", "sk-mock"), mock)
    targets = []
    for name, env in (
        ("observed", {"CHARTER_METRICS_ENABLED": "true", "CHARTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}"}),
        ("plain", {"CHARTER_METRICS_ENABLED": "false"}),
    ):
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            print(f"starting Charter ({name}) ...", flush=True)
            target = harness.start_charter(procs, args.gateway_core, mock_port, args)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        target.name = name
        targets.append(target)
    return targets


def scraped_requests(target: harness.Target) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{target.port}/metrics", timeout=10) as r:
        text = r.read().decode()
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
        if line.startswith("charter_requests_total{") and 'status="ok"' in line
    )


def report(rounds: list[harness.Round], args: argparse.Namespace, checks: str) -> str:
    by = {name: [r for r in rounds if r.target == name] for name in ("observed", "plain")}
    on, off = (harness.summarise(by[n]) for n in ("observed", "plain"))
    ratios = [a.rps / b.rps for a, b in zip(by["observed"], by["plain"], strict=True)]
    ratio = on.rps / off.rps
    lines = [
        "## Observability overhead (metrics + tracing on vs off)",
        "",
        f"Command: `{args.command}` at {harness._git_head(args.charter_sha)}, {harness._cpu_model()}; "
        f"driver + mock + OTLP receiver on core {args.harness_core or 'any'}, the gateway on core "
        f"{args.gateway_core or 'any'}; {args.rounds} interleaved rounds of {args.seconds:.0f} s per server at c=64.",
        "",
        "| server | req/s (median) | p50 ms | p99 ms | CPU ms/request | errors |",
        "|---|---|---|---|---|---|",
    ]
    for s in (on, off):
        lines.append(f"| {s.target} | {s.rps:.0f} | {s.p50_ms:.2f} | {s.p99_ms:.2f} | "
                     f"{s.cpu_ms_per_request:.2f} | {s.errors} |")
    lines += [
        "",
        f"**Throughput ratio observed/plain: {ratio:.3f}** (target >= 0.95: "
        f"{'met' if ratio >= 0.95 else 'not met'}); per round pair: "
        + ", ".join(f"{r:.3f}" for r in ratios) + f" (median {statistics.median(ratios):.3f}).",
        "",
        f"CPU per request, plain/observed: {off.cpu_ms_per_request / on.cpu_ms_per_request:.3f} "
        f"({on.cpu_ms_per_request - off.cpu_ms_per_request:+.3f} ms of gateway CPU per request for metrics and "
        "tracing). The gateway is CPU-bound on its one core, so this is the throughput ratio without the noise "
        "of other processes; the noise of each round (other processes + steal, in cores) is in "
        f"{args.raw.name} under benchmarks/.work/.",
        "",
        checks,
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--max-noise", type=float, default=0.15)
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--quiet-wait", type=float, default=10.0)
    parser.add_argument("--harness-core", default="0")
    parser.add_argument("--gateway-core", default="1")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.concurrency, args.stream_concurrency = [64], []
    args.charter_ref, args.charter_database_url, args.keep_data = "", "", False
    args.charter_sha = harness.resolve_ref("HEAD")
    args.raw = harness.WORK / "observability_overhead.json"
    args.command = "python benchmarks/observability_overhead.py" + (
        "" if argv is None and len(sys.argv) == 1 else " " + " ".join(sys.argv[1:])
    )
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not shutil.which("taskset"):
        args.harness_core = args.gateway_core = ""
    harness.WORK.mkdir(parents=True, exist_ok=True)
    uvloop.install()
    procs = harness.Processes()
    receiver = Receiver()
    try:
        targets = start(procs, args, receiver)
        harness_pids = [os.getpid(), *harness.descendants(procs.procs[0].pid)]
        if args.harness_core:
            os.sched_setaffinity(0, {int(c) for c in args.harness_core.split(",")})
        for target in targets:
            print(f"warming up {target.name}", flush=True)
            harness.run_round(target, harness_pids, 16, False, args.warmup, -1)
        rounds = harness.run_matrix(targets, harness_pids, args)
        time.sleep(2)  # the last batch of spans leaves within a second
        observed = targets[0]
        checks = (
            f"Check: the observed server's /metrics counts {scraped_requests(observed):.0f} answered requests "
            f"for the {observed.answered} the driver sent it; the OTLP receiver decoded {receiver.spans} spans "
            f"({receiver.spans / max(1, observed.answered):.1f} per request: the exchange and its stages)."
        )
    finally:
        procs.stop()
        receiver.server.shutdown()
    text = report(rounds, args, checks)
    raw = [{k: v for k, v in asdict(r).items() if k not in ("latencies_ms", "first_byte_ms")} for r in rounds]
    args.raw.write_text(json.dumps({"rounds": raw}, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print("\n" + text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()

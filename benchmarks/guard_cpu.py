"""The five guards' CPU per request, in one process, on guard_cost.py's traffic (no server, no network).

    .venv/bin/python benchmarks/guard_cpu.py [--requests 2000] [--profile] [--compare REF [--overlay FILE...]]

The same exchanges as ``benchmarks/guard_cost.py`` (the agency's 1.5 KB system message, one of 16
earlier two-turn exchanges, a new question; a different answer each time) go through the real guard
stages, ``screen_input`` then ``screen_output``, with the charter's five guards (pii: redact,
pseudonymise; injection, toxicity, prompt_leak: block; pii_leak: redact) and one shared verdict
cache, as in ``charter serve``. Reported: CPU time (``time.process_time``) per request over the
stages, and per guard the CPU time of its scans (``time.thread_time``), which on a shared machine
are far steadier than wall-clock. ``--profile`` prints the top functions by cumulative and own time (cProfile).
``--compare REF`` runs REF's src/ and the working tree's (each in a child process), interleaved, and
prints the ratio; with ``--overlay FILE...`` the "after" side is REF's src/ with the working tree's
copies of those files only (one change measured while others edit other files).
A development tool for the guards' hot paths; guard_cost.py is the benchmark of record.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _answer(n: int) -> str:
    import guard_cost as gc

    return f"{gc.ANSWERS[n % len(gc.ANSWERS)]} Your reference is {700000 + n}."


def measure(requests: int, profile: bool) -> dict[str, Any]:
    import guard_cost as gc

    from charter.domain import ChatMessage, Exchange, GenerationParams, Principal
    from charter.domain.charter import Charter, GuardPolicy
    from charter.guards import actions, injection, leakage, pii_leak, toxicity
    from charter.guards.catalog import GuardSet
    from charter.guards.pii import guard as pii
    from charter.guards.stages import screen_input, screen_output
    from charter.plugins import Extensions

    policies = {
        "pii": GuardPolicy(action="redact", options={"mode": "pseudonymise"}),
        "injection": GuardPolicy(action="block"),
        "toxicity": GuardPolicy(action="block"),
        "pii_leak": GuardPolicy(action="redact"),
        "prompt_leak": GuardPolicy(action="block"),
    }
    charter = Charter(name="guarded", tenant="demo", models=["bench-mock"], regions=["local"],
                      system_prompt="You answer questions for the Revenue Agency's citizen helpdesk.",
                      guards=policies)
    principal = Principal(key_id="k", tenant_id="t", tenant="demo", role="app", use_case="guarded")
    class Rt:  # what the guard stages read of a runtime (both the older ``parts`` and ``part``)
        parts: dict[str, Any] = {}

        def part(self, name: str, kind: type, make: Any) -> Any:
            if name not in self.parts:
                self.parts[name] = make()
            return self.parts[name]

    rt: Any = Rt()
    # the guards' own time as CPU time of this thread, not wall-clock (which a busy machine inflates)
    original = actions.run_guard

    def cpu_timed(guard: Any, text: str, context: Any) -> Any:
        started = time.thread_time()
        result, _ = original(guard, text, context)
        return result, (time.thread_time() - started) * 1000.0

    actions.run_guard = cpu_timed
    extensions = Extensions()  # the built-in guards, as charter.guards.builtin registers them
    extensions.items["guards"].update({"pii": pii.make_guard, "pii_leak": pii_leak.make_guard,
                                       "injection": injection.make_guard, "toxicity": toxicity.make_guard,
                                       "prompt_leak": leakage.make_guard})
    rt.parts = {"guards": GuardSet(extensions)}

    def exchange(i: int) -> Exchange:
        msgs = [ChatMessage(m["role"], m["content"]) for m in gc.conversation(i)]
        return Exchange(request_id=f"r{i}", principal=principal, use_case_id="uc", charter=charter,
                        charter_version=1, messages=msgs, params=GenerationParams())

    async def one(i: int) -> Exchange:
        ex = exchange(i)
        await screen_input(ex, rt)
        ex.prompt_messages = [ChatMessage("system", charter.system_prompt), *ex.messages]
        ex.output = ex.model_output = _answer(i)
        await screen_output(ex, rt)
        return ex

    async def run(n: int, start: int) -> tuple[float, dict[str, float], list[Exchange]]:
        per: dict[str, float] = {}
        done = []
        cpu = 0.0
        for i in range(start, start + n):
            t0 = time.process_time()
            ex = await one(i)
            cpu += time.process_time() - t0
            for v in ex.verdicts:
                if "guard" in v.detail:
                    per[v.detail["guard"]] = per.get(v.detail["guard"], 0.0) + float(v.detail.get("ms", 0.0))
            done.append(ex)
        return cpu, per, done

    asyncio.run(run(200, 0))  # warm: models loaded, the 16 prefixes cached, as in a running server
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    rounds = []
    per_total: dict[str, float] = {}
    outcomes: dict[str, int] = {}
    for r in range(5):
        cpu, per, done = asyncio.run(run(requests // 5, 200 + r * (requests // 5)))
        rounds.append(1000 * cpu / (requests // 5))
        for k, v in per.items():
            per_total[k] = per_total.get(k, 0.0) + v
        for ex in done:
            for v in ex.verdicts:
                if "guard" in v.detail:
                    key = f"{v.detail['guard']}:{v.outcome}"
                    outcomes[key] = outcomes.get(key, 0) + 1
    if profiler:
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(45)
    n = (requests // 5) * 5
    return {
        "cpu_ms_per_request": round(statistics.median(rounds), 4),
        "cpu_ms_rounds": [round(x, 4) for x in rounds],
        "guards_own_ms_per_request": {k: round(v / n, 4) for k, v in sorted(per_total.items())},
        "guards_own_total_ms": round(sum(per_total.values()) / n, 4),
        "outcomes": dict(sorted(outcomes.items())),
    }


def child(ref: str, requests: int, overlay: list[str] | None = None) -> dict[str, Any]:
    import gateway_overhead as go
    import guard_cost as gc

    env = dict(os.environ)
    if ref:
        env["PYTHONPATH"] = str(gc.snapshot(go.resolve_ref(ref), overlay))
    out = subprocess.run([sys.executable, __file__, "--requests", str(requests), "--json"], env=env,
                         capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--compare", metavar="REF", help="interleave REF's src/ and the working tree")
    parser.add_argument("--pairs", type=int, default=3, help="rounds of each with --compare")
    parser.add_argument("--overlay", nargs="+", metavar="FILE",
                        help="with --compare: the after side is REF with these working-tree files")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        before: list[dict[str, Any]] = []
        after: list[dict[str, Any]] = []
        for _ in range(args.pairs):
            before.append(child(args.compare, args.requests))
            after.append(child(args.compare if args.overlay else "", args.requests, args.overlay))
        b = statistics.median(x["cpu_ms_per_request"] for x in before)
        a = statistics.median(x["cpu_ms_per_request"] for x in after)
        gb = statistics.median(x["guards_own_total_ms"] for x in before)
        ga = statistics.median(x["guards_own_total_ms"] for x in after)
        print(json.dumps({"before": before[-1], "after": after[-1], "cpu_ms_before": b, "cpu_ms_after": a,
                          "guards_own_before": gb, "guards_own_after": ga,
                          "cpu_ratio": round(a / b, 3), "load": os.getloadavg()}, indent=2))
        return 0
    result = measure(args.requests, args.profile)
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Guard cost in the gateway: added p50 latency with every guard on, for a 1 KB prompt.

    .venv/bin/python benchmarks/guard_cost.py [--rounds 200] [--write]

One process runs Charter (uvicorn on a loopback port, SQLite store in a temporary directory) and a
scripted OpenAI-compatible upstream (loopback). Two use cases share everything but their charter:
``plain`` has no guards, ``guarded`` turns on every installed guard (pii: redact, the others: warn).
Requests alternate between the two (so drift and other load hit both alike); the figure is the
difference of their p50 latencies, with the guards' own time (from the recorded verdicts) beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "guards_pii.md"

PROMPT = (
    "Hello, my name is Maria Gonzalez and I am writing about my 2023 tax return. I filed it online on "
    "March 14 but I have not received the refund yet. My SSN is 536-22-8731 and you can reach me at "
    "maria.gonzalez@example.org or on 613-555-0142 during office hours. I moved last year, so my new "
    "address is 24 Clarke Avenue, Springfield, IL 62704; the old one was 90 Whitchurch Road. The refund "
    "should go to my checking account, and I would like to know whether the change of address caused the "
    "delay. I also received a letter asking for more documents about my dependants, two children aged 7 "
    "and 10, and I am not sure which forms I should send or where to send them. Could you tell me what "
    "the usual processing time is, whether I need to do anything else, and how I can check the status "
    "online? Thank you for your help, I appreciate it very much and I hope to hear from you soon. I can "
    "also come to the office in person on Tuesday or Thursday afternoon if that is easier for your staff, "
    "and I can bring the originals of the letters with me. Best regards."
)
assert len(PROMPT) >= 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="requests per use case")
    parser.add_argument("--write", action="store_true", help=f"append the section to {RESULTS}")
    args = parser.parse_args()

    import httpx
    from tests.conftest import AGENCY_CHARTER, make_platform
    from tests.support.live import LiveCharter
    from tests.support.upstream import ScriptedUpstream

    from charter.guards import GuardSet
    from charter.runtime import Runtime
    from charter.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        rt = Runtime.open(Settings(data_dir=Path(tmp), embedded_model="none", llama_threads=1,
                                   outbound_allow=["http://127.0.0.1:*"]))
        upstream = ScriptedUpstream().start()
        upstream.reply = "Refunds usually take two to three weeks. You can check the status online."
        platform = make_platform(rt, upstream)
        names = GuardSet(rt.registry, rt.settings).names()
        guards = "".join(f"  {n}: {{action: {'redact' if n == 'pii' else 'warn'}}}\n" for n in names)
        guarded = AGENCY_CHARTER.format(rpm=100_000, tpm=100_000_000, max_chars=4000)
        platform.apply(guarded.replace("name: tax-helpdesk", "name: guarded") + "guards:\n" + guards)
        platform.apply(AGENCY_CHARTER.format(rpm=100_000, tpm=100_000_000, max_chars=4000))
        keys = {"plain": platform.key("app", use_case="tax-helpdesk"),
                "guarded": platform.key("app", use_case="guarded")}
        live = LiveCharter(rt).start()
        latency: dict[str, list[float]] = {"plain": [], "guarded": []}
        guard_ms: list[float] = []
        per_guard: dict[str, list[float]] = {}
        try:
            with httpx.Client(base_url=live.url, timeout=30) as http:
                body = {"model": "mock", "messages": [{"role": "user", "content": PROMPT}]}
                for i in range(args.rounds * 2 + 20):
                    which = "plain" if i % 2 == 0 else "guarded"
                    started = time.perf_counter()
                    r = http.post("/v1/chat/completions", json=body, headers={"authorization": f"Bearer {keys[which]}"})
                    elapsed = (time.perf_counter() - started) * 1000
                    assert r.status_code == 200, r.text
                    if i >= 20:
                        latency[which].append(elapsed)
        finally:
            live.stop()
            upstream.stop()
        with rt.engine.connect() as conn:
            from sqlalchemy import select

            from charter.store.schema import interactions

            for (verdicts,) in conn.execute(select(interactions.c.verdicts)):
                ms = [v["detail"].get("ms", 0.0) for v in verdicts if v["stage"].startswith("screen_")
                      and "guard" in v.get("detail", {})]
                if ms:
                    guard_ms.append(sum(ms))
                for v in verdicts:
                    if v["stage"].startswith("screen_") and "guard" in v.get("detail", {}):
                        per_guard.setdefault(v["detail"]["guard"], []).append(v["detail"].get("ms", 0.0))
        rt.close()
    report = {
        "prompt_chars": len(PROMPT), "rounds": args.rounds, "guards": names,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "plain_p50_ms": round(statistics.median(latency["plain"]), 2),
        "guarded_p50_ms": round(statistics.median(latency["guarded"]), 2),
        "plain_p90_ms": round(pct(latency["plain"], 0.9), 2),
        "guarded_p90_ms": round(pct(latency["guarded"], 0.9), 2),
        "guards_own_p50_ms": round(statistics.median(guard_ms), 2) if guard_ms else None,
        "per_guard_p50_ms": {name: round(statistics.median(v), 3) for name, v in sorted(per_guard.items())},
    }
    report["added_p50_ms"] = round(report["guarded_p50_ms"] - report["plain_p50_ms"], 2)
    print(json.dumps(report, indent=2))
    if args.write:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(render(report))
    return 0


def render(r: dict[str, Any]) -> str:
    return "\n".join([
        "", "## Guards: cost in the gateway (all guards on, 1 KB prompt)", "",
        f"Command: `.venv/bin/python benchmarks/guard_cost.py --rounds {r['rounds']} --write`. "
        "Charter on loopback (uvicorn, SQLite), scripted upstream on loopback, requests alternating between a "
        "use case without guards and one with every installed guard on "
        f"({', '.join(r['guards'])}; pii redacts, the others warn). Prompt: {r['prompt_chars']} characters "
        "with a name, SSN, email, phone and addresses.", "",
        "| use case | p50 ms | p90 ms |", "|---|---|---|",
        f"| no guards | {r['plain_p50_ms']} | {r['plain_p90_ms']} |",
        f"| all guards | {r['guarded_p50_ms']} | {r['guarded_p90_ms']} |", "",
        f"Added p50 latency: **{r['added_p50_ms']} ms**; the guards' own time per request "
        f"(sum over guards, from the recorded verdicts), p50: {r['guards_own_p50_ms']} ms. Per guard, p50 ms: "
        + ", ".join(f"{k} {v}" for k, v in r["per_guard_p50_ms"].items()) + ".",
        "The rest of the added time is the larger verdict record and the redaction itself. "
        f"Load average (1 min) at the end of the run: {r['load_average_1m']} on {os.cpu_count()} CPUs "
        "shared with other work; on a busy machine every figure here grows.", "",
    ])


if __name__ == "__main__":
    raise SystemExit(main())

"""The demo's guards in process on every *spent* benign-utility split: which ordinary questions a round would lose
and which personal items it would miss, the working tree against a commit.

    .venv/bin/python benchmarks/spent_splits.py [--ref HEAD] [--show]

For making a PII engine round between gateway runs (issue 12): ``benchmarks/benign_utility.py`` scores a split
through a real gateway, once; this reads the same splits in seconds, in process, to see what a change does on every
split that has already been scored and tuned on. A split counts as spent once its section is in
benchmarks/results/guards_benign_utility.md; a frozen split not yet scored is never read here.

Each line is run as the demo helpdesk runs it (its charter from ``charter.bootstrap.DEMO_CHARTER``): ``pii`` with
the demo's options on the question, ``injection`` and the input-screening guards on the question, ``pii_leak``
on the answer with the question authorised, ``toxicity`` and ``prompt_leak`` (against the line's own system message
and the demo's system prompt) on the answer. An ordinary line is *lost* when any guard acts on it; a personal line is
*missed* when a value of ``question_pii`` meets no ``pii`` finding or a value of ``leak`` that is not the caller's
own (not in the question) meets no ``pii_leak`` finding. The counts approximate the gateway's (which judges the
text the client gets back): they are for comparing two commits, not a figure to report.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results" / "guards_benign_utility.md"
_SCORED = re.compile(r"^## Benign utility through the gateway, .*\((test\d+) split[,)]", re.MULTILINE)


def spent_splits() -> list[tuple[str, Path]]:
    """The written splits whose gateway run is on record, in split order."""
    scored = set(_SCORED.findall(RESULTS.read_text(encoding="utf-8")))
    splits = []
    for path in (HERE / "data").glob("benign_utility_test*.jsonl"):
        name = path.stem.removeprefix("benign_utility_")
        if name in scored:
            splits.append((name, path))
    return sorted(splits, key=lambda s: int(s[0].removeprefix("test")))


def _covered(value: str, text: str, spans: list[tuple[int, int]]) -> bool:
    at = text.find(value)
    return at < 0 or any(s < at + len(value) and e > at for s, e in spans)


def judge(out: Path) -> None:
    """Every spent line's outcome, one JSON object a line (run under the version to check)."""
    import yaml

    from charter.bootstrap import DEMO_CHARTER
    from charter.guards.base import GuardContext
    from charter.guards.injection import InjectionGuard
    from charter.guards.leakage import PromptLeakGuard
    from charter.guards.pii.guard import PiiGuard
    from charter.guards.pii_leak import PiiLeakGuard
    from charter.guards.toxicity import ToxicityGuard

    charter = yaml.safe_load(DEMO_CHARTER)
    options = {name: (policy or {}).get("options", {}) for name, policy in charter["guards"].items()}
    system = charter["system_prompt"]
    pii, leak, inj, tox, prompt = PiiGuard(), PiiLeakGuard(), InjectionGuard(), ToxicityGuard(), PromptLeakGuard()
    tox_input = "input" in getattr(tox, "default_directions", tox.directions)

    def acts(row: dict[str, Any]) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[str]]:
        q, a = row["question"], row["answer"]
        user = GuardContext("input", role="user", source="user", system_prompt=system, options=options["pii"])
        found_q = pii.scan(q, user).findings
        answer = GuardContext("output", role="answer", source="answer", system_prompt=system,
                              authorised_texts=[q], options=options["pii_leak"])
        found_a = leak.scan(a, answer).findings
        what = [f"pii {f.type} {q[f.start:f.end]!r}" for f in found_q]
        what += [f"pii_leak {f.type} {a[f.start:f.end]!r}" for f in found_a]
        if inj.scan(q, GuardContext("input", role="user", source="user", system_prompt=system)).verdict == "flag":
            what.append("injection")
        if tox_input and tox.scan(q, GuardContext("input", role="user", source="user")).verdict == "flag":
            what.append("toxicity on the question")
        if tox.scan(a, GuardContext("output", role="answer", source="answer")).verdict == "flag":
            what.append("toxicity on the answer")
        prompts = "\n".join(p for p in (row.get("system", ""), system) if p)
        recited = prompt.scan(a, GuardContext("output", role="answer", source="answer", system_prompt=prompts))
        if recited.verdict == "flag":
            what.append("prompt_leak")
        return [(f.start, f.end) for f in found_q], [(f.start, f.end) for f in found_a], what

    with out.open("w", encoding="utf-8") as fh:
        for split, path in spent_splits():
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
                row = json.loads(line)
                spans_q, spans_a, what = acts(row)
                personal = "question_pii" in row or "leak" in row
                if personal:
                    missed = [v for v in row.get("question_pii", []) if not _covered(v, row["question"], spans_q)]
                    missed += [v for v in row.get("leak", [])
                               if v not in row["question"] and not _covered(v, row["answer"], spans_a)]
                    outcome = {"missed": missed}
                else:
                    outcome = {"acted": what}
                fh.write(json.dumps({"split": split, "line": i, "personal": personal, **outcome},
                                    ensure_ascii=False) + "\n")


def _run(pythonpath: Path, out: Path) -> list[dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    subprocess.run([sys.executable, __file__, "--judge", str(out)], env=env, check=True)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _bad(row: dict[str, Any]) -> bool:
    return bool(row["missed"] if row["personal"] else row["acted"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="the commit to compare the working tree with")
    parser.add_argument("--show", action="store_true", help="print every lost and missed line, not only changes")
    parser.add_argument("--judge", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.judge:
        judge(args.judge)
        return 0
    import gateway_overhead as go

    go.WORK.mkdir(parents=True, exist_ok=True)
    sha = go.resolve_ref(args.ref)
    old = _run(go.charter_snapshot(sha), go.WORK / f"spent-splits-{sha}.jsonl")
    new = _run(ROOT / "src", go.WORK / "spent-splits-working-tree.jsonl")
    changed = 0
    for a, b in zip(old, new, strict=True):
        if a != b or (args.show and _bad(b)):
            changed += a != b
            what = "missed" if b["personal"] else "acted"
            print(f"{b['split']} line {b['line']}: {a[what]} -> {b[what]}" if a != b else
                  f"{b['split']} line {b['line']}: {b[what]}")
    summary = {
        "reference": sha, "splits": len({r["split"] for r in new}),
        "ordinary": sum(not r["personal"] for r in new), "personal": sum(r["personal"] for r in new),
        "lost": {"reference": sum(_bad(r) for r in old if not r["personal"]),
                 "working_tree": sum(_bad(r) for r in new if not r["personal"])},
        "missed": {"reference": sum(_bad(r) for r in old if r["personal"]),
                   "working_tree": sum(_bad(r) for r in new if r["personal"])},
        "lines_changed": changed,
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

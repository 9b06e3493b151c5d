"""Toxicity guard on HateCheck, side by side with alt-profanity-check in the same run.

    .venv/bin/pip install alt-profanity-check==1.9.1   # the peer, for this benchmark only
    .venv/bin/python benchmarks/toxicity.py

Data: ``../shared/data/toxicity/hatecheck_test_suite_cases.csv`` (3,728 cases, read in place).
The guard's word lists were tuned on the *dev* half of HateCheck's templates
(``sha256("hc:" + templ_id)`` even); the *held-out* half (odd) was not used for tuning. Both
halves share HateCheck's identity terms and slurs, so the held-out figure is still optimistic
about language HateCheck does not contain. A case counts as hateful when the guard's verdict is
``flag`` at the default threshold (0.5); the peer's verdict is ``predict() == 1``.

Prints a Markdown section (the figures in benchmarks/results/guards_injection_toxicity.md).
"""

from __future__ import annotations

import csv
import hashlib
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HATECHECK = ROOT.parent / "shared/data/toxicity/hatecheck_test_suite_cases.csv"


def half(row: dict[str, str]) -> str:
    return "dev" if int(hashlib.sha256(("hc:" + row["templ_id"]).encode()).hexdigest()[:8], 16) % 2 == 0 else "held-out"


def scores(pred: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    tn = len(pred) - tp - fp - fn
    return {"accuracy": (tp + tn) / len(pred), "f1": 2 * tp / max(1, 2 * tp + fp + fn),
            "precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn)}


def peer_predict() -> Any:
    try:
        from profanity_check import predict
    except ImportError:
        return None
    return lambda texts: [bool(x) for x in predict(texts)]


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from charter.guards.base import GuardContext
    from charter.guards.toxicity import ToxicityGuard

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else HATECHECK
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    texts = [r["test_case"] for r in rows]
    gold = [r["label_gold"] == "hateful" for r in rows]
    guard = ToxicityGuard()
    ctx = GuardContext(direction="output")
    t0 = time.perf_counter()
    charter = [guard.scan(t, ctx).verdict == "flag" for t in texts]
    charter_s = time.perf_counter() - t0
    predict = peer_predict()
    peer = None
    peer_s = 0.0
    if predict is not None:
        t0 = time.perf_counter()
        peer = predict(texts)
        peer_s = time.perf_counter() - t0
    print("## Toxicity on HateCheck\n")
    print("Command: `.venv/bin/python benchmarks/toxicity.py`\n")
    print(f"{len(rows)} cases ({sum(gold)} hateful). Charter {charter_s * 1e3 / len(rows):.3f} ms/case"
          + (f", alt-profanity-check {peer_s * 1e3 / len(rows):.3f} ms/case (batched)." if peer else "."))
    print("\n| split | detector | accuracy | F1 | precision | recall |\n|---|---|---|---|---|---|")
    for split in ("all", "held-out", "dev"):
        idx = [i for i, r in enumerate(rows) if split == "all" or half(r) == split]
        g = [gold[i] for i in idx]
        entries = [("Charter toxicity guard", [charter[i] for i in idx])]
        if peer is not None:
            entries.append(("alt-profanity-check 1.9.1", [peer[i] for i in idx]))
        for name, pred in entries:
            s = scores(pred, g)
            print(f"| {split} ({len(idx)}) | {name} | {s['accuracy']:.3f} | {s['f1']:.3f} | {s['precision']:.3f} "
                  f"| {s['recall']:.3f} |")
    if peer is None:
        print("\nalt-profanity-check is not installed: `.venv/bin/pip install alt-profanity-check==1.9.1`.")
    else:
        a = scores(charter, gold)["accuracy"] / scores(peer, gold)["accuracy"]
        print(f"\nAccuracy ratio Charter / alt-profanity-check on all cases: {a:.2f}x.")
    print("\nPer functionality, held-out half (Charter correct / cases):\n")
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, r in enumerate(rows):
        if half(r) == "held-out":
            per[r["functionality"]][0] += charter[i] == gold[i]
            per[r["functionality"]][1] += 1
    print(", ".join(f"{k} {c}/{n}" for k, (c, n) in sorted(per.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

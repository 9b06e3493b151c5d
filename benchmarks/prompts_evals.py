"""Prompts and evaluations: the cost of the compose stage's sandboxed render, and of the
evaluators against calling sacrebleu / rouge-score directly (peers measured in the same run).

    .venv/bin/python benchmarks/prompts_evals.py [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
from pathlib import Path

import jinja2

from charter.domain import ChatMessage
from charter.evals.base import Answer, Case, Scored
from charter.evals.metrics.overlap import Bleu, Chrf, Rouge
from charter.prompts.stages import build_messages
from charter.prompts.versions import PromptVersion

TEMPLATE = (
    "You answer for {{ agency }} in a {{ tone }} tone. Use only this context:\n"
    "{% for c in context %}[{{ loop.index }}] {{ c.text }}\n{% endfor %}Question: {{ question }}"
)
CONTEXT = [{"text": f"Paragraph {i}: returns are due by 31 January; payments by the same date."} for i in range(4)]
VERSION = PromptVersion(
    id="pv",
    prompt_id="p",
    name="tax",
    version=1,
    sha256="",
    kind="text",
    template=TEMPLATE,
    variables={"properties": {"agency": {"type": "string", "default": "HMRC"}, "tone": {"enum": ["plain", "formal"]}}},
    model_params={},
    thresholds={},
    author="a",
    message="",
    created_at="",
    use_case_id=None,
)


def per_call(fn, n: int, rounds: int = 5) -> float:
    """Median microseconds per call over ``rounds`` rounds of ``n`` calls."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(times)


def compose_bench(n: int) -> list[tuple[str, float]]:
    messages = [ChatMessage("user", "When is my return due?")]
    plain_env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    compiled = plain_env.from_string(TEMPLATE)
    values = {"agency": "HMRC", "tone": "plain", "context": CONTEXT, "question": messages[0].content}
    return [
        (
            "Charter compose (sandbox, schema check, context, cached template)",
            per_call(
                lambda: build_messages(
                    version=VERSION,
                    system_prompt="",
                    messages=messages,
                    variables={"tone": "plain"},
                    context=CONTEXT,
                    use_case="tax",
                ),
                n,
            ),
        ),
        ("plain Jinja2, template compiled once (peer)", per_call(lambda: compiled.render(values), n)),
        (
            "plain Jinja2, compiled every call (peer)",
            per_call(lambda: plain_env.from_string(TEMPLATE).render(values), n),
        ),
    ]


def evaluator_bench(items: int) -> list[tuple[str, float, float]]:
    from rouge_score import rouge_scorer
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    hyps = [f"The return for year {i} is due by 31 January, with payment the same day." for i in range(items)]
    refs = [f"Returns for {i} are due on 31 January and must be paid then." for i in range(items)]
    cases = [Case(id=str(i), idx=i, input="q", references=(r,)) for i, r in enumerate(refs)]

    async def ours(evaluator) -> None:
        rows = [Scored(c, Answer(h), await evaluator.score(c, Answer(h))) for c, h in zip(cases, hyps, strict=True)]
        evaluator.aggregate(rows)

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) / items * 1e6

    bleu, chrf, sent_bleu = BLEU(), CHRF(), BLEU(effective_order=True)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    out = []
    for name, evaluator, direct in (
        (
            "bleu",
            Bleu(),
            lambda: (
                [sent_bleu.sentence_score(h, [r]) for h, r in zip(hyps, refs, strict=True)],
                bleu.corpus_score(hyps, [refs]),
            ),
        ),
        (
            "chrf",
            Chrf(),
            lambda: (
                [chrf.sentence_score(h, [r]) for h, r in zip(hyps, refs, strict=True)],
                chrf.corpus_score(hyps, [refs]),
            ),
        ),
        ("rouge", Rouge(), lambda: [scorer.score(r, h) for h, r in zip(hyps, refs, strict=True)]),
    ):
        ours_us = statistics.median(timed(lambda e=evaluator: asyncio.run(ours(e))) for _ in range(3))
        direct_us = statistics.median(timed(direct) for _ in range(3))
        out.append((name, ours_us, direct_us))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="write benchmarks/results/prompts_evals.md")
    parser.add_argument("-n", type=int, default=2000)
    args = parser.parse_args()
    compose = compose_bench(args.n)
    evals = evaluator_bench(500)
    base = compose[1][1]
    lines = [
        "## Prompts and evaluations",
        "",
        "Command: `.venv/bin/python benchmarks/prompts_evals.py --write`",
        f"Machine: {platform.machine()}, Python {sys.version.split()[0]}, one process, 2 vCPUs shared with "
        "other work (figures are medians of 5 rounds).",
        "",
        "### Compose stage: rendering a prompt version (4 context chunks)",
        "",
        "| path | µs per request | vs plain Jinja2 compiled once |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {us:.1f} | {us / base:.2f}x |" for name, us in compose]
    lines += [
        "",
        "### Evaluators against the libraries they wrap (500 items, per-item sentence scores + corpus score)",
        "",
        "| evaluator | Charter µs/item | direct µs/item | ratio |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {o:.1f} | {d:.1f} | {o / d:.2f}x |" for name, o, d in evals]
    lines += [
        "",
        "Direct ROUGE uses rouge-score's own tokenizer (Latin-only); Charter's Unicode tokenizer is "
        "included in its figure.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        out = Path(__file__).parent / "results" / "prompts_evals.md"
        out.parent.mkdir(exist_ok=True)
        out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

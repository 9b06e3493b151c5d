"""Undo the disguises attackers put on text before a guard reads it.

:func:`normalize` folds compatibility forms (NFKC: fullwidth, mathematical alphanumerics,
ligatures), drops invisible characters (zero-width, bidi controls, variation selectors, soft
hyphens), maps Cyrillic/Greek look-alikes to the Latin letters they imitate (after Unicode UTS #39
*intentional* confusables) and lower-cases. Every character of the result keeps the index of the
original character it came from, so findings point into the caller's text.

:func:`deleet` reads ``1gn0r3`` as ``ignore`` inside words that mix letters and digits;
:func:`hidden_payloads` finds text smuggled in base64, hex, percent-encoding, ``\\uXXXX``
escapes or Unicode tag characters and decodes it, with the span it came from; :func:`decode_runs`
is its walk over one pattern's runs, which the injection guard's other decoders share.

All of it is plain Python with an ASCII fast path: a 1 KB ASCII prompt normalises in a few µs.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

__all__ = [
    "HiddenPayload",
    "Normalized",
    "blank_match",
    "decode_runs",
    "deleet",
    "hidden_payloads",
    "normalize",
    "rot13",
]

# Zero-width and formatting characters that render as nothing.
_INVISIBLE = frozenset(
    (
        0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0,
        *range(0x200B, 0x2010),  # zero-width space/joiners, LRM/RLM
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2070),  # word joiner, invisible operators, bidi isolates
        *range(0xFE00, 0xFE10),  # variation selectors
    )
)
_TAG_BLOCK = range(0xE0000, 0xE0080)  # Unicode tag characters: ASCII smuggled invisibly
_VARIATION_SUPPLEMENT = range(0xE0100, 0xE01F0)

# Look-alikes that NFKC leaves alone (UTS #39 intentional confusables plus common extras).
_HOMOGLYPH_PAIRS = (  # confusable (escaped) followed by the ASCII letter it imitates
    "\u0410A\u0412B\u0421C\u0415E\u041dH\u0406I\u0408J\u041aK\u041cM\u041eO\u0420P\u0405S"
    "\u0422T\u0425X\u03a5Y\u04aeY\u0391A\u0392B\u0395E\u0397H\u0399I\u039aK\u039cM\u039dN"
    "\u039fO\u03a1P\u03a4T\u03a7X\u0396Z\u0430a\u0441c\u0501d\u0435e\u04bbh\u0456i\u0458j"
    "\u03f3j\u04cfl\u043eo\u0440p\u051bq\u0455s\u051dw\u0445x\u0443y\u04afy\u03bfo\u03bdv"
    "\u03f2c\u0251a\u0131i\u0261g\u0269i\u028fy\u1d20v\u0274n\u0280r\ua731s\u1d1bt\u1d0fo"
    "\u1d1cu\u1d21w\u1d22z"
)
_HOMOGLYPHS = {_HOMOGLYPH_PAIRS[i]: _HOMOGLYPH_PAIRS[i + 1] for i in range(0, len(_HOMOGLYPH_PAIRS), 2)}

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "9": "g", "@": "a", "$": "s", "!": "i", "|": "l", "+": "t"})
# A word that holds a leet character: the letters just before it, the rest of the word after it.
# The look-behind only rules out starts inside a run of letters, where no match can begin (the
# match would have begun at the run's first letter), so the matches are those of the pattern
# without it; it keeps the scan linear instead of trying every letter of every word.
_LEET_WORD = re.compile(r"(?<![a-z])[a-z]*[0-9@$!|+][\w@$!|+]*")
# The same words found from their first leet character (the scan jumps from one to the next in C),
# the letters before it added by :func:`deleet`.
_FROM_LEET = re.compile(r"[0-9@$!|+][\w@$!|+]*")
_LATIN = re.compile(r"[a-z]")
# Letters and then three or more digits, nothing after, one of which has no leet reading (2, 6): a code
# ("sp156", "a1234"), not leetspeak ("h473" is "hate").
_CODE = re.compile(r"[a-z]+(?=[0-9]*[26])[0-9]{3,}")


@dataclass(slots=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index of the original character."""

    text: str
    index: list[int] | None  # None: identity (the ASCII fast path)
    invisible: int = 0  # invisible characters removed
    homoglyphs: int = 0  # look-alike letters replaced
    mixed_words: int = 0  # words mixing Latin with Cyrillic/Greek letters
    tags: int = 0  # Unicode tag characters removed (counted in ``invisible`` too)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the original text."""
        if self.index is None:
            return start, end
        if not self.index:
            return 0, 0
        last = len(self.index) - 1
        lo = self.index[min(start, last)]
        hi = self.index[min(max(end - 1, start), last)] + 1
        return lo, hi


@dataclass(slots=True)
class HiddenPayload:
    """Text decoded from an encoded run in the original text."""

    encoding: str
    start: int
    end: int
    text: str
    meta: dict[str, int] = field(default_factory=dict)


def _fold_char(ch: str) -> str:
    mapped = _HOMOGLYPHS.get(ch)
    if mapped is not None:
        return mapped
    return unicodedata.normalize("NFKC", ch)


def normalize(text: str) -> Normalized:
    """Fold, de-disguise and lower-case ``text``, keeping an index back to the original."""
    if text.isascii():
        return Normalized(text.lower(), None)
    out: list[str] = []
    index: list[int] = []
    invisible = homoglyphs = tags = 0
    for i, ch in enumerate(text):
        code = ord(ch)
        if code in _INVISIBLE or code in _TAG_BLOCK or code in _VARIATION_SUPPLEMENT:
            invisible += 1
            tags += code in _TAG_BLOCK
            continue
        if code < 128:
            out.append(ch.lower())
            index.append(i)
            continue
        if ch in _HOMOGLYPHS:
            homoglyphs += 1
        folded = "i" if ch == "\u0130" else _fold_char(ch).lower()  # Turkish İ lower-cases to i + a combining dot
        out.extend(folded)
        index.extend([i] * len(folded))
    return Normalized("".join(out), index, invisible, homoglyphs, _mixed_script_words(text), tags)


_WORD = re.compile(r"\w+")


def _mixed_script_words(text: str) -> int:
    count = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        latin = any("a" <= c.lower() <= "z" for c in word)
        foreign = any(c in _HOMOGLYPHS for c in word)
        count += latin and foreign
    return count


def blank_match(m: re.Match[str]) -> str:
    """A ``re.sub`` replacement: the match as spaces, so offsets into the text still hold."""
    return " " * (m.end() - m.start())


def deleet(text: str, keep_codes: bool = False) -> str:
    """Read leetspeak inside words that mix letters with digits or symbols; same length as input.
    Words of fewer than three characters, or with no letter a-z (numbers), are left as they are; with
    ``keep_codes``, so are codes of letters and then three or more digits, one of them a digit no leet
    letter reads (a service's "SP156" is not "spis6"; "h473" is still "hate")."""
    pieces: list[str] = []
    last = 0  # where the text not yet in ``pieces`` starts
    bound = 0  # where the previous word ended: no word character there, so no word starts before it
    # the matches of _LEET_WORD, each found at its first leet character: a match is the run of a-z
    # letters just before it, that character and the word characters after it
    match = _FROM_LEET.search(text)
    while match is not None:
        at, end = match.span()
        start = at
        while start > bound and "a" <= text[start - 1] <= "z":
            start -= 1
        if end - start >= 3 and (start < at or _LATIN.search(text, at, end) is not None) and not (
                keep_codes and _CODE.fullmatch(text, start, end)):
            pieces += (text[last:start], text[start:end].translate(_LEET))
            last = end
        bound = end
        match = _FROM_LEET.search(text, end)
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


_B64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]?){8,}(?![0-9A-Fa-f])")
_HEX_ESC = re.compile(r"(?:\\x[0-9A-Fa-f]{2}){4,}")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}){4,}")
_UNI_ESC = re.compile(r"(?:\\u[0-9A-Fa-f]{4}){4,}")
_TAG_RUN = re.compile("[\U000e0000-\U000e007f]{4,}")
# Necessary for a match of _HEX (16 hex digits, at most one space or colon between pairs) and of
# _B64 (16 characters with no whitespace): one search each, much cheaper than the patterns.
_HEX_SPAN = re.compile(r"[0-9A-Fa-f :]{16}")
_LONG_WORD = re.compile(r"\S{16}")
# A run of 16 that begins after a whitespace character: the search jumps from one to the next in C
# instead of trying 16 characters at every position (a run at the very start: _LONG_WORD.match).
_SPACE_LONG_WORD = re.compile(r"\s\S{16}")


def _readable(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(decoded) < 4:
        return None
    printable = sum(c.isprintable() or c in "\n\t" for c in decoded)
    letters = sum(c.isalpha() or c == " " for c in decoded)
    if printable / len(decoded) < 0.95 or letters / len(decoded) < 0.6:
        return None
    return decoded


def _decode_b64(run: str) -> str | None:
    run = run.rstrip("=")
    padded = run + "=" * (-len(run) % 4)
    try:
        raw = base64.b64decode(padded, altchars=b"-_" if ("-" in run or "_" in run) else None)
    except (binascii.Error, ValueError):
        return None
    return _readable(raw)


def _decode_hex(run: str) -> str | None:
    digits = re.sub(r"[^0-9A-Fa-f]", "", run.replace("\\x", ""))
    if len(digits) % 2:
        return None
    try:
        return _readable(bytes.fromhex(digits))
    except ValueError:
        return None


def _decode_percent(run: str) -> str | None:
    return _readable(unquote(run).encode("utf-8", "surrogatepass"))


def _decode_uni(run: str) -> str | None:
    chars = "".join(chr(int(run[i + 2 : i + 6], 16)) for i in range(0, len(run), 6))
    return _readable(chars.encode("utf-8", "surrogatepass"))


def _decode_tags(run: str) -> str | None:
    return _readable("".join(chr(ord(c) - 0xE0000) for c in run).encode("utf-8"))


_DECODERS = (
    ("base64", _B64, _decode_b64),
    ("hex", _HEX, _decode_hex),
    ("hex", _HEX_ESC, _decode_hex),
    ("percent", _PERCENT, _decode_percent),
    ("unicode_escape", _UNI_ESC, _decode_uni),
    ("unicode_tags", _TAG_RUN, _decode_tags),
)


def _may_hold(encoding: str, pattern: re.Pattern[str], text: str) -> bool:
    """Cheap tests that rule a decoder out before its regex walks the text (same result)."""
    if encoding == "unicode_tags":
        return not text.isascii()
    if pattern is _HEX_ESC:
        return "\\x" in text
    if encoding == "percent":
        return "%" in text
    if encoding == "unicode_escape":
        return "\\u" in text
    if encoding == "base64":  # a run of 16 base64 characters holds no whitespace
        return _LONG_WORD.match(text) is not None or _SPACE_LONG_WORD.search(text) is not None
    return _HEX_SPAN.search(text) is not None  # _HEX


def decode_runs(encoding: str, pattern: re.Pattern[str], decode: Callable[[str], str | None], text: str,
                start: int = 0, end: int | None = None) -> Iterator[HiddenPayload]:
    """The runs of ``pattern`` between ``start`` and ``end`` that ``decode`` reads as text, in order (lazily:
    a caller that needs a few stops the walk there)."""
    for match in pattern.finditer(text, start, len(text) if end is None else end):
        decoded = decode(match.group())
        if decoded is not None:
            yield HiddenPayload(encoding, match.start(), match.end(), decoded)


def _may_hold_base64(text: str) -> bool:
    return _LONG_WORD.match(text) is not None or _SPACE_LONG_WORD.search(text) is not None


def _may_hold_hex(text: str) -> bool:
    return _HEX_SPAN.search(text) is not None


#: :data:`_DECODERS` each with its :func:`_may_hold` test as a function of the text alone (the same
#: tests, not told apart by name for every text).
_GATED: tuple[tuple[str, re.Pattern[str], Callable[[str], str | None], Callable[[str], bool]], ...] = (
    ("base64", _B64, _decode_b64, _may_hold_base64),
    ("hex", _HEX, _decode_hex, _may_hold_hex),
    ("hex", _HEX_ESC, _decode_hex, lambda text: "\\x" in text),
    ("percent", _PERCENT, _decode_percent, lambda text: "%" in text),
    ("unicode_escape", _UNI_ESC, _decode_uni, lambda text: "\\u" in text),
    ("unicode_tags", _TAG_RUN, _decode_tags, lambda text: not text.isascii()),
)


def hidden_payloads(text: str, limit: int = 16) -> list[HiddenPayload]:
    """Decode up to ``limit`` encoded runs in ``text`` that turn out to be readable text."""
    found: list[HiddenPayload] = []
    for encoding, pattern, decode, may_hold in _GATED:
        if not may_hold(text):
            continue
        for payload in decode_runs(encoding, pattern, decode, text):
            found.append(payload)
            if len(found) >= limit:
                return found
    return found

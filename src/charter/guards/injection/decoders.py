"""More encodings an instruction is smuggled in (issue 12, round 4): Morse, binary, base32, base85,
letters spaced apart ("i g n o r e  a l l ...") and percent or ``\\u`` escapes mixed with plain
letters ("Ignore%20all%20previous%20instructions").

:func:`charter.guards.normalize.hidden_payloads` reads base64, hex, percent and ``\\u`` escapes and tag
characters; these are read here, for the injection guard only. A run counts when it decodes to
readable text of at least :data:`MIN_WORDS` words (a hash, a key or a bit mask does not). Each
decoder has a cheap test that rules it out before its pattern walks the text.
"""

# ruff: noqa: RUF001, RUF003  (the en dash and bullets Morse is written with, on purpose)
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from urllib.parse import unquote

from charter.guards.normalize import HiddenPayload

__all__ = ["MIN_WORDS", "more_payloads"]

MIN_WORDS = 3

_MORSE_CODE = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g", "....": "h", "..": "i",
    ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n", "---": "o", ".--.": "p", "--.-": "q", ".-.": "r",
    "...": "s", "-": "t", "..-": "u", "...-": "v", ".--": "w", "-..-": "x", "-.--": "y", "--..": "z",
    "-----": "0", ".----": "1", "..---": "2", "...--": "3", "....-": "4", ".....": "5", "-....": "6",
    "--...": "7", "---..": "8", "----.": "9", ".-.-.-": ".", ".--.-.": "@", "--..--": ",", "..--..": "?",
    ".----.": "'", "-..-.": "/", "-....-": "-",
}
# Morse: at least 12 symbols of dots and dashes (also "•", "–", "_"), letters split by one space,
# words by " / ", " | " or several spaces.
_MORSE = re.compile(r"(?<![\w.\-])[.\-•·–_]{1,7}(?:(?: {1,3}| ?[/|] ?)[.\-•·–_]{1,7}){11,}(?![\w.\-])")
_MORSE_HINT = re.compile(r"[.\-–_][.\-–_•·]* [.\-–_•·]+ [.\-–_•·]")
_BINARY = re.compile(r"(?<![01])[01]{8}(?:[ ,]?[01]{8}){3,}(?![01])")
_BASE32 = re.compile(r"(?<![A-Z2-7=])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9=])")
# base85 (RFC 1924 / Python's b85) and Ascii85: long runs without spaces, of letters, digits and
# punctuation, mixing all three (a word or a number cannot)
_BASE85 = re.compile(r"(?:<~)?[0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]{20,}(?:~>)?")
# percent or \u escapes mixed with plain letters ("Ignore%20all%20previous..."): normalize reads
# runs of escapes only
_PERCENT_MIXED = re.compile(r"(?:[^\s%]*%[0-9A-Fa-f]{2}){3,}[^\s%]*")
_UNI_MIXED = re.compile(r"(?:[^\s\\]*\\u[0-9A-Fa-f]{4}){3,}[^\s\\]*")
_ASCII85 = re.compile(r"<~[!-u\s]{10,}?~>")
_LETTERS_SPACED = re.compile(r"(?<!\S)(?:[A-Za-z0-9@.,'-](?: {1,3}| ?/ ?)){9,}[A-Za-z0-9@.,'-](?!\S)")


def _readable(decoded: str) -> str | None:
    """``decoded`` where it reads as words: enough of them, mostly letters, nothing unprintable."""
    plain = decoded.replace("\n", " ").replace("\t", " ")
    wordy = len(plain.split()) >= MIN_WORDS and sum(map(str.isalpha, plain)) + plain.count(" ") >= 0.7 * len(plain)
    return decoded if wordy and plain.isprintable() else None


def _bytes(raw: bytes) -> str | None:
    try:
        return _readable(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None


def _morse(run: str) -> str | None:
    run = run.translate(str.maketrans("•·–_", "..--"))
    words = re.split(r" ?[/|] ?| {2,}", run)
    out = []
    for word in words:
        letters = [_MORSE_CODE.get(sym) for sym in word.split()]
        if any(c is None for c in letters):
            return None
        out.append("".join(c for c in letters if c))
    return _readable(" ".join(out))


def _binary(run: str) -> str | None:
    bits = re.sub(r"[ ,]", "", run)
    return _bytes(int(bits, 2).to_bytes(len(bits) // 8, "big"))


def _base32(run: str) -> str | None:
    body = run.rstrip("=")
    try:
        return _bytes(base64.b32decode(body + "=" * (-len(body) % 8)))
    except (binascii.Error, ValueError):
        return None


def _base85(run: str) -> str | None:
    if run.startswith("<~"):
        try:
            return _bytes(base64.a85decode(re.sub(r"\s", "", run), adobe=True))
        except (binascii.Error, ValueError):
            return None
    if not (re.search(r"[A-Za-z]", run) and re.search(r"[0-9]", run) and re.search(r"[^0-9A-Za-z]", run)):
        return None
    # a label glued to the run ("payload=", "data:") is in base85's alphabet: try after it too
    label = re.match(r"[A-Za-z_]{1,16}[=:]", run)
    for body in (run, run[label.end():]) if label else (run,):
        for decode in (base64.b85decode, base64.a85decode):
            try:
                decoded = _bytes(decode(body))
            except (binascii.Error, ValueError):
                continue
            if decoded is not None:
                return decoded
    return None


def _percent(run: str) -> str | None:
    return _readable(unquote(run))


def _uni(run: str) -> str | None:
    return _readable(re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), run))


def _spaced(run: str) -> str | None:
    # words are split by several spaces or a slash; letters by one space
    words = re.split(r" ?/ ?| {2,}", run)
    if len(words) < MIN_WORDS:
        return None
    return _readable(" ".join(w.replace(" ", "") for w in words))


_DECODERS = (
    ("morse", _MORSE, _morse),
    ("binary", _BINARY, _binary),
    ("base85", _ASCII85, _base85),
    ("spaced", _LETTERS_SPACED, _spaced),
    ("percent", _PERCENT_MIXED, _percent),
    ("unicode_escape", _UNI_MIXED, _uni),
)
#: base32 and base85 runs hold no space: they are looked for inside runs of 16 non-space characters
_IN_LONG_RUNS = (("base32", _BASE32, _base32), ("base85", _BASE85, _base85))
_LONG_RUN = re.compile(r"\S{16,}")


def more_payloads(text: str, limit: int = 8) -> list[HiddenPayload]:
    """Decode up to ``limit`` runs of ``text`` in the encodings above that turn out to be readable text."""
    found: list[HiddenPayload] = []
    for encoding, pattern, decode in _DECODERS:
        if _may_hold(encoding, text):
            found += _decoded(encoding, pattern, decode, text, 0, len(text))
    for run in _LONG_RUN.finditer(text):
        for encoding, pattern, decode in _IN_LONG_RUNS:
            found += _decoded(encoding, pattern, decode, text, run.start(), run.end())
    return found[:limit]


def _decoded(encoding: str, pattern: re.Pattern[str], decode: Callable[[str], str | None], text: str,
             start: int, end: int) -> list[HiddenPayload]:
    out = []
    for match in pattern.finditer(text, start, end):
        decoded = decode(match.group())
        if decoded is not None:
            out.append(HiddenPayload(encoding, match.start(), match.end(), decoded))
    return out


def _may_hold(encoding: str, text: str) -> bool:
    """Cheap tests (substring look-ups) that rule a decoder out before its pattern walks the text;
    each is necessary for a match that decodes to readable text."""
    if encoding == "morse":  # a readable Morse run holds a letter with both symbols
        return (".-" in text or "-." in text) and _MORSE_HINT.search(text) is not None
    if encoding == "binary":  # an ASCII letter is 01xxxxxx
        return "0110" in text or "0111" in text
    if encoding == "base85":
        return "<~" in text
    if encoding == "percent":
        return "%20" in text or "%2" in text
    if encoding == "unicode_escape":
        return "\\u00" in text
    # letters spaced apart: English words spaced out hold a lone "e" and a lone "t"
    low = text.lower()
    return (" e " in low or "e  " in low) and (" t " in low or "t  " in low)

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

from charter.guards.normalize import HiddenPayload, decode_runs

__all__ = ["MIN_WORDS", "more_payloads"]

MIN_WORDS = 3


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


def _may_be_morse(text: str) -> bool:
    """A readable Morse run holds a letter with both symbols."""
    return (".-" in text or "-." in text) and _MORSE_HINT.search(text) is not None


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


_BINARY = re.compile(r"(?<![01])[01]{8}(?:[ ,]?[01]{8}){3,}(?![01])")


def _binary(run: str) -> str | None:
    bits = re.sub(r"[ ,]", "", run)
    return _bytes(int(bits, 2).to_bytes(len(bits) // 8, "big"))


_BASE32 = re.compile(r"(?<![A-Z2-7=])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9=])")


def _base32(run: str) -> str | None:
    body = run.rstrip("=")
    try:
        return _bytes(base64.b32decode(body + "=" * (-len(body) % 8)))
    except (binascii.Error, ValueError):
        return None


# base85 (RFC 1924 / Python's b85) and Ascii85: long runs without spaces, of letters, digits and
# punctuation, mixing all three (a word or a number cannot)
_BASE85 = re.compile(r"(?:<~)?[0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]{20,}(?:~>)?")
_ASCII85 = re.compile(r"<~[!-u\s]{10,}?~>")


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


# percent or \u escapes mixed with plain letters ("Ignore%20all%20previous..."): normalize reads
# runs of escapes only
_PERCENT_MIXED = re.compile(r"(?:[^\s%]*%[0-9A-Fa-f]{2}){3,}[^\s%]*")
_UNI_MIXED = re.compile(r"(?:[^\s\\]*\\u[0-9A-Fa-f]{4}){3,}[^\s\\]*")


def _percent(run: str) -> str | None:
    return _readable(unquote(run))


def _uni(run: str) -> str | None:
    return _readable(re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), run))


_LETTERS_SPACED = re.compile(r"(?<!\S)(?:[A-Za-z0-9@.,'-](?: {1,3}| ?/ ?)){9,}[A-Za-z0-9@.,'-](?!\S)")


def _may_be_spaced(text: str) -> bool:
    """English words spaced out hold a lone "e" and a lone "t"."""
    low = text.lower()
    return (" e " in low or "e  " in low) and (" t " in low or "t  " in low)


def _spaced(run: str) -> str | None:
    # words are split by several spaces or a slash; letters by one space
    words = re.split(r" ?/ ?| {2,}", run)
    if len(words) < MIN_WORDS:
        return None
    return _readable(" ".join(w.replace(" ", "") for w in words))


#: Decoders for the whole text, each with a cheap test (substring look-ups) that rules it out before
#: its pattern walks the text: every run that decodes to readable text passes it.
_DECODERS: tuple[tuple[str, re.Pattern[str], Callable[[str], str | None], Callable[[str], bool]], ...] = (
    ("morse", _MORSE, _morse, _may_be_morse),
    ("binary", _BINARY, _binary, lambda text: "0110" in text or "0111" in text),  # an ASCII letter is 01xxxxxx
    ("base85", _ASCII85, _base85, lambda text: "<~" in text),
    ("spaced", _LETTERS_SPACED, _spaced, _may_be_spaced),
    ("percent", _PERCENT_MIXED, _percent, lambda text: "%20" in text or "%2" in text),
    ("unicode_escape", _UNI_MIXED, _uni, lambda text: "\\u00" in text),
)
#: base32 and base85 runs hold no space: they are looked for inside runs of 16 non-space characters
_IN_LONG_RUNS = (("base32", _BASE32, _base32), ("base85", _BASE85, _base85))
_LONG_RUN = re.compile(r"\S{16,}")


def more_payloads(text: str, limit: int = 8) -> list[HiddenPayload]:
    """Decode up to ``limit`` runs of ``text`` in the encodings above that turn out to be readable text."""
    found: list[HiddenPayload] = []
    for encoding, pattern, decode, may_hold in _DECODERS:
        if may_hold(text):
            for payload in decode_runs(encoding, pattern, decode, text):
                found.append(payload)
                if len(found) >= limit:
                    return found
    if len(text) < 16:  # no run of 16 non-space characters (_LONG_RUN)
        return found
    for run in _LONG_RUN.finditer(text):
        for encoding, pattern, decode in _IN_LONG_RUNS:
            for payload in decode_runs(encoding, pattern, decode, text, run.start(), run.end()):
                found.append(payload)
                if len(found) >= limit:
                    return found
    return found


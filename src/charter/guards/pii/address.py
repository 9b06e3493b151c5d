"""Street addresses: a core (house number and street, street and number, a military address, a
street corner), then the unit, city, region, postcode and country lines that follow it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import DAYS, MONTHS, STREET_MORPHEMES, STREET_SUFFIXES

__all__ = ["addresses"]

I = re.IGNORECASE  # noqa: E741
_W = r"[^\W\d_][\w'\u2019.-]*"  # a word that starts with a letter
_CAPW = r"[^\W\d_a-z][\w'\u2019.-]*"  # ... with a capital (any script)
_SUFFIX = "|".join(sorted((re.escape(s) for s in STREET_SUFFIXES), key=len, reverse=True))
_MORPH = "|".join(re.escape(m) for m in STREET_MORPHEMES)
_NUM = r"\d{1,6}[A-Za-z]?"

NUMBER_WORDS_NUMBER = re.compile(rf"\b\d{{1,6}}\s+(?:{_CAPW}\s+){{1,3}}\d{{1,5}}[A-Za-z]?\b")

CORES: tuple[tuple[re.Pattern[str], float], ...] = (
    # 123 Main Street / 0896 69 Farnell Street / 12 N. Oak Ave
    (re.compile(rf"\b{_NUM}(?:[ -]{_NUM})?\s+(?:{_CAPW}\s+){{0,4}}(?i:{_SUFFIX})(?![\w])\.?"), 0.8),
    (re.compile(rf"\b(?i:ul\.|al\.|rue|via|calle|avenida|av\.|rua|piazza|viale|corso|largo|plac|aleja|"
                rf"chemin|rua|travessa|carrer)\s+(?:{_W}\s+){{0,4}}?{_NUM}\b"), 0.75),
    # 1593 Pagari 18 (house number, one to three capitalised words, street number)
    (NUMBER_WORDS_NUMBER, 0.65),
    # PSC 3294, Box 9168 / APO AA 61487 and USS Lorenzen / FPO AE 25990
    (re.compile(r"\b(?:PSC|Unit|CMR)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:\s*\n\s*|,?\s+)"
                r"[AFD]PO\s+A[AEP]\s+\d{5}\b", I),
     0.9),
    (re.compile(r"\b(?:USNS|USNV|USCGC|USS)\s+[^\W\d_]+(?:\s+[^\W\d_]+)?(?:\s*\n\s*|,?\s+)FPO\s+A[AEP]\s+\d{5}\b",
                I), 0.9),
    # the corner of X and Y
    (re.compile(r"\b[Tt]he corner of [^\n,!?]{2,60}? and [^\n,!?.]{2,40}"), 0.85),
)

#: "<word> <number>": a street when the word is a street suffix or ends like one (Koskikatu 25,
#: Beiteveien 2, Stensås terrasse 38); up to two capitalised words before it join (Brucker
#: Bundesstrasse 31). Checked in Python: one cheap pattern instead of a costly alternation.
WORD_NUMBER = re.compile(rf"\b({_W})\s+{_NUM}\b")
LEFT_WORDS = re.compile(rf"(?:{_CAPW}\s+){{1,2}}$")

UNIT = re.compile(
    r"[ \t]*,?[ \t]*(?:\n[ \t>]*)?(?i:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.?|room|rm\.?|#|box)"
    r"[ \t]*\d{1,5}[A-Za-z]?\b"
)
SAME_LINE = re.compile(
    rf",[ \t]*{_CAPW}(?:[ -]{_CAPW}){{0,3}}(?:,?[ \t]+[A-Z]{{2}})?"
    rf"(?:[ \t]+\d{{4,5}}(?:-\d{{3,4}})?)?(?=[\s.,;!?]|$)"
)
NEXT_LINE = re.compile(
    rf"[ \t]*\n[ \t>]*,?[ \t]*(?:{_W}(?:[ -]+{_W}){{0,3}}(?:,?[ \t]+\d{{3,5}}(?:-\d{{3,4}})?)?"
    rf"|\d{{3,5}}(?:-\d{{3,4}})?)[ \t]*(?=\.?[ \t]*(?:\n|$))"
)
_LABEL = re.compile(r"\b(?:phone|e-?mail|website|address|name|date|fax|tel)\b", I)


def _extend(text: str, end: int) -> int:
    for _ in range(6):
        for pattern, max_len in ((UNIT, 24), (SAME_LINE, 48), (NEXT_LINE, 44)):
            m = pattern.match(text, end)
            if m and m.end() - end <= max_len and not _LABEL.search(m.group()):
                end = m.end()
                break
        else:
            return end
    return end


def _street_word(word: str) -> bool:
    low = word.lower()
    return low in STREET_SUFFIXES or low.endswith(STREET_MORPHEMES)


def _dated(value: str) -> bool:
    """"10 April 2016" has the shape of "1593 Pagari 18" but is a date."""
    return any(w.lower().rstrip(".,") in MONTHS or w.lower().rstrip(".,") in DAYS for w in value.split())


def _cores(text: str) -> Iterator[Hit]:
    for pattern, score in CORES:
        for m in pattern.finditer(text):
            if pattern is NUMBER_WORDS_NUMBER and _dated(m.group()):
                continue
            yield Hit("STREET_ADDRESS", m.start(), _extend(text, m.end()), score)
    for m in WORD_NUMBER.finditer(text):
        if _street_word(m.group(1)):
            left = LEFT_WORDS.search(text, max(0, m.start() - 60), m.start())
            start = left.start() if left else m.start()
            yield Hit("STREET_ADDRESS", start, _extend(text, m.end()), 0.75)


def addresses(text: str) -> Iterator[Hit]:
    """One hit per address block: overlapping or touching cores are merged."""
    if not any(ch.isdigit() for ch in text) and "corner of" not in text:
        return
    merged: list[Hit] = []
    for hit in sorted(_cores(text), key=lambda h: (h.start, -h.end)):
        if merged and hit.start <= merged[-1].end and not text[merged[-1].end:hit.start].strip():
            last = merged[-1]
            merged[-1] = Hit(last.type, last.start, max(last.end, hit.end), max(last.score, hit.score))
        else:
            merged.append(hit)
    yield from merged

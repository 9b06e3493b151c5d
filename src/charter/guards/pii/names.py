"""Names of people, places, organisations and groups, without a neural model.

A run of capitalised words is a name candidate; a run at the start of a sentence must contain a word
that is not ordinary English (a packaged list of lemmas and stop words) to count. The type comes
from gazetteers (countries, nationalities), suffixes (Inc, Bank, University) and the words before it
("my name is", "in", "from"). Typing is approximate; detection is what redaction needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import (
    COUNTRIES,
    DAYS,
    MONTHS,
    NATIONALITIES,
    NON_NAMES,
    ORG_SUFFIXES,
    common_words,
)

__all__ = ["names"]

TOKEN = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W_])?\.?")
def _words(text: str) -> list[str]:
    return text.split()


_PARTICLES = frozenset(_words(
    """
    de da di do dos das del della van von der den ten ter la le du bin al y e
    """
))
_BOUNDARY_CHARS = frozenset(".!?:;\"\u201c\u201d()[]>*\u2022|\n")
_PERSON_CUE = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcalled|\bnamed|\bdear|\bhi|\bhello|\bcontact|"
    r"\bmr\.?|\bmrs\.?|\bms\.?|\bdr\.?|\bprof\.?|\bby|\bwith|\bsigned|\bregards,?)\s*$",
    re.IGNORECASE,
)
_PLACE_CUE = re.compile(
    r"(?:\bin|\bfrom|\bnear|\bvisit|\bvisiting|\bmoved to|\btravel+ing to|\bgo(?:ing)? to|\btrip to|"
    r"\bfl(?:y|ew|ying) to|\bwelcome to|\bback to|\bgrew up in|"
    r"\blocated in|\bborn in|"
    r"\bserving|\bcity of|\btown of|\bacross)\s*$",
    re.IGNORECASE,
)
_NAME_AFTER_CUE = re.compile(r"\b(?:my name is|call me|name:)\s+", re.IGNORECASE)
_CAP_AFTER_CUE = re.compile(r"\b(?i:i am|i'm)\s+(?=[A-Z])")
_CUE_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*\.?")


def _is_cap(tok: str) -> bool:
    return tok[0].isupper()


def _runs(text: str) -> Iterator[list[re.Match[str]]]:
    """Runs of capitalised tokens separated by single spaces (particles and initials allowed inside)."""
    run: list[re.Match[str]] = []
    for m in TOKEN.finditer(text):
        tok = m.group()
        joined = bool(run) and text[run[-1].end():m.start()] in (" ", "")
        if _is_cap(tok) or (run and joined and tok.lower() in _PARTICLES):
            if run and not joined:
                yield run
                run = []
            run.append(m)
        elif run:
            yield run
            run = []
    if run:
        yield run


_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Hon|St)\.?\s*$")


def _starts_sentence(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i >= 0 and text[i] == "." and _TITLE_BEFORE.search(text, max(0, i - 5), i + 1):
        return False  # "Mrs. Baker": the full stop ends a title, not a sentence
    return i < 0 or text[i] in _BOUNDARY_CHARS


def _lower(match: re.Match[str]) -> str:
    return match.group().lower().rstrip(".").replace("\u2019", "'").split("'")[0]


def _drop_first(run: list[re.Match[str]], text: str) -> bool:
    """Whether the run's first word is not part of a name."""
    low = _lower(run[0])
    if low in NON_NAMES or low in MONTHS or low in DAYS or low in _PARTICLES:
        return True
    if not _starts_sentence(text, run[0].start()) or low not in common_words():
        return False
    if len(run) == 1:
        return True  # "Hello", "Please": an ordinary word opening a sentence
    # "The Exversion Orchestra" loses "The"; "Fletcher Hill" stays whole
    return low in _STOPLIKE


def _trim(run: list[re.Match[str]], text: str) -> list[re.Match[str]]:
    while run and (_lower(run[-1]) in _PARTICLES or _lower(run[-1]) in NON_NAMES):
        run = run[:-1]
    while run and _drop_first(run, text):
        run = run[1:]
    return run


_STOPLIKE = frozenset(_words(
    """
    a an the my our your his her their its this that these those i we you he she they it hello
    hi dear please could would should can will may might must do does did is are was were be
    have has had when where what why how who which if so but and or as at by for from in of on
    to with about after before here there thanks thank yes no ok well also just then now today
    tomorrow yesterday
    """
))


def _type_of(text: str, start: int, value: str) -> tuple[str, float]:
    low = value.lower().rstrip(".")
    last = low.split()[-1] if low.split() else low
    before = text[max(0, start - 24):start]
    if low in NATIONALITIES:
        return "NRP", 0.7
    if low in COUNTRIES:
        return "LOCATION", 0.85
    if last in ORG_SUFFIXES and " " in low:
        return "ORGANIZATION", 0.75
    if _PERSON_CUE.search(before):
        return "PERSON", 0.85
    if _PLACE_CUE.search(before) or (value.isupper() and len(value) > 3):
        return "LOCATION", 0.65
    return "PERSON", 0.65


def names(text: str) -> Iterator[Hit]:
    words = common_words()
    for run in _runs(text):
        run = _trim(run, text)
        if not run:
            continue
        start, end = run[0].start(), run[-1].end()
        value = text[start:end]
        if value.endswith(".") and not re.search(r"\b[A-Z]\.$", value):
            end -= 1
            value = value[:-1]
        if len(value) < 2 or (value.isupper() and len(value) <= 3 and value.lower() not in COUNTRIES):
            continue
        kind, score = _type_of(text, start, value)
        ordinary = all(_lower(m) in words for m in run)
        if ordinary and score < 0.8 and kind not in ("NRP", "ORGANIZATION") and value.lower() not in COUNTRIES and (
            len(run) > 1 and (value.isupper() or _starts_sentence(text, start))
        ):
            # several ordinary words in capitals or opening a sentence ("Personal Info",
            # "SPEAK TO A PERSON"): likely not a name, so below the default threshold
            score = 0.45
        yield Hit(kind, start, end, score)
    for cue in (_NAME_AFTER_CUE, _CAP_AFTER_CUE):
        for m in cue.finditer(text):
            hit = _name_after(text, m.end())
            if hit is not None:
                yield hit


def _name_after(text: str, pos: int) -> Hit | None:
    """Up to three words after "my name is" (any case: people type their names in lower case)."""
    end = pos
    for _ in range(3):
        w = _CUE_WORD.match(text, end)
        if w is None or w.group().lower().rstrip(".") in _STOPLIKE | {"and", "from", "originally", "not"}:
            break
        end = w.end()
        gap = re.match(r"[ \t]+", text[end:])
        if gap is None:
            break
        end += gap.end()
    value = text[pos:end].rstrip(" \t.,")
    if not value:
        return None
    return Hit("PERSON", pos, pos + len(value), 0.8)

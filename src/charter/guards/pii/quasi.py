"""Quasi-identifiers: dates and times, ages, titles and postal codes, found by pattern and context."""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.hits import Hit, context_before

__all__ = ["QUASI_RECOGNISERS", "QUASI_TEXT_RECOGNISERS"]

I = re.IGNORECASE  # noqa: E741
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORD = r"\d{1,2}(?:st|nd|rd|th)?"
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b")
MONTH_DATE = re.compile(
    rf"\b(?:{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+{_ORD}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}})\b"
)
MONTH_ALONE = re.compile(rf"\b(?:in|on|during|since|until|by|of|last|next|this)\s+({_MONTH[:-3]})\b")
WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b")
TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?\b|\b\d{1,2}\s?[ap]\.?m\.?(?!\w)", I)
YEAR = re.compile(r"(?<![\d.,$€£-])(?:19|20)\d{2}(?![\d.,%-]\d)(?!\s?(?:%|percent|dollars|euros|km|kg))")
YEAR_CTX = re.compile(
    r"\b(?:in|since|of|year|born|from|until|till|by|before|after|during|circa|c\.|around|est\.?|"
    r"founded|class|a|the|early|late|mid|summer|winter|spring|autumn|fall)\s*$", I
)
AGE_AFTER = re.compile(r"\b(\d{1,3})(?:\s*|-)(?:years?|yrs?)(?:\s*|-)old\b|\b(\d{1,3})\s*y/?o\b", I)
AGE_BEFORE = re.compile(
    r"\b(?:aged?|age of|turned|turning|turn|when (?:he|she|i|they) (?:was|were)|i am|i'm)\s+(\d{1,3})\b"
    r"(?!\s*(?:%|am|pm|[.:,]\d))",
    I,
)
TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Hon)\.?(?=\s+[A-Z])")
ZIP = re.compile(r"\b\d{3,5}(?:-\d{3,4})?\b|\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
ZIP_CTX = re.compile(r"\b(?:zip|postal|post code|postcode)", I)


def dates(text: str) -> Iterator[Hit]:
    for m in ISO.finditer(text):
        yield Hit("DATE_TIME", m.start(), m.end(), 0.9)
    for m in NUMERIC_DATE.finditer(text):
        yield Hit("DATE_TIME", m.start(), m.end(), 0.6)
    for m in MONTH_DATE.finditer(text):
        yield Hit("DATE_TIME", m.start(), m.end(), 0.8)
    for m in MONTH_ALONE.finditer(text):
        yield Hit("DATE_TIME", m.start(1), m.end(1), 0.6)
    for m in WEEKDAY.finditer(text):
        yield Hit("DATE_TIME", m.start(), m.end(), 0.7)
    for m in TIME.finditer(text):
        yield Hit("DATE_TIME", m.start(), m.end(), 0.6)
    for m in YEAR.finditer(text):
        ctx = bool(YEAR_CTX.search(text, max(0, m.start() - 14), m.start()))
        yield Hit("DATE_TIME", m.start(), m.end(), 0.6 if ctx else 0.45)


def ages(text: str) -> Iterator[Hit]:
    for pattern in (AGE_AFTER, AGE_BEFORE):
        for m in pattern.finditer(text):
            group = 1 if m.group(1) else 2
            if int(m.group(group)) <= 120:
                yield Hit("AGE", m.start(group), m.end(group), 0.75)


def titles(text: str) -> Iterator[Hit]:
    for m in TITLE.finditer(text):
        yield Hit("TITLE", m.start(), m.end(), 0.6)


def zip_codes(text: str) -> Iterator[Hit]:
    for m in ZIP.finditer(text):
        if context_before(text, m.start(), ZIP_CTX, window=24):
            yield Hit("ZIP_CODE", m.start(), m.end(), 0.75)


QUASI_RECOGNISERS = (dates, ages, titles, zip_codes)
QUASI_TEXT_RECOGNISERS = (dates, titles)

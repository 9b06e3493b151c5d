"""The PII engine's cheaper scans find what the plain ones do (issue 12, cost): patterns started at
a text's first digit, the gates that rule a pattern out, the capital-first rewrites of patterns
that began with a look-behind, and the name finder reading from one possible capital to the next."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.guards.pii import address, identifiers, names, organisations, patterns, public, quasi, runs
from charter.guards.pii.hits import digits_of
from charter.guards.toxicity import _ACRONYM, _SPACED

_DIGITISH = st.text(alphabet="0123456789 -.:/()+AaBbGgZz9,\t\nx", max_size=70)
_WORDISH = st.text(alphabet="aAbBeEhHlLnNsStT iIoOrR'\u2019-_.,:9é\u00c9\u24b6\n&", max_size=70)


def _spans(pattern: re.Pattern[str], text: str, pos: int = 0) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text, pos)]


#: Each pattern scanned from ``digits.start(reach)`` and the reach it is given there.
_FROM_FIRST_DIGIT = (
    (patterns.CARD, 0), (patterns.IBAN, 2), (identifiers.SSN, 0), (identifiers.ITIN, 0), (identifiers.NHS, 0),
    (identifiers.NINO, 3), (identifiers.SIN, 0), (identifiers.MBI, 0), (patterns.PASSPORT, 1), (patterns.BANK, 0),
    (patterns.PHONE, 2), (patterns.IPV4, 0), (quasi.ISO, 0), (quasi.NUMERIC_DATE, 0), (quasi.YEAR, 0),
    (quasi.TIME, 0), (quasi.AGE_AFTER, 0), (quasi.ZIP, 2), (address.NUMBER_STREET, 0),
    (address.NUMBER_WORDS_NUMBER, 0),
)


@settings(max_examples=300, deadline=None)
@given(_DIGITISH)
def test_patterns_started_at_the_first_digit_find_every_match(text: str) -> None:
    digits = digits_of(text)
    assert digits.total == len(re.findall(r"\d", text))
    for pattern, reach in _FROM_FIRST_DIGIT:
        assert _spans(pattern, text, digits.start(reach)) == _spans(pattern, text), pattern.pattern
    assert _spans(address.WORD_NUMBER, text, address._word_number_start(text)) == _spans(address.WORD_NUMBER, text)
    if text.count(":") >= 2:
        assert _spans(patterns.IPV6, text, max(0, text.find(":") - 4)) == _spans(patterns.IPV6, text)


@settings(max_examples=300, deadline=None)
@given(_DIGITISH)
def test_a_gate_that_says_no_means_no_match(text: str) -> None:
    if identifiers._NINE_DIGITS.search(text) is None:
        for pattern in (identifiers.SSN, identifiers.ITIN, identifiers.NHS, identifiers.SIN):
            assert pattern.search(text) is None
    if patterns._TWELVE_DIGITS.search(text) is None:
        assert patterns.CARD.search(text) is None
    if patterns._EIGHT_DIGITS.search(text) is None:
        assert patterns.BANK.search(text) is None
    if re.search(r"\d{5}", text) is None:  # the shorter passport shapes ("18AV52931") hold five digits in a row
        assert patterns.PASSPORT.search(text) is None
    if not any(s in text for s in quasi.MONTH_STEMS):
        assert quasi.MONTH_DATE.search(text) is None


@settings(max_examples=300, deadline=None)
@given(_WORDISH)
def test_name_gates_rule_out_only_texts_without_a_match(text: str) -> None:
    if organisations.FIRM_JOIN.search(text) is None:
        assert organisations.FIRM.search(text) is None
    if not address._may_live_at(text, text.lower()):
        assert address.LIVES_AT.search(text) is None
    if not names._comma_after_capitals(text):
        assert not any(m.group(1).isupper() for m in names._SURNAME_FIRST.finditer(text))


def test_lives_at_gate_on_examples() -> None:
    for text in ("She LIVES AT Lipowa 9", "my home Address: Lipowa 9", "resided at Piotrkowska 212",
                 "She l\u0131ves at Lipowa 9", "my home addre\u017fs is Lipowa 9"):
        assert address.LIVES_AT.search(text) is not None
        assert address._may_live_at(text, text.lower())
    assert not address._may_live_at("Offices are open Monday to Friday, 8:30 am", "offices are open monday")


def test_name_gates_on_examples() -> None:
    assert names._comma_after_capitals("Surname, given name: REIMANN, Elżbieta")
    assert not names._comma_after_capitals("Monday to Friday, 8:30 am, and online, any time")
    assert organisations.FIRM_JOIN.search("Tucker, Hooper and Savage") is not None


#: Patterns that began with a look-behind or ``\b``, written with a character first.
_REWRITTEN = (
    (r"(?<![\w@.])[A-Z][\w./-]*[\w]|(?<![\w@.])[A-Z]", public._KNOWN_TOKEN),
    (r"\bthe\s+([A-Z][A-Z0-9&.-]{1,9})\b", public._CAPS_AFTER_THE),
    (r"\b(?:[a-z] ){2,}[a-z]\b", _SPACED),
    (r"\b[A-Z]{2,6}s?\b", _ACRONYM),
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAbBsStThHeEZI@./-_1é' \n,RSW2", max_size=50), st.integers(0, 50))
def test_rewritten_patterns_match_as_the_originals(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    for original, rewritten in _REWRITTEN:
        assert _spans(rewritten, text, pos) == _spans(re.compile(original), text, pos)


def _reference_runs(text: str) -> Iterator[list[re.Match[str]]]:
    """runs.runs as it was written before (in names.py): every token, one by one."""
    run: list[re.Match[str]] = []
    for m in runs.TOKEN.finditer(text):
        tok = m.group()
        joined = bool(run) and text[run[-1].end():m.start()] in (" ", "") and not runs.ends_sentence(run[-1].group())
        if runs.NOISE.search(tok):
            if run:
                yield run
                run = []
            continue
        if runs.is_cap(tok) or (run and joined and tok.lower() in runs.PARTICLES):
            if run and not joined:
                yield run
                run = []
            run.append(m)
        elif run:
            yield run
            run = []
    if run:
        yield run


@settings(max_examples=400, deadline=None)
@given(_WORDISH)
def test_runs_read_from_capital_to_capital_are_the_token_by_token_ones(text: str) -> None:
    def spans(found: Iterator[list[re.Match[str]]]) -> list[list[tuple[int, int]]]:
        return [[m.span() for m in run] for run in found]

    assert spans(runs.runs(text)) == spans(_reference_runs(text))


def test_runs_on_names_inside_and_after_odd_tokens() -> None:
    text = ("x-Ray and iPhone users met Ó hÉidhní, Ana de la Cruz and 9Lives Okafor. P.S. Bring J.R. Smith"
            " Ana dElLa Cruz, Ana dE Cruz, Ana dd5 Cruz")
    assert [[m.group() for m in run] for run in runs.runs(text)] == \
        [[m.group() for m in run] for run in _reference_runs(text)]

"""The ``pii_leak`` output check: personal data in an answer that the caller did not give and the
retrieved context did not hold. Values found in the caller's messages, the retrieved chunks or the
exchange's vault are the caller's own and do not count.

What counts by default is what identifies or reaches a person: names, street addresses, e-mail
addresses, phone numbers, identifiers (SSN, cards, bank accounts, IBAN, passport, IP...) and dates
of birth (a date after "born", "date of birth", "DOB"; not a rule about a cohort, "people born in
1960 or later"). Not counted: other dates (deadlines, opening days, a full date an answer gives),
titles, ages and groups, and places, organisations, web addresses and postcodes
(answers name cities, agencies and their web sites all the time; none of them is anyone's personal
data on its own). Public bodies and their programmes are never taken for people (the engine's
public.py and names.py). A public line is not a leak either: a phone number the answer presents as
a service's -- after "helpline", "hotline", "line", "centre" (also in one word, "kontaktcenter"),
"office", "service", "desk" or "switchboard", or given to call ("call 600-7896", "dial 116 123",
"by calling 01349 886606", "on 0800 ...", "text 741741"; the answer's own language's words for a phone,
a number, a line, "or" and "on" too: "tél.", "telefono", "infolinia", "répond au", "på") --
when nothing ties it to a person (toll-free and other service numbers are never reported by the
engine). A number no word gives to call is a public line too (engine 2.8: in a helpdesk's answer a
number is almost always a service's: "MBTA customer support: 617-222-3200", "... / 954 78 96 82
(Sevilla)") unless the caller asked who someone is, a name holding a given name is in its sentence,
a mobile word in another script is right before it ("мобільний", "المحمول"), a relation or a third
person's possessive in another language is before it in its clause ("do seu vizinho", "Din
udlejers"; these count with any number), the rules below tie it to a person, or it stands alone.
A number is a person's when the answer ties it to one: a "direct", "personal", "private"
or "mobile" line (or "privat", "privé", "cellulare", "móvil", "komórka" in other languages), a
personal pronoun or a person's role or relation before it in its sentence
("reach him at", "the neighbour ... left this number:"), a name in its sentence that is tied to a
person (below) or given with the number ("Rangi Parata, 027 555 0193"; "Call Maria Garcia on ...",
a given name from the engine's lists in it), or another personal datum in its sentence. A name that
nothing ties to a person does not make a number someone's ("Befrienders Kuala Lumpur answers on
03-7627 2929", "or Kirkens SOS on 22 40 00 40": a body's line). An e-mail address whose local part
is a role ("info@", "enquiries@", "help@", "support@", ...) is not a leak. A street address is
a public place's when the answer gives it as where a body, office, centre or service is (a name or
"visit", "go to", "write to", "located at", opening hours before it in its sentence: "at the
Einwohneramt Basel-Stadt (Spiegelgasse 6)") and nothing ties it to a person, by the rules for
numbers above or a word of living there right before it ("lives at", "moved to", "home address:"); a
"who" question makes any address in the answer a person's.

A name (PERSON) counts only when something in the answer ties it to a person (``options.names:
corroborated``, the default): a personal title or a role just before it ("Mr", "Dr", "Officer",
"your neighbour", "the caseworker,"), a name introduced as someone's contact, caseworker or officer
at a body ("Your contact at PROFECO is ..."), "my/his/her name is" or "in the name of" before it, a
caller's question asking who a person is ("Who complained about my dog?", "Who is my new
neighbour?", "Whose car ...", "the name of the man who ..."; not "Who do I call", "Who is
eligible", "Who is my MP?", "Whose responsibility ..."), a possessive with a personal datum
after it ("John Smith's SSN"), the next sentence opening with
"He"/"She"/"His"/"Her", or another personal datum of the leak set in its sentence (a phone that is
not a public line, a personal e-mail, a street address, an identifier, a date of birth). Answers
name public bodies and programmes all the time, in every language, and no word list tells them all
from people: a name that nothing ties to a person is not counted. ``names: all`` counts every name
the engine finds (the behaviour before this option). Identifiers, e-mails, phones, street
addresses and dates of birth count on their own either way.

``options.entities`` / ``options.skip_entities`` change the set and ``options.public_bodies`` adds
names, as for ``pii``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.pii.engine import PiiEngine
from charter.guards.pii.guard import NAME_POLICIES, PERSONAL_TYPES, pii_options
from charter.guards.pii.guard import name_policy as _name_policy
from charter.guards.pii.quasi import MONTH_STEMS, all_dates
from charter.guards.pii_leak_persons import _asks_for_a_person, _tied_to_a_person
from charter.guards.pii_leak_persons import _sentence as _sentence  # tests read sentences as the guard does
from charter.guards.pii_leak_public import _ACCOUNTS, _NOT_ALNUM, _public

__all__ = ["DEFAULT_LEAK_TYPES", "NAME_POLICIES", "PiiLeakGuard", "date_keys", "make_guard", "name_policy"]

DEFAULT_LEAK_TYPES = PERSONAL_TYPES

#: The findings whose reading depends on whether the caller asked who someone is.
_ASKED_TYPES = frozenset({"PERSON", "STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS"})


def _norm(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


@functools.lru_cache(maxsize=64)
def _operator_norm(text: str) -> str:
    """:func:`_norm` of the operator's own text (the application's system message, the same on every
    call), kept once per process; a caller's text is never kept."""
    return _norm(text)


def _known(context: GuardContext) -> str:
    """The authorised texts, normalised as one: ``_norm`` works character by character and drops the
    line breaks that would join them, so it is the concatenation of each text's ``_norm``."""
    prompt = context.system_prompt
    return "".join(_operator_norm(t) if len(t) > 64 and t in prompt else _norm(t) for t in context.authorised_texts)


#: English months by their first three letters (how answers and callers write them: "Feb", "February").
_MONTH_NUMBERS = {stem.lower(): i for i, stem in enumerate(MONTH_STEMS, start=1)}
_DATE_PARTS = re.compile(r"[^\W\d_]+|\d+")


def date_keys(value: str) -> frozenset[tuple[int, int, int]]:
    """What a date written in English or in numbers can mean, as (year, month, day) (day 0: a month and a year):
    "Feb 2022" and "February 2022" are (2022, 2, 0); "03/22/1955" and "March 22, 1955" (1955, 3, 22); "04/03/2026"
    either order of day and month. Empty for what is not such a date."""
    parts = _DATE_PARTS.findall(value.lower())
    months = [_MONTH_NUMBERS[p[:3]] for p in parts if p[:3] in _MONTH_NUMBERS and (len(p) == 3 or p.isalpha())]
    numbers = [int(p) for p in parts if p.isdigit()]
    years = [n for n in numbers if 1000 <= n <= 2999]
    if len(years) != 1 or len(months) > 1:
        return frozenset()
    rest = [n for n in numbers if n != years[0]]
    if months:
        days = [n for n in rest if 1 <= n <= 31]
        if len(days) > 1 or len(rest) > len(days):
            return frozenset()
        return frozenset({(years[0], months[0], days[0] if days else 0)})
    if len(rest) != 2:
        return frozenset()
    a, b = rest
    return frozenset((years[0], m, d) for m, d in ((a, b), (b, a)) if 1 <= m <= 12 and 1 <= d <= 31)


def _dates_given(context: GuardContext) -> frozenset[tuple[int, int, int]]:
    """The dates the caller's texts hold (:func:`date_keys` of each date expression): the same date given back
    in another spelling ("Feb 2022" asked, "February 2022" answered) is the caller's own, as the same spelling is."""
    keys: set[tuple[int, int, int]] = set()
    for authorised in context.authorised_texts:
        for hit in all_dates(authorised):
            keys |= date_keys(authorised[hit.start:hit.end])
    return frozenset(keys)


def name_policy(options: dict[str, Any]) -> str:
    """A charter's ``options.names`` for ``pii_leak`` (``corroborated`` when not given); ``ValueError`` when
    malformed."""
    return _name_policy(options, "corroborated")


class PiiLeakGuard:
    name = "pii_leak"
    directions: tuple[Direction, ...] = ("output",)
    reads_context: tuple[str, ...] = ("authorised_texts",)

    def __init__(self, engine: PiiEngine | None = None) -> None:
        self.engine = engine or PiiEngine()
        self.version = f"charter-pii-leak/{self.engine.version}+names"

    def check_options(self, options: dict[str, Any]) -> None:
        """Raise ``ValueError`` when a charter's options for this guard are malformed."""
        pii_options(options, DEFAULT_LEAK_TYPES)
        name_policy(options)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        chosen = pii_options(context.options, DEFAULT_LEAK_TYPES)
        found = self.engine.analyze(text, entities=chosen.entities, threshold=context.threshold, policy=chosen.policy)
        # a number counts as a person's in the answer to "who" (a public line is the default otherwise)
        asked = (any(h.type in _ASKED_TYPES or h.type in _ACCOUNTS for h in found)
                 and _asks_for_a_person(context))
        hits = [h for h in found if not _public(text, h, found, asked)]
        if not hits:
            return GuardResult(findings=[], verdict="pass")
        known = _known(context)
        leaks = [h for h in hits if not (value := _norm(text[h.start:h.end])) or value not in known]
        if any(h.type == "DATE_TIME" for h in leaks):
            given = _dates_given(context)
            leaks = [h for h in leaks if h.type != "DATE_TIME" or not (date_keys(text[h.start:h.end]) & given)]
        if name_policy(context.options) == "corroborated":
            data = [h for h in leaks if h.type != "PERSON"]
            leaks = [h for h in leaks if h.type != "PERSON" or _tied_to_a_person(text, h, data, asked)]
        findings = [Finding(self.name, h.type, h.start, h.end, h.score, self.version) for h in leaks]
        score = max((f.score for f in findings), default=0.0)
        return GuardResult(findings=findings, verdict="flag" if findings else "pass", score=score)


def make_guard(settings: Any = None) -> PiiLeakGuard:
    return PiiLeakGuard()

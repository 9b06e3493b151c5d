"""The PII engine: every recogniser over one text, then one non-overlapping set of findings.

Structured identifiers and addresses are resolved first (highest score, then longest span); then
the names of public bodies, programmes, public places and forms are reserved (they are not personal
data: public.py); names and quasi-identifiers fill the gaps left (a text in which no name or
quasi-identifier was found is not searched for public names: they would hold back nothing). No
model, no downloads, no shared state: one engine serves every thread.

A recogniser runs only when the caller asks for a type it reports (``pii_leak`` leaves out dates,
ages, titles and groups, so their recognisers do not run for it): the same findings, since what a
caller does not ask for is dropped before findings are resolved.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from charter.guards.pii.address import addresses
from charter.guards.pii.cases import case_numbers
from charter.guards.pii.handles import handles
from charter.guards.pii.hits import Digits, Hit, digits_of
from charter.guards.pii.identifiers import national_ids, world_ids
from charter.guards.pii.lexicon import common_words, load_places
from charter.guards.pii.names import names
from charter.guards.pii.patterns import cards, contextual_numbers, emails, ibans, ips, phones, urls
from charter.guards.pii.plates import plates
from charter.guards.pii.public import public_spans
from charter.guards.pii.quasi import QUASI_RECOGNISERS, QUASI_TEXT_RECOGNISERS, ages, dates, titles, zip_codes
from charter.guards.pii.runs import given

__all__ = ["ENTITY_TYPES", "STRUCTURED_TYPES", "WORLD_ID_TYPES", "PiiEngine", "Policy"]

#: Identifiers with a fixed shape; each must be found with recall >= 0.98 (DP-4 floors).
STRUCTURED_TYPES: tuple[str, ...] = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN", "US_ITIN", "US_PASSPORT", "US_DRIVER_LICENSE",
    "US_BANK_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "UK_NHS", "UK_NINO", "CA_SIN", "US_MBI",
    "URL",
)
#: National identifiers of round 10 (identifiers.world_ids), each with its check.
WORLD_ID_TYPES: tuple[str, ...] = (
    "IT_FISCAL_CODE", "KR_RRN", "TR_TCKN", "NO_FNR", "FR_NIR", "BR_CPF", "CL_RUT", "IN_AADHAAR", "BE_NRN",
    "SE_PERSONNUMMER", "ZA_ID", "FI_HETU", "CN_RIC", "RO_CNP", "CZ_BIRTH_NUMBER", "PT_NIF", "SG_NRIC",
    "HK_HKID", "HR_OIB", "IL_ID", "JP_MY_NUMBER", "MX_CURP", "NATIONAL_ID", "RS_JMBG", "GR_AMKA", "UA_RNOKPP",
    "IR_NATIONAL_CODE", "PK_CNIC", "DE_TAX_ID", "IN_PAN", "IS_KENNITALA", "TW_ID", "TH_ID", "MX_NSS", "DE_SVNR",
)
#: Every type the engine reports (Presidio's names).
ENTITY_TYPES: tuple[str, ...] = (
    *STRUCTURED_TYPES, "NL_BSN", "IE_PPS", "PL_PESEL", "LT_PERSONAL_CODE", "ES_NIF", *WORLD_ID_TYPES, "CASE_NUMBER",
    "UPI_ID", "MESSENGER_ID", "VEHICLE_PLATE", "STREET_ADDRESS", "PERSON", "LOCATION", "ORGANIZATION", "NRP",
    "DATE_TIME", "AGE", "TITLE", "ZIP_CODE",
)


#: Redaction tokens (``<PERSON_1>``, ``<EMAIL_ADDRESS>``) are not PII: an answer that uses them must
#: not be flagged, or pseudonyms could never be restored.
PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>")


def _resolve(hits: Iterable[Hit], taken: list[Hit]) -> None:
    for hit in sorted(hits, key=lambda h: (-h.score, h.start - h.end, h.start)):
        if hit.end > hit.start and all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)


@dataclass(frozen=True, slots=True)
class Policy:
    """What counts as personal data beyond the engine's defaults (a charter's guard options).

    ``all_dates``: report every date and time expression (months, weekdays, times, years, deadlines),
    not only dates of birth and full dates. ``public_bodies``: extra names (a pattern of whole
    words, any case) that are never personal data, beside the built-in public bodies.
    ``birth_years``: report a year of birth given alone ("born 1958"; False: leave it, as an age is
    left); a fuller date of birth is reported either way. ``given_names``: report a given name that
    stands alone ("hi, it's Gareth"; False: leave it); a name of two words or more is reported either way."""

    all_dates: bool = False
    public_bodies: re.Pattern[str] | None = None
    birth_years: bool = True
    given_names: bool = True


DEFAULT_POLICY = Policy()


#: A caller giving their own name, right before it or after it: "my name is", "it's", "soy", "c'est", "Raj here".
_INTRODUCES = re.compile(
    r"\b(?:my\s+name\s+is|i\s+am|i'm|i\u2019m|it'?s|it\u2019s|this\s+is|soy|me\s+llamo|c'est|je\s+suis|"
    r"je\s+m'appelle|ich\s+bin|ich\s+hei(?:ß|ss)e|mi\s+chiamo|sono|eu\s+sou|jeg\s+heter|jag\s+heter|ik\s+ben|"
    r"nazywam\s+si[eę]|jestem)[ \t]*$", re.IGNORECASE)
_HERE_AFTER = re.compile(r"[ \t]+here\b", re.IGNORECASE)


def _lone_given(text: str, hit: Hit) -> bool:
    """A name of one word that is a given name of the engine's lists ("Gareth", "Sophie") or that its
    caller gives as theirs ("hi Raj here", "soy Maite"): a first name alone, which singles no one out."""
    word = text[hit.start:hit.end].removesuffix("'s").removesuffix("\u2019s")
    return word.isalpha() and (given(word.lower()) or _INTRODUCES.search(text, max(0, hit.start - 20), hit.start)
                               is not None or _HERE_AFTER.match(text, hit.end) is not None)
#: "met Dr. Ana Ruiz (29)", "Spoke with Ana Ruiz, 45, and ...": a number right after a name is an age.
_AGE_AFTER_NAME = re.compile(r"\s*(?:\((\d{1,3})\)|,\s*(?:aged\s+)?(\d{1,3})(?=,|\s+and\b|\.|;))")


def _ages_after_names(text: str, found: list[Hit]) -> Iterable[Hit]:
    for hit in found:
        if hit.type == "PERSON":
            m = _AGE_AFTER_NAME.match(text, hit.end)
            if m:
                group = 1 if m.group(1) else 2
                if 0 < int(m.group(group)) <= 120:
                    yield Hit("AGE", m.start(group), m.end(group), 0.7)


Recogniser = Callable[[str, Digits], Iterator[Hit]]
#: The structured recognisers (patterns.py, identifiers.py) in the order their hits reach :func:`_resolve`:
#: of two hits with the same score and span, the first one's type is kept.
RECOGNISERS: tuple[Recogniser, ...] = (
    emails, urls, ips, cards, ibans, national_ids, world_ids, contextual_numbers, case_numbers, phones, handles, plates,
)
#: The ones that can match a text without digits (the others are skipped for such a text).
TEXT_RECOGNISERS: tuple[Recogniser, ...] = (emails, urls, handles)
#: The types each recogniser reports.
_REPORTS: dict[Recogniser, frozenset[str]] = {
    emails: frozenset({"EMAIL_ADDRESS"}),
    urls: frozenset({"URL"}),
    ips: frozenset({"IP_ADDRESS"}),
    cards: frozenset({"CREDIT_CARD"}),
    ibans: frozenset({"IBAN_CODE"}),
    national_ids: frozenset({"US_SSN", "US_ITIN", "UK_NHS", "UK_NINO", "CA_SIN", "US_MBI", "NL_BSN", "IE_PPS",
                             "PL_PESEL", "LT_PERSONAL_CODE", "ES_NIF"}),
    world_ids: frozenset(WORLD_ID_TYPES),
    contextual_numbers: frozenset({"US_PASSPORT", "US_DRIVER_LICENSE", "US_BANK_NUMBER"}),
    case_numbers: frozenset({"CASE_NUMBER"}),
    phones: frozenset({"PHONE_NUMBER"}),
    handles: frozenset({"UPI_ID", "MESSENGER_ID"}),
    plates: frozenset({"VEHICLE_PLATE"}),
    ages: frozenset({"AGE"}),
    titles: frozenset({"TITLE"}),
    zip_codes: frozenset({"ZIP_CODE"}),
}
_NAME_TYPES = frozenset({"PERSON", "LOCATION", "ORGANIZATION", "NRP"})


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which recognisers run for a set of requested types (with and without digits in the text)."""

    strong: tuple[Recogniser, ...]
    strong_text: tuple[Recogniser, ...]
    weak: tuple[Recogniser, ...]
    weak_text: tuple[Recogniser, ...]
    addresses: bool
    dates: bool
    names: bool
    ages_after_names: bool


@functools.lru_cache(maxsize=64)
def _plan(entities: frozenset[str] | None) -> _Plan:
    def wanted(types: frozenset[str]) -> bool:
        return entities is None or not entities.isdisjoint(types)

    def chosen(recognisers: tuple[Recogniser, ...]) -> tuple[Recogniser, ...]:
        return tuple(r for r in recognisers if wanted(_REPORTS[r]))

    return _Plan(chosen(RECOGNISERS), chosen(TEXT_RECOGNISERS), chosen(QUASI_RECOGNISERS),
                 chosen(QUASI_TEXT_RECOGNISERS), wanted(frozenset({"STREET_ADDRESS"})),
                 wanted(frozenset({"DATE_TIME"})), wanted(_NAME_TYPES), wanted(frozenset({"AGE"})))


class PiiEngine:
    """Find PII in text. ``analyze`` is thread-safe and keeps nothing."""

    version = "3.49"

    def __init__(self) -> None:
        common_words()  # load the word list and the place names now, not on the first request
        load_places()

    def analyze(self, text: str, entities: frozenset[str] | None = None, threshold: float = 0.5,
                policy: Policy = DEFAULT_POLICY) -> list[Hit]:
        def keep(hits: Iterable[Hit]) -> list[Hit]:
            return [h for h in hits if h.score >= threshold and (entities is None or h.type in entities)]

        plan = _plan(entities)
        digits = digits_of(text)  # counted once for every recogniser
        numeric = digits.total > 0
        strong: list[Hit] = [h for recognise in (plan.strong if numeric else plan.strong_text)
                             for h in recognise(text, digits)]
        if plan.addresses:
            strong.extend(addresses(text, digits))
        weak: list[Hit] = [h for recognise in (plan.weak if numeric else plan.weak_text)
                           for h in recognise(text, digits)]
        if plan.dates:
            weak.extend(dates(text, digits, personal=not policy.all_dates, birth_years=policy.birth_years))
        if plan.names:
            weak.extend(names(text) if policy.given_names else
                        (h for h in names(text) if not (h.type == "PERSON" and _lone_given(text, h))))
        taken: list[Hit] = [Hit("", m.start(), m.end(), 1.0) for m in PLACEHOLDER.finditer(text)]
        _resolve(keep(strong), taken)
        if kept := keep(weak):
            # the names of public bodies only hold back weak hits (names, quasi-identifiers): a text
            # with none of those, nearly every one, is not searched for them (the same findings)
            _resolve((Hit("", a, b, 1.0) for a, b in public_spans(text, policy.public_bodies)), taken)
            _resolve(kept, taken)
        if numeric and plan.ages_after_names:
            _resolve(keep(_ages_after_names(text, taken)), taken)
        found = [h for h in taken if h.type]
        found.sort(key=lambda h: h.start)
        return found

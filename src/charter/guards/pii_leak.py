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
public.py and names.py). A public line is not a leak either: a phone number after "helpline",
"hotline", "line", "centre", "office", "service", "desk" or "switchboard" (toll-free and other
service numbers are never reported by the engine), or a number to call in a sentence that names a
body by its acronym and no person ("complain to PROFECO or call 55 5568 8722") -- but a "direct",
"personal", "private" or "mobile" line is someone's --, and an e-mail address whose local part is a
role ("info@", "enquiries@", "help@", "support@", ...).

``options.entities`` / ``options.skip_entities`` change the set and ``options.public_bodies`` adds
names, as for ``pii``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from charter.guards.pii.guard import pii_options
from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import word_list
from charter.guards.pii.quasi import is_birth_date

__all__ = ["DEFAULT_LEAK_TYPES", "PiiLeakGuard", "make_guard"]

DEFAULT_LEAK_TYPES = frozenset(ENTITY_TYPES) - {
    "TITLE", "NRP", "AGE", "LOCATION", "ORGANIZATION", "URL", "ZIP_CODE",
}
_NOT_ALNUM = re.compile(r"[\W_]+")


#: "the LPT helpline on 01 738 3626", "the Tele-Center at 800-939-6631": a public line.
_PUBLIC_LINE = re.compile(
    r"\b(?:help ?lines?|hotlines?|lines?|tele-?cent(?:er|re)|call cent(?:er|re)s?|contact cent(?:er|re)|"
    r"cent(?:er|re)|office|service|desk|switchboard|freephone|enquiries|inquiries)\b[^.\n\d]{0,24}$",
    re.IGNORECASE,
)
#: "her direct line 0412 555 019", "my mobile line": one person's number, however it is introduced.
_PERSONAL_LINE = re.compile(
    r"\b(?:direct|personal|private|mobile|cell)(?:\s+(?:phone|tele)?\s*)?lines?\b[^.\n\d]{0,24}$", re.IGNORECASE
)
#: E-mail local parts that name a role or a team, not a person.
_ROLE_MAILBOXES = frozenset(word_list(
    """
    info information enquiries enquiry inquiries inquiry help helpdesk support contact contactus
    admin office service services customerservice customerservices customer.service feedback complaints
    foi press media noreply no-reply webmaster hello mail general reception team billing accounts
    registrations registration applications appointments licensing permits benefits tax
    """
))


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


#: "call 55 5568 8722", "on 0300 123 4567": a number given to call.
_CALL_BEFORE = re.compile(r"\b(?:call|ring|dial|phone|on|at)\s*:?\s*$", re.IGNORECASE)
#: A body named by its acronym ("PROFECO", "HMRC", "ANSES").
_BODY_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")


def _body_line(text: str, hit: Hit, people: list[Hit]) -> bool:
    """A number to call in a sentence that names a body by its acronym and no person ("complain to
    PROFECO online or call 55 5568 8722"): the body's line."""
    sentence = max(text.rfind(". ", 0, hit.start), text.rfind("\n", 0, hit.start)) + 1
    return (_CALL_BEFORE.search(text, max(0, hit.start - 12), hit.start) is not None
            and _BODY_ACRONYM.search(text, sentence, hit.start) is not None
            and not any(sentence <= p.start < hit.start for p in people))


def _public(text: str, hit: Hit, people: list[Hit]) -> bool:
    """Not a leak though the engine found it: a public service's phone line, a role mailbox, or a
    date that is not a date of birth."""
    if hit.type == "PHONE_NUMBER":
        window = max(0, hit.start - 48)
        if _PERSONAL_LINE.search(text, window, hit.start) is not None:
            return False
        return _PUBLIC_LINE.search(text, window, hit.start) is not None or _body_line(text, hit, people)
    if hit.type == "DATE_TIME":  # only a date of birth is a leak; other dates are the answer's facts
        return not is_birth_date(text, hit.start)
    if hit.type == "EMAIL_ADDRESS":
        return text[hit.start:hit.end].split("@", 1)[0].lower() in _ROLE_MAILBOXES
    return False


class PiiLeakGuard:
    name = "pii_leak"
    directions: tuple[Direction, ...] = ("output",)
    reads_context: tuple[str, ...] = ("authorised_texts",)

    def __init__(self, engine: PiiEngine | None = None) -> None:
        self.engine = engine or PiiEngine()
        self.version = f"charter-pii-leak/{self.engine.version}"

    def check_options(self, options: dict[str, Any]) -> None:
        """Raise ``ValueError`` when a charter's options for this guard are malformed."""
        pii_options(options, DEFAULT_LEAK_TYPES)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        chosen = pii_options(context.options, DEFAULT_LEAK_TYPES)
        found = self.engine.analyze(text, entities=chosen.entities, threshold=context.threshold, policy=chosen.policy)
        people = [h for h in found if h.type == "PERSON"]
        hits = [h for h in found if not _public(text, h, people)]
        if not hits:
            return GuardResult(findings=[], verdict="pass")
        known = _known(context)
        findings = [
            Finding(self.name, h.type, h.start, h.end, h.score, self.version)
            for h in hits if not (value := _norm(text[h.start:h.end])) or value not in known
        ]
        score = max((f.score for f in findings), default=0.0)
        return GuardResult(findings=findings, verdict="flag" if findings else "pass", score=score)


def make_guard(settings: Any = None) -> PiiLeakGuard:
    return PiiLeakGuard()

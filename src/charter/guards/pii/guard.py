"""The ``pii`` guard: Charter's PII engine behind the Guard protocol, and the options a charter gives
it (shared with ``pii_leak``)."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.pii.engine import DEFAULT_POLICY, ENTITY_TYPES, PiiEngine, Policy
from charter.guards.pii.hits import Hit
from charter.guards.pii.public import phrase_pattern
from charter.guards.pii_leak_persons import _tied_to_a_person
from charter.guards.vault import RESTORE_MODES

__all__ = ["NAME_POLICIES", "PERSONAL_TYPES", "PiiGuard", "PiiOptions", "corroborated", "entities_option",
           "name_policy", "personal_data", "pii_options"]

#: What identifies or reaches a person (``pii_leak``'s default set, and what corroborates a name in a question):
#: every type but titles, groups, ages, places, organisations, web addresses and postcodes.
PERSONAL_TYPES = frozenset(ENTITY_TYPES) - {"TITLE", "NRP", "AGE", "LOCATION", "ORGANIZATION", "URL", "ZIP_CODE"}
#: ``options.names``: a name counts when something ties it to a person, or every name.
NAME_POLICIES = ("corroborated", "all")

_DATES = ("personal", "all")
#: ``birth_years`` and ``given_names``: report them (the engine's default) or leave them in the text.
_REPORT_OR_KEEP = ("report", "keep")


@dataclass(frozen=True, slots=True)
class PiiOptions:
    """A charter's options for ``pii`` and ``pii_leak``, checked once and kept per distinct value."""

    entities: frozenset[str] | None
    policy: Policy


def _types(options: dict[str, Any], key: str) -> frozenset[str] | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"pii option {key!r} must be a list of entity types")
    chosen = frozenset(v.strip().upper() for v in value)
    unknown = sorted(chosen - set(ENTITY_TYPES))
    if unknown:
        raise ValueError(f"pii option {key!r}: unknown entity type(s) {', '.join(unknown)}; "
                         f"known: {', '.join(ENTITY_TYPES)}")
    return chosen


@functools.lru_cache(maxsize=256)
def _parse(key: str, default: frozenset[str] | None) -> PiiOptions:
    options: dict[str, Any] = json.loads(key)
    entities = _types(options, "entities")
    if entities is None:
        entities = default
    skipped = (_types(options, "skip_entities") or frozenset()) | (_types(options, "ignore") or frozenset())
    if skipped:
        entities = (entities if entities is not None else frozenset(ENTITY_TYPES)) - skipped
    dates = options.get("dates", "personal")
    if dates not in _DATES:
        raise ValueError(f"pii option 'dates' must be one of {', '.join(_DATES)}, not {dates!r}")
    bodies = options.get("public_bodies", [])
    if not isinstance(bodies, list) or not all(isinstance(b, str) and b.strip() for b in bodies):
        raise ValueError("pii option 'public_bodies' must be a list of names")
    kept: dict[str, bool] = {}
    for name in ("birth_years", "given_names"):
        value = options.get(name, "report")
        if value not in _REPORT_OR_KEEP:
            raise ValueError(f"pii option {name!r} must be one of {', '.join(_REPORT_OR_KEEP)}, not {value!r}")
        kept[name] = value == "keep"
    if dates == "personal" and not bodies and not any(kept.values()):
        return PiiOptions(entities, DEFAULT_POLICY)
    return PiiOptions(entities, Policy(all_dates=dates == "all", public_bodies=phrase_pattern(bodies),
                                       birth_years=not kept["birth_years"], given_names=not kept["given_names"]))


_KEYS = ("entities", "skip_entities", "ignore", "dates", "public_bodies", "birth_years", "given_names")


def pii_options(options: dict[str, Any], default: frozenset[str] | None = None) -> PiiOptions:
    """Read a charter's ``entities`` (only these types), ``skip_entities`` (all but these; ``ignore``
    is the older name), ``dates`` (``personal`` or ``all``), ``public_bodies`` (names never taken
    for personal data), ``birth_years`` and ``given_names`` (``report`` or ``keep`` a year of birth -- or a
    month and year, with no day -- or a given name that stands alone). Raises ``ValueError`` naming the
    option when one is malformed: the guard then fails closed."""
    chosen = {k: options[k] for k in _KEYS if k in options}
    # no option of these: the same key every time ("{}"), without turning anything into JSON
    key = json.dumps(chosen, sort_keys=True, default=repr) if chosen else "{}"
    return _parse(key, default)


def name_policy(options: dict[str, Any], default: str = "all") -> str:
    """A charter's ``options.names`` (``default`` when not given: ``all`` for ``pii``, ``corroborated`` for
    ``pii_leak``); ``ValueError`` when malformed."""
    value = options.get("names", default)
    if value not in NAME_POLICIES:
        raise ValueError(f"pii option 'names' must be one of {', '.join(NAME_POLICIES)}, not {value!r}")
    return str(value)


#: A caller introducing themselves or someone else right before a name ("hi im Sarah Connor", "this is", "on behalf
#: of", "soy", "ich bin", "je suis", "sono", "ik ben", "jestem", Slovene and Czech "sem", "jsem").
_INTRODUCED = re.compile(
    r"(?:\b(?:i'?m|im|i\s+am|this\s+is|it'?s|my\s+name'?s|on\s+behalf\s+of|for\s+my\s+\w+|regards|thanks|cheers|"
    r"soy|sono|je\s+suis|ich\s+bin|ik\s+ben|eu\s+sou|jestem|sem|jsem|som|ja\s+sam|zovem\s+se|jmenuji\s+se|"
    r"nazywam\s+się|me\s+llamo|je\s+m'appelle|mi\s+chiamo|меня\s+зовут|мене\s+звати|jeg\s+heter|jag\s+heter|"
    r"mein\s+name\s+ist|minun\s+nimeni\s+on|"
    r"ich\s+hei(?:ß|ss)e|ik\s+heet|meu\s+nome\s+é|mi\s+nombre\s+es)[\s,:]*|^[\s,]*)$",
    re.IGNORECASE)
#: What only a person does right after their name ("Darren Mitchell still works at", "Rohan Mehta said"), or a
#: caller signing with it ("Thomas Becker hier", "Ana here").
_PERSONS_VERB_AFTER = re.compile(
    r"[ \t]*(?:,[ \t]*)?(?:(?:still|also|now|never|no\s+longer)\s+)?(?:said|says|told|tells|called|calls|asked|asks|"
    r"works|worked|lives|lived|died|passed\s+away|was\s+born|is\s+my|was\s+my|is\s+our|wants|wanted|owes|hit|"
    r"here|hier|ici|aquí|aqui|qui)\b", re.IGNORECASE)


def corroborated(text: str, hit: Hit, data: list[Hit]) -> bool:
    """Whether a name the engine found in a caller's ``text`` without a strong cue (``hit``, below 0.8) is given as
    a person's: the text holds another personal datum (:data:`PERSONAL_TYPES`: an identifier, a phone, an e-mail, a
    street address, a date of birth), something ties it to a person as ``pii_leak`` reads answers (a title, a role or
    a relation before it, a possessive with a datum after it), the caller introduces it ("hi im ...", "on behalf of
    ...", "soy ...", or it opens the text or a line) or a person's verb follows it ("... still works at", "... said",
    "... hier"). ``data``: the text's other personal data (:func:`personal_data`)."""
    if data or _tied_to_a_person(text, hit, data):
        return True
    line = text.rfind("\n", 0, hit.start) + 1
    return (_INTRODUCED.search(text, max(line, hit.start - 32), hit.start) is not None
            or _PERSONS_VERB_AFTER.match(text, hit.end) is not None)


def personal_data(hits: list[Hit]) -> list[Hit]:
    """The hits of :data:`PERSONAL_TYPES` other than names: what corroborates a name beside them."""
    return [h for h in hits if h.type != "PERSON" and h.type in PERSONAL_TYPES]


def entities_option(options: dict[str, Any], default: frozenset[str] | None = None) -> frozenset[str] | None:
    """The entity types a charter's options select (see :func:`pii_options`)."""
    return pii_options(options, default).entities


class PiiGuard:
    """Finds PII of the types in ``options.entities`` (all by default). Thread-safe, keeps nothing."""

    name = "pii"
    directions: tuple[Direction, ...] = ("input", "context")

    def __init__(self, engine: PiiEngine | None = None) -> None:
        self.engine = engine or PiiEngine()
        self.version = f"charter-pii/{self.engine.version}"

    def check_options(self, options: dict[str, Any]) -> None:
        """Raise ``ValueError`` when a charter's options for this guard are malformed."""
        pii_options(options)
        name_policy(options)
        restore = options.get("restore", "full")
        if restore not in RESTORE_MODES:
            raise ValueError(f"pii option 'restore' must be one of {', '.join(RESTORE_MODES)}, not {restore!r}")

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        chosen = pii_options(context.options)
        hits = self.engine.analyze(text, entities=chosen.entities, threshold=min(context.threshold, 0.5),
                                   policy=chosen.policy)
        if name_policy(context.options) == "corroborated" and any(h.type == "PERSON" and h.score < 0.8 for h in hits):
            # a name with no strong cue is a person's only when something in the question makes it one
            data = personal_data(hits)  # worked out once for every name in the text
            hits = [h for h in hits if h.type != "PERSON" or h.score >= 0.8 or corroborated(text, h, data)]
        findings = [Finding(self.name, h.type, h.start, h.end, h.score, self.version) for h in hits]
        score = max((f.score for f in findings), default=0.0)
        flagged = any(f.score >= context.threshold for f in findings)
        return GuardResult(findings=findings, verdict="flag" if flagged else "pass", score=score)


def make_guard(settings: Any = None) -> PiiGuard:
    return PiiGuard()

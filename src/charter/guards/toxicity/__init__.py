"""The ``toxicity`` guard: hate, slurs and threats in answers (and, if a charter asks, in prompts).

A lexicon-and-grammar checker, sentence by sentence, no model download: a sentence is hateful when
it names a protected group (or uses a slur, or refers back with "them" to a group named just
before) *and* says something hostile about it (an attitude such as "hate", a degrading attribute,
a threat, profanity aimed at the group, or a negated warm word: "no compassion for"). Negation
("I don't hate ..."), counter-speech ("if you say ..., you are a bigot", "call out the hatred of
..."), quotation, slur homonyms ("a faggot of sticks", "the dykes held the flood") and reclaimed
in-group terms lower the score below the default threshold. Disguises are undone first: homoglyphs,
invisible characters, leetspeak (``s1ck``), spaced letters (``w o m e n``), one dropped or swapped
letter (``hatrd``, ``disgutsed``) and words run together (``sosickening``). Web and e-mail
addresses are not read as words ("online on spis.lt" holds no slur).

Scores: slur 0.9, threat against a group 0.9, hostility towards a group 0.8, profanity or negated
warmth towards a group 0.7, a threat against anyone 0.6; then, below the default threshold of
0.5 and so reported only when a charter lowers it: an insult without a group 0.3, profanity 0.2.
Measured on HateCheck in ``benchmarks/toxicity.py``. English only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.normalize import deleet, normalize
from charter.guards.pii.lexicon import ordinary
from charter.guards.pii.patterns import BARE_DOMAIN, EMAIL, URL
from charter.guards.toxicity.lexicon import NO_CATEGORIES, Lexicon, load_lexicon

__all__ = ["ToxicityGuard", "make_guard"]

_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
#: Spaced letters ("w o m e n"): ``\b(?:[a-z] ){2,}[a-z]\b`` with the first letter ahead of the
#: look-behind that stands for the ``\b``, so the scan jumps to letters (the same matches).
_SPACED = re.compile(r"[a-z](?<!\w[a-z]) (?:[a-z] )+[a-z]\b")
#: Words in any script's letters: "única" is one word, not "nica" after an accented letter.
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
#: An acronym in the caller's text ("PHAs", "CURP") is not a slur whatever it spells in lower case.
_ACRONYM = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]{1,5}s?\b")  # \b[A-Z]{2,6}s?\b, the capital first
#: "criminal matters", "criminal court": the law's adjective, not an attribute of a group.
_LEGAL_AFTER = frozenset((
    "matters", "matter", "law", "laws", "court", "courts", "case", "cases", "record", "records", "justice",
    "charge", "charges", "offence", "offences", "offense", "offenses", "proceedings", "defence", "defense",
    "lawyer", "lawyers",
))
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{3,})[\"“”«»]")
_HOSTILE_PHRASES = ("attitude", "attribute", "threat", "threat_person", "slur")
_SELF = re.compile(r"\b(?:i'm|i am|im|we are|we're|us|ourselves|myself|my fellow|proud)\b")
_IDIOM_AFTER_THREAT = {"it", "time", "off", "myself", "yourself", "out"}


@dataclass(slots=True)
class _Reading:
    """What one sentence says, by category."""

    group: bool = False
    slur: bool = False
    pronoun: bool = False
    hostile: bool = False  # attitude or attribute, not negated
    threat: bool = False  # threat word, not negated, not an idiom
    threat_phrase: bool = False
    threat_person: bool = False  # a threat aimed at a person ("you deserve to die")
    cold: bool = False  # a negated warm word
    profanity: bool = False
    counter: bool = False
    self_named: bool = False  # a slur said of oneself or one's own group: reclaimed use
    kinds: list[str] = field(default_factory=list)


class ToxicityGuard:
    """Thread-safe: the lexicon is built once and never changed."""

    name = "toxicity"
    version = "charter-toxicity/1.2"  # 1.2: web and e-mail addresses are not read as words
    directions: tuple[Direction, ...] = ("output", "input")
    default_directions: tuple[Direction, ...] = ("output",)  # input only when a charter lists it
    reads_conversation = True
    reads_context: tuple[str, ...] = ()  # the text alone decides (the verdict cache's key)

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        # words run together ("sosickening"): one pass of a compiled alternation per word, not one
        # ``in`` test per lexicon entry (the same answer: does any entry occur in the word)
        subs = self.lexicon.substrings
        self._hostile_parts = _any_of(sorted({s for s, cat in subs if cat != "group"}))
        self._group_parts = _any_of(sorted({s for s, cat in subs if cat == "group"}))

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        norm = normalize(text)
        view = _unaddressed(deleet(norm.text))
        findings: list[Finding] = []
        best = 0.0
        spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(view)]
        starts = [lo for lo, _ in spans]
        phrases = self._phrase_hits(view, starts, _HOSTILE_PHRASES)
        acronyms = {m.group().lower() for m in _ACRONYM.finditer(text)} if _ACRONYM.search(text) else set()
        # spaced letters ("w o m e n") never cross a sentence's end: none in the text, none in a sentence
        spaced = _SPACED.search(view) is not None
        sentences = [(lo, hi, self._read(view[lo:hi], phrases[i], acronyms, spaced))
                     for i, (lo, hi) in enumerate(spans)]
        if any(r.hostile or r.threat or r.threat_phrase or r.slur or r.cold or r.profanity for _, _, r in sentences):
            # Counter-speech only matters where something hostile was said: skip the search otherwise.
            counter = self._phrase_hits(view, starts, ("counter",))
            for i, (lo, hi, reading) in enumerate(sentences):
                reading.counter = bool(counter[i]) or _quoted_only(view[lo:hi])
        for i, (lo, hi, reading) in enumerate(sentences):
            near = [sentences[j][2] for j in (i - 1, i + 1) if 0 <= j < len(sentences)]
            kind, score = _judge(reading, any(r.group or r.slur for r in near))
            best = max(best, score)
            if score >= context.threshold and kind:
                start, end = norm.span(lo, hi)
                findings.append(Finding(self.name, kind, start, end, score, self.version))
        return GuardResult(findings, "flag" if findings else "pass", best)

    def _phrase_hits(self, view: str, starts: list[int], categories: tuple[str, ...]) -> list[set[str]]:
        """Which of ``categories`` each sentence contains (one pass per category over the text)."""
        hits: list[set[str]] = [set() for _ in starts]
        patterns = [(c, self.lexicon.phrases[c]) for c in categories if c in self.lexicon.phrases]
        if "slur" in categories and self.lexicon.multiword_slurs is not None:
            patterns.append(("slur", self.lexicon.multiword_slurs))
        for category, pattern in patterns:
            for match in pattern.finditer(view):
                hits[max(0, bisect_right(starts, match.start()) - 1)].add(category)
        return hits

    def _read(self, sentence: str, phrases: set[str], acronyms: set[str] | frozenset[str] = frozenset(),
              spaced: bool = True) -> _Reading:
        lex = self.lexicon
        view = _SPACED.sub(_unspace, sentence) if spaced else sentence
        words = _TOKEN.findall(view)
        forms = lex.forms
        cats = [lex.categories(w) for w in words] if forms is None else [forms.get(w, NO_CATEGORIES) for w in words]
        r = _Reading()
        for i, (word, found) in enumerate(zip(words, cats, strict=True)):
            if not found:
                continue
            nxt = words[i + 1] if i + 1 < len(words) else ""
            negated = _negated(cats, words, i)
            r.group |= "group" in found or ("group_adj" in found and "group_head" in lex.categories(nxt))
            r.pronoun |= "pronoun" in found
            if "slur" in found and not lex.reclaimed(word) and word not in acronyms:
                homonym = lex.homonyms.get(word)
                r.slur |= homonym is None or homonym.search(view) is None
                r.self_named |= _SELF.search(view) is not None
            legal = "attribute" in found and _legal_noun_follows(words, i)  # "criminal and refugee matters"
            r.hostile |= bool(found & {"attitude", "attribute"}) and not negated and not legal
            r.threat |= "threat" in found and not negated and nxt not in _IDIOM_AFTER_THREAT
            r.cold |= "warm" in found and negated
            r.profanity |= "profanity" in found
        self._phrases(view, words, cats, phrases, r)
        return r

    def _phrases(self, view: str, words: list[str], cats: list[set[str]], phrases: set[str], r: _Reading) -> None:
        r.hostile |= bool(phrases & {"attitude", "attribute"})
        r.threat_phrase = "threat" in phrases
        r.slur |= "slur" in phrases
        r.threat_person = "threat_person" in phrases
        if (r.group or r.pronoun) and not r.hostile:  # words run together: "sosickening"
            for word, found in zip(words, cats, strict=True):
                if len(word) >= 8 and not found and not ordinary(word):
                    r.hostile |= _holds(self._hostile_parts, word)
        hostile_words = r.hostile or r.threat or r.threat_phrase or r.profanity or r.cold
        if hostile_words and not r.group and any(len(w) >= 8 and not c for w, c in zip(words, cats, strict=True)):
            # "sosickening", but not "transfer" or "transport" (English words that hold a group's name)
            r.group = any(_holds(self._group_parts, w) for w in words if len(w) >= 8 and not ordinary(w))


def _unaddressed(view: str) -> str:
    """``view`` with web and e-mail addresses blanked (same length): a site's name is not a word of the
    sentence ("online on spis.lt", Lithuania's social-support portal, is no slur)."""
    if "." not in view:
        return view
    for pattern in (URL, EMAIL, BARE_DOMAIN):
        view = pattern.sub(_blank, view)
    return view


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _unspace(m: re.Match[str]) -> str:
    return m.group().replace(" ", "")


def _legal_noun_follows(words: list[str], i: int) -> bool:
    """A legal noun within the next four words, with no verb between ("criminal, immigration and
    refugee matters"; not "criminal, send them to court")."""
    for word in words[i + 1:i + 5]:
        if word in _LEGAL_AFTER:
            return True
        if word in _CLAUSE_WORDS:
            return False
    return False


_CLAUSE_WORDS = frozenset((
    "are", "is", "was", "were", "be", "been", "should", "must", "will", "would", "take", "put", "send",
    "lock", "they", "them",
))


def _any_of(parts: list[str]) -> re.Pattern[str] | None:
    """A pattern that matches where one of ``parts`` occurs (None: no parts, never)."""
    return re.compile("|".join(re.escape(p) for p in parts)) if parts else None


def _holds(pattern: re.Pattern[str] | None, word: str) -> bool:
    return pattern is not None and pattern.search(word) is not None


def _negated(cats: list[set[str]], words: list[str], i: int) -> bool:
    for j in range(max(0, i - 3), i):
        if "negator" in cats[j] and not (words[j] == "nothing" and j + 1 < len(words) and words[j + 1] == "but"):
            return True
    return False


def _quoted_only(view: str) -> bool:
    """The hostile words sit inside quotation marks and the sentence goes on outside them."""
    quoted = _QUOTED.search(view)
    if quoted is None:
        return False
    outside = (view[: quoted.start()] + view[quoted.end() :]).strip(" .!?,:;")
    return len(outside.split()) >= 2


def _judge(r: _Reading, group_nearby: bool) -> tuple[str, float]:
    """The finding type and score of one sentence, knowing whether a neighbour names a group."""
    about_group = r.group or (r.pronoun and group_nearby)
    if r.counter:
        return ("", 0.0) if not (r.hostile or r.threat or r.slur) else ("counter_speech", 0.3)
    if r.slur and not (r.self_named and not r.hostile):
        return "slur", 0.9
    if about_group and (r.threat or r.threat_phrase):
        return "threat", 0.9
    if about_group and r.hostile:
        return "hate", 0.8
    if about_group and (r.profanity or r.cold):
        return "hate", 0.7
    if r.threat_person:
        return "threat", 0.6
    if r.hostile:
        return "insult", 0.3
    if r.profanity:
        return "profanity", 0.2
    return "", 0.0


def make_guard(settings: Any = None) -> ToxicityGuard:
    """Zero-argument factory for the guard registry (``settings`` is accepted and unused)."""
    del settings
    return ToxicityGuard()

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
from charter.guards.normalize import blank_match, deleet, normalize
from charter.guards.pii.lexicon import ordinary
from charter.guards.pii.patterns import BARE_DOMAIN, EMAIL, URL
from charter.guards.regexparts import top_level_branches
from charter.guards.toxicity.lexicon import NO_CATEGORIES, Lexicon, load_lexicon

__all__ = ["ToxicityGuard", "make_guard"]

_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
#: Spaced letters ("w o m e n"): ``\b(?:[a-z] ){2,}[a-z]\b`` with the first letter ahead of the
#: look-behind that stands for the ``\b``, so the scan jumps to letters (the same matches).
_SPACED = re.compile(r"[a-z](?<!\w[a-z]) (?:[a-z] )+[a-z]\b")
#: What every _SPACED match ends with (its last two letters, a space before them): the search jumps
#: from space to space, where _SPACED tries every letter.
_SPACED_END = re.compile(r" [a-z] [a-z]\b")
#: Words in any script's letters: "única" is one word, not "nica" after an accented letter.
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ASCII_TOKEN = re.compile(r"[a-zA-Z]+(?:'[a-zA-Z]+)?")  # _TOKEN's matches in ASCII text, found faster
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
#: Word categories that make no sentence score on their own (a group, a pronoun, a negator); a warm
#: word scores only when negated.
_HARMLESS = frozenset(("group", "group_adj", "group_head", "pronoun", "negator"))
_HARMLESS_OR_WARM = _HARMLESS | {"warm"}
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
    version = "charter-toxicity/1.12"  # 1.2: web and e-mail addresses are not read as words; 1.3: no hostile
    # word is read inside a longer word of another language ("presenta" holds "resent"); 1.4: "without" a warm
    # word is no coldness ("without support"); "plus tard", "en cas de retard" are French, not slurs; 1.5: a
    # code ("SP156") is not leetspeak; "buenas tardes", "un retardo", the Polish "spis", the Dutch "kies" are no
    # slurs and the Dutch "hoe" (how) is no profanity; 1.6: the Tagalog "mong" ("maaari mong gamitin") is no slur;
    # 1.7: an ordinary word one edit from a slur is that word ("grid"); the Catalan "hores", the Basque "dago", the
    # Maltese "jew" and "fuq" are no slur, group or profanity in their own language's sentences; 1.8: the Swedish
    # "slut" (end), the South Slavic "samo" (only), the Afrikaans "die" (the) and "kies" (choose) in theirs; 1.9:
    # "-es" makes a plural only after a hissing sound or an "o" ("rates" is no plural of "rat", "notes" no "not"),
    # "transferring" is English (a doubled consonant), the Catalan "més tard" and "dies" (days) are no slur or threat;
    # 1.10: "end" as a noun before "you" is no threat ("at the end you're offered an interview"); 1.11: the Catalan
    # "com a tard" (at the latest) is no slur; 1.12: the Swedish, Norwegian and Danish "sambo" (partner) is none
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
        # where the first hostile phrase of any category starts: one scan of the text, not five, tells a
        # text with none (nearly every answer), and the categories' own scans start there
        self._first_hostile = _any_phrase(self.lexicon, _HOSTILE_PHRASES)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        norm = normalize(text)
        view = _unaddressed(deleet(norm.text, keep_codes=True))
        findings: list[Finding] = []
        best = 0.0
        spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(view)]
        starts = [lo for lo, _ in spans]
        phrases = self._phrase_hits(view, starts, _HOSTILE_PHRASES, self._first_hostile)
        # spaced letters ("w o m e n") never cross a sentence's end: none in the text, none in a sentence
        spaced = _SPACED_END.search(view) is not None and _SPACED.search(view) is not None
        if not spaced and not any(phrases) and self._harmless_words(view):
            return GuardResult(findings, "pass", best)  # no sentence can score: nothing to read one by one
        acronyms = {m.group().lower() for m in _ACRONYM.finditer(text)} if _ACRONYM.search(text) else set()
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

    def _harmless_words(self, view: str) -> bool:
        """No word of ``view`` can make a sentence score (what :meth:`_read` and :func:`_judge` would
        find, read once over the whole text): every word the lexicon knows names a group, a person or
        a negation, a warm word has no negator anywhere to turn it cold, and no long unknown word can
        hold a hostile one run together ("sosickening"). Sentences split between words, so their words
        are the text's."""
        forms = self.lexicon.forms
        if forms is None:
            return False
        words = set((_ASCII_TOKEN if view.isascii() else _TOKEN).findall(view))
        known = words & forms.keys()
        if any(len(word) >= 8 and not _english(word) for word in words - known):
            return False
        warm = negator = False
        for word in known:
            found = forms[word]
            if not found <= _HARMLESS:
                if not found <= _HARMLESS_OR_WARM:
                    return False
                warm = True
            negator = negator or "negator" in found
        return not (warm and negator)

    def _phrase_patterns(self, categories: tuple[str, ...]) -> list[tuple[str, re.Pattern[str]]]:
        patterns = [(c, self.lexicon.phrases[c]) for c in categories if c in self.lexicon.phrases]
        if "slur" in categories and self.lexicon.multiword_slurs is not None:
            patterns.append(("slur", self.lexicon.multiword_slurs))
        return patterns

    def _phrase_hits(self, view: str, starts: list[int], categories: tuple[str, ...],
                     first: re.Pattern[str] | None = None) -> list[set[str]]:
        """Which of ``categories`` each sentence contains (one pass per category over the text).
        ``first``: the categories' patterns as one alternation; no category matches before where it
        first does (nowhere: none matches at all), so their scans start there."""
        hits: list[set[str]] = [set() for _ in starts]
        begin = 0
        if first is not None:
            found = first.search(view)
            if found is None:
                return hits
            begin = found.start()
        for category, pattern in self._phrase_patterns(categories):
            for match in pattern.finditer(view, begin):
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
        english: bool | None = None  # whether most of the sentence's words are English (asked only when needed)
        for i, (word, found) in enumerate(zip(words, cats, strict=True)):
            if not found:
                continue
            if word not in lex.words and word in lex.fuzzy:
                # a misspelling of an entry (one letter dropped or swapped) is read so only in an English
                # sentence: in another language's it is that language's word ("samo", "hores", "kies")
                if english is None:
                    english = _mostly_english(words)
                if not english:
                    continue
            nxt = words[i + 1] if i + 1 < len(words) else ""
            negated = _negated(cats, words, i)
            r.group |= (("group" in found and not _homonym_here(lex, word, view))  # the Maltese "jew" (or)
                        or ("group_adj" in found and "group_head" in lex.categories(nxt)))
            r.pronoun |= "pronoun" in found
            if "slur" in found and not lex.reclaimed(word) and word not in acronyms:
                r.slur |= not _homonym_here(lex, word, view)
                r.self_named |= _SELF.search(view) is not None
            legal = "attribute" in found and _legal_noun_follows(words, i)  # "criminal and refugee matters"
            r.hostile |= bool(found & {"attitude", "attribute"}) and not negated and not legal
            r.threat |= ("threat" in found and not negated and nxt not in _IDIOM_AFTER_THREAT
                         and not _homonym_here(lex, word, view))  # the Afrikaans "die" (the)
            # "no compassion for them" is cold; "women without support" says what they lack, not a coldness
            r.cold |= "warm" in found and negated and not _lacking(cats, words, i)
            r.profanity |= "profanity" in found and not _homonym_here(lex, word, view)  # Dutch "hoe lang"
        self._phrases(view, words, cats, phrases, r)
        return r

    def _phrases(self, view: str, words: list[str], cats: list[set[str]], phrases: set[str], r: _Reading) -> None:
        r.hostile |= bool(phrases & {"attitude", "attribute"})
        r.threat_phrase = "threat" in phrases
        r.slur |= "slur" in phrases
        r.threat_person = "threat_person" in phrases
        if (r.group or r.pronoun) and not r.hostile:  # words run together: "sosickening"
            for word, found in zip(words, cats, strict=True):
                if len(word) >= 8 and not found and not _english(word):
                    r.hostile |= _run_together(self._hostile_parts, word)
        hostile_words = r.hostile or r.threat or r.threat_phrase or r.profanity or r.cold
        if hostile_words and not r.group and any(len(w) >= 8 and not c for w, c in zip(words, cats, strict=True)):
            # "sosickening", but not "transfer" or "transport" (English words that hold a group's name)
            r.group = any(_holds(self._group_parts, w) for w in words if len(w) >= 8 and not _english(w))


def _any_phrase(lex: Lexicon, categories: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern that matches where a phrase of ``categories`` does (and, with ``slur``, a
    multiword slur): every phrase behind one word boundary, grouped by its first letter, so that at each
    word the engine tries only the phrases that begin with its letter. A lexicon that does not say
    what its patterns are made of gets their plain alternation."""
    patterns = [(c, p) for c in categories if (p := lex.phrases.get(c)) is not None]
    slurs = lex.multiword_slurs if "slur" in categories else None
    if not patterns and slurs is None:
        return None
    if any(c not in lex.phrase_sources for c, _ in patterns) or (slurs is not None and not lex.multiword_slur_words):
        plain = [p for _, p in patterns] + ([slurs] if slurs is not None else [])
        return re.compile("|".join(f"(?:{p.pattern})" for p in plain))
    phrases = [a for c, _ in patterns for a in lex.phrase_sources[c]]
    if slurs is not None:
        phrases += [re.escape(w) + r"\b" for w in lex.multiword_slur_words]
    by_letter: dict[str, list[str]] = {}
    rest: list[str] = []
    for phrase in phrases:
        for alternative in _led_by_a_letter(phrase.removeprefix(r"\b")):  # \b: already in front of all
            if _plain_first(alternative) and not _bar_outside_groups(alternative):
                by_letter.setdefault(alternative[0], []).append(alternative[1:])
            else:
                rest.append(alternative)
    branches = [f"{letter}(?:{'|'.join(tails)})" for letter, tails in sorted(by_letter.items())]
    return re.compile(r"\b(?:" + "|".join(branches + [f"(?:{r})" for r in rest]) + ")")


_QUANTIFIERS = "?*+{"


def _plain_first(regex: str) -> bool:
    """``regex`` starts with a letter or digit that stands for itself, once."""
    return regex[:1].isascii() and regex[:1].isalnum() and (len(regex) < 2 or regex[1] not in _QUANTIFIERS)


def _bar_outside_groups(regex: str) -> bool:
    """``regex`` is an alternation at its top level (``ab|cd``): its first letter is not the first of all."""
    return len(top_level_branches(regex)) > 1


def _led_by_a_letter(regex: str, depth: int = 0) -> list[str]:
    """Regexes whose matches together are those of ``regex``: a leading ``(?:a|b)`` (not nested, not
    repeated) is spread over its alternatives, ``(?:a|b)c`` becoming ``ac`` and ``bc``."""
    if _plain_first(regex) or depth > 3 or not regex.startswith("(?:"):
        return [regex]
    parts, start, i = [], 3, 3
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if char in "([":
            return [regex]
        if char == "|":
            parts.append(regex[start:i])
            start = i + 1
        elif char == ")":
            parts.append(regex[start:i])
            tail = regex[i + 1:]
            if tail[:1] and tail[0] in _QUANTIFIERS:
                return [regex]
            return [x for part in parts for x in _led_by_a_letter(part + tail, depth + 1)]
        i += 1
    return [regex]


def _unaddressed(view: str) -> str:
    """``view`` with web and e-mail addresses blanked (same length): a site's name is not a word of the
    sentence ("online on spis.lt", Lithuania's social-support portal, is no slur). Each pattern runs
    only on a text that holds what every one of its matches holds (nearly no answer holds any: three
    scans of the text, 20 µs an answer, become three look-ups, 1 µs)."""
    if "." not in view:
        return view
    if _web_address_possible(view):
        view = URL.sub(blank_match, view)
    if "@" in view:  # an e-mail address
        view = EMAIL.sub(blank_match, view)
    if _DOMAIN_DOT.search(view) is not None:
        view = BARE_DOMAIN.sub(blank_match, view)
    return view


#: What every bare domain holds ("spis.lt", "example.co.uk/path"): a letter, digit or hyphen, a dot and
#: a letter (the first of its top-level domain), with the pattern's own case rule.
_DOMAIN_DOT = re.compile(r"\.(?<=[a-z0-9-]\.)[a-z]", re.I)


def _web_address_possible(view: str) -> bool:
    """What every ``URL`` match holds: ``://`` or ``www.`` in any case (only "w" and "W" are "w" to
    ``re.IGNORECASE``; ``str.lower`` maps both to "w")."""
    return "://" in view or "www." in view.lower()


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


#: The endings after which English doubles a word's last consonant ("transferring", "admitted", "referrer").
_DOUBLING = ("ing", "ed", "er", "ers")


def _english(word: str) -> bool:
    """``word`` is English (:func:`ordinary`), or an English verb with its last consonant doubled before an
    ending, which the word list does not hold ("transferring": no "trans" run together with "ferring"). Kept here,
    not in :func:`ordinary`, which the PII name finder shares: there it would make surnames such as "Manning" or
    "Redding" English words."""
    if ordinary(word):
        return True
    for ending in _DOUBLING:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouy":
            return ordinary(stem[:-1])
    return False


def _holds(pattern: re.Pattern[str] | None, word: str) -> bool:
    return pattern is not None and pattern.search(word) is not None


def _run_together(pattern: re.Pattern[str] | None, word: str) -> bool:
    """A hostile word run together with others ("sosickening", "ihateyou"), not inside one word of another
    language with a letter on either side ("presenta" holds "resent", "presentano" too): a part with a single
    letter before it (but "i") or after it (but a plural's "s": "massivescumbags") is an inflection or a
    longer word, not a word of its own."""
    pos = 0
    while pattern is not None and (m := pattern.search(word, pos)) is not None:
        left, right = m.start(), len(word) - m.end()
        if (right != 1 or word[-1] == "s") and (left != 1 or word[0] == "i"):
            return True
        pos = m.start() + 1
    return False


def _lacking(cats: list[set[str]], words: list[str], i: int) -> bool:
    """The warm word is what "without" right before it says is lacking ("households without support"), and no
    other negator is near ("better off without women like you" is not this: a group stands between)."""
    before = [words[j] for j in range(max(0, i - 3), i) if "negator" in cats[j]]
    return i > 0 and words[i - 1] == "without" and all(w == "without" for w in before)


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


def _mostly_english(words: list[str]) -> bool:
    """At least half of a sentence's words of two letters or more are English (:func:`ordinary`)."""
    long = [w for w in words if len(w) >= 2]
    return 2 * sum(1 for w in long if ordinary(w)) >= len(long)


def _homonym_here(lex: Lexicon, word: str, sentence: str) -> bool:
    """Whether ``word`` is, in ``sentence``, the ordinary word it shares its spelling with ("the dykes held
    the flood", "buenas tardes", "hoe lang duurt het"): its context pattern is found there."""
    homonym = lex.homonyms.get(word)
    return homonym is not None and homonym.search(sentence) is not None


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

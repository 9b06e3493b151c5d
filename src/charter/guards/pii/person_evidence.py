"""What makes a run of capitalised words a person's name when no cue says so (:func:`person_evidence`, which
:func:`names.names` asks of a run it has not typed otherwise): a given name opening it, words none of which is
English, an initial, a word after it that only people take, a speaker's label, a relation before it ("my
neighbour Okafor"), a name listed beside it; and the German nouns, days and months that are none.
"""

from __future__ import annotations

import re

from charter.guards.pii.calendar_words import calendar_word
from charter.guards.pii.lexicon import COUNTRIES, GIVEN_NAMES, REGIONS, ordinary
from charter.guards.pii.organisations import FOREIGN_BODY_WORDS, STOPLIKE, english_word
from charter.guards.pii.place_cues import PLACE_HEAD_AFTER
from charter.guards.pii.runs import given, starts_sentence

__all__ = ["GERMAN_NOUN", "PERSON_NOUN_AFTER", "PERSON_VERB_AFTER", "RELATION_BEFORE", "named", "person_evidence"]


def named(word: str) -> bool:
    """A given name that opens a person's name: in the lists, and not a short English word that some
    culture also gives as a name ("Sun Life", "May", "Lan")."""
    return given(word) and (word in GIVEN_NAMES or len(word) >= 4 or not ordinary(word))


#: The endings of German nouns that no surname has ("Rentnerin", "Wohngeld", "Genehmigung", "Krankenkasse"): German
#: writes every noun with a capital, so two of them in a row are no "two words, none English" person.
GERMAN_NOUN = re.compile(r"..(?:ung|heit|keit|schaft|geld|rente|steuer|amt|recht|gesetz|zulage|hilfe|kasse|stelle|"
                         r"antrag|schein|ausweis|karte|zentrum|behörde|nerin|lerin|terin|derin|gerin|wohnung|"
                         # "Alleinerziehende", "Auszubildende", "Anspruch", "Unterhaltsvorschuss", "Arbeitsvertrag"
                         r"ziehende|bildende|ierende|spruch|schuss|vertrag|beitrag|bescheid|pflicht|nummer|ziffer|kennzahl|"
                         r"zeichen|anlage|werk|zins|satz|ticket|pass|urlaub)$"  # "Top-Jugendticket", "Ferienpass"
                         # the nouns themselves, with no word before them: "Bafög Antrag", "Anlage N"; spans of time
                         # ("3 Wochen Betriebsurlaub")
                         r"|^(?:antrag|anträge|anlage|bescheid|formular|nachweis|termin|frist|woche|wochen|monate|"
                         r"monaten|stunden|jahre|jahren|tage|tagen)$")


def person_evidence(text: str, run: list[re.Match[str]], lows: list[str]) -> bool:
    """A sign that a capitalised run with no cue names a person: a given name from many cultures'
    lists opening it ("Ana Ruiz", "Grace Hall"), or inside it after a word that is not English
    ("Nguyen Thi Lan", "Watanabe Kenji"); two or three words, none of them English ("Rościsław
    Dudek"); an initial before a surname ("J. Okafor"). A lone word: a given name that is not also
    an English word ("Priya"), a word after it that only people take ("the Okafor family",
    "Okonkwo said"), a speaker's label ('Okafor: "Who are you?"'), "says" before it, or a name
    listed beside it ("Marrero and Murphy")."""
    firsts = [w.split("-")[0] for w in lows]
    if RELATION_BEFORE.search(text, max(0, run[0].start() - 32), run[0].start()):
        return True  # "Your landlord, Anil Kuriakose", "my neighbour Okafor": a person's relation names them
    if len(run) > 1:
        if named(firsts[0]):
            return True
        if len(run[0].group()) == 2 and run[0].group().endswith("."):
            # "J. Okafor"; not "band B. Can we …", "Class C. Does it …": a letter ending a sentence, and a
            # question's first word
            return not (len(run) == 2 and lows[1] in STOPLIKE and _LOWER_WORD_BEFORE.search(
                text, max(0, run[0].start() - 24), run[0].start()) is not None)
        if len(run) <= 3 and not any(english_word(w) or w in FOREIGN_BODY_WORDS or GERMAN_NOUN.search(w)
                                     or calendar_word(w) for w in lows):
            # "Rościsław Dudek", "Mashuu Samurakami": two or three words, none English (nor a day or a month:
            # "Jueves Santo", "Καθαρά Δευτέρα")
            return True
        return (not english_word(lows[0]) and not calendar_word(lows[0]) and any(given(w) for w in firsts[1:])
                and len(run) <= 4)
    end = run[-1].end()
    if (PERSON_NOUN_AFTER.match(text, end) or PERSON_VERB_AFTER.match(text, end)
            or (_SPEAKER.match(text, end) and starts_sentence(text, run[0].start()))
            or _SAYS_BEFORE.search(text, max(0, run[0].start() - 12), run[0].start())):
        return True
    if (given(firsts[0]) and lows[0] not in COUNTRIES and lows[0] not in REGIONS
            and (lows[0] in GIVEN_NAMES or not ordinary(lows[0]))
            and not (lows[0] in _VI_WORDS and _VI_LETTER.search(text, end, end + 40))):
        # a lone given name: only one that is not also an English word ("Priya", not "London"), nor a Vietnamese
        # word in a Vietnamese sentence ("Theo Nghị định 168/2024": according to the decree)
        return True
    if _barrelled(run[0].group()):
        return True  # "Anna-Lena", "Norris-Beck"
    return _beside_a_name(text, run)


#: A word in lower case right before a letter ("band B.", "type C."): the letter is a class's, not an initial.
_LOWER_WORD_BEFORE = re.compile(r"\b[a-z]{2,}[ \t]+$")


#: "Okonkwo said", "Okafor was born": what a person does, after a lone surname.
PERSON_VERB_AFTER = re.compile(
    r" (?:said|says|told|asked|wrote|explained|confirmed|signed|shouted|replied|lives|lived|moved|was born|"
    r"is aged|is from|had given|spent a|will be talking|"
    r"(?:is|was) (?:married|divorced|widowed|pregnant|unemployed|retired|a (?:citizen|resident|widow|widower)))\b")
#: 'Okafor: "Who are you?"': a speaker's label in a dialogue.
_SPEAKER = re.compile(r": [\"\u201c]")
#: '"...," says Okafor.': a quotation's speaker.
_SAYS_BEFORE = re.compile(r"\b(?:says|said|asks|asked|replied|wrote) $")
_NEIGHBOUR_BEFORE = re.compile(r"([^\W\d_][\w'-]*)(,| and| &) $")
_NEIGHBOUR_AFTER = re.compile(r"(,| and| &) ([^\W\d_][\w'-]*)")


#: Vietnamese words that are given names elsewhere ("Theo": according to), and the letters only Vietnamese writes.
_VI_WORDS = frozenset(("theo",))
_VI_LETTER = re.compile("[\u01a1\u01b0\u0111\u1ea0-\u1ef9]")


def _barrelled(token: str) -> bool:
    """A double-barrelled name ("Norris-Beck", "Anna-Lena"), not an English compound ("Cut-Off")."""
    if not re.search(r"-[A-Z]", token):
        return False
    parts = [w.lower() for w in token.split("-") if w]
    if GERMAN_NOUN.search(parts[-1]) and not any(w in GIVEN_NAMES for w in parts):
        return False  # "Balkonkraftwerk-Anlage": a German compound noun, no one's name
    return any(w in GIVEN_NAMES or not ordinary(w) for w in parts)


def _beside_a_name(text: str, run: list[re.Match[str]]) -> bool:
    """"Marrero and Murphy", "Okafor, Ana and Reed": joined by "and" to a word that is not English, or
    listed beside a given name ("Narita, Haneda, Chubu" is a list of places: no given name in it; nor "Portmarnock
    and Donabate beach", whose last is a place by its noun)."""
    before = _NEIGHBOUR_BEFORE.search(text, max(0, run[0].start() - 30), run[0].start())
    after = _NEIGHBOUR_AFTER.match(text, run[-1].end())
    if after is not None and PLACE_HEAD_AFTER.match(text, after.end()):
        after = None  # "at Portmarnock and Donabate beach": places listed, the last with its noun
    for m, word, joint in ((before, 1, 2), (after, 2, 1)):
        if m is not None and m.group(word)[0].isupper():
            low = m.group(word).lower()
            if given(low) or (m.group(joint) != "," and not ordinary(low)):
                return True
    return False


#: "Your landlord, Anil Kuriakose": a person's relation or role (with a possessive) right before a name.
RELATION_BEFORE = re.compile(
    r"\b(?:my|your|his|her|their|our)\s+(?:(?:new|former|late|old|current|previous)\s+)?(?:neighbou?r|brother|sister|"
    r"mother|father|son|daughter|husband|wife|partner|ex-husband|ex-wife|ex-partner|uncle|aunt|cousin|"
    r"grandmother|grandfather|friend|colleague|boss|employee|landlord|landlady|tenant|lodger|flatmate|roommate|"
    r"caseworker|case worker|carer|guardian)\s*,?\s+$",
    re.IGNORECASE,
)
PERSON_NOUN_AFTER = re.compile(
    r"[ \t]+(?:family|families|household|national|nationals|citizen|citizens|resident|residents|children|"
    r"brothers|sisters|twins|couple|case|residence|estate)\b", re.IGNORECASE)

"""Shapes of a capitalised run and the words around it that tell names.py it is no person's name: a route between
cities ("Amiens-Lille", "London Euston to Manchester"), a body's service named "X of Y" ("Service-Center von Wiener
Wohnen"), a German compound naming a status ("Bürgergeld-Empfänger"), an article of another language ("Les objets"),
a town's administration ("la Ville"), a street before a compass word ("Queen St West"), the object of "call me"
("back"). names.py asks these in the order its rules need; each is a plain test of the text."""

from __future__ import annotations

import re

from charter.guards.pii.lexicon import NON_NAMES, city_size, ordinary, place_name, word_list
from charter.guards.pii.runs import PARTICLES, given, lower_word

__all__ = ["AT_BEFORE", "BODY_ARTICLE_BEFORE", "BODY_NOUNS", "COMPASS", "COMPOUND_NOUN", "SURNAME_TOO",
           "TRAVEL_BEFORE", "city_pair", "foreign_article", "headed_body", "plain_after_call", "plain_words",
           "route_end"]

#: Nouns for a town's administration that are given names elsewhere ("Ville", Finnish), after an article or "Hôtel de".
BODY_NOUNS = frozenset(("ville",))
BODY_ARTICLE_BEFORE = re.compile(r"(?:\b(?:la|de|l'|hôtel de|hotel de)[ \t]+)$", re.IGNORECASE)


#: The compass word after a street's type ("Queen St West", "Bloor Street East").
COMPASS = frozenset(("west", "east", "north", "south", "w", "e", "n", "s"))
#: A German compound's last part after a hyphen that names a status, a paper or an office, never a surname's
#: ("Bürgergeld-Empfänger", "Wohngeld-Antrag", "Schwerbehinderten-Ausweis").
COMPOUND_NOUN = re.compile(
    r"-(?:[A-ZÄÖÜ]\w*)?(?:empfänger|bezieher|berechtigte|pflichtige|antrag|bescheid|schein|ausweis|karte|nummer|"
    r"stelle|behörde|gesetz|verordnung|zentrum|zuschuss|beihilfe|leistung|leistungen)(?:in|innen|n|r|s)?$",
    re.IGNORECASE)
#: Articles, prepositions, Malay's "please" and Swedish and Norwegian "my" that are given names elsewhere ("Les",
#: "Dan", "Den", "Sila", "Mina"), read so when the next word is a lower-case word that is no English word ("Les
#: objets trouvés", "via Mina sidor": the agency's portal, "my pages"; not "Les said", "Mina called").
_FOREIGN_ARTICLES = frozenset(("les", "dan", "den", "del", "con", "per", "dal", "sila", "silakan", "mina", "mine",
                               "jos"))  # Finnish "if" ("Jos asia ei ratkea": if the matter is not settled)
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")


def foreign_article(text: str, word: str, end: int) -> bool:
    """``word`` (a one-word run's, lower case, ending at ``end``) is an article or a preposition of another language
    before a lower-case word that is no English word."""
    if word not in _FOREIGN_ARTICLES:
        return False
    after = _NEXT_WORD.match(text, end)
    if after is None or not after.group(1).islower():
        return False
    # the Finnish "if" before a word that English has too ("Jos asia ei ratkea"), told by Finnish words after it
    return not ordinary(after.group(1)) or (word == "jos" and _FINNISH.search(text, end, end + 60) is not None)


_FINNISH = re.compile(r"\b(?:ei|et|on|ole|olet|voit|saat|tai|ja|että|kun|niin|sinun|sinulla)\b")


def headed_body(run: list[re.Match[str]]) -> bool:
    """A run whose first word is an ordinary noun that is no given name and that a particle joins to the rest
    ("Service-Center von Wiener Wohnen", "Office of Fair Trading"): a body or its service, named "X of Y" (a person's
    name with a particle opens with a given name: "Ursula von der Leyen")."""
    first = lower_word(run[0])
    return (len(run) > 2 and not given(first) and ordinary(first)
            and run[1].group().islower() and run[1].group() in PARTICLES)


AT_BEFORE = re.compile(r"\b(?:at|to)[ \t]+$")
#: A ticket's or a journey's word before a route ("my advance ticket London Euston to Manchester").
TRAVEL_BEFORE = re.compile(
    r"\b(?:tickets?|train|flight|journey|trip|route|coach|fare|billets?|trajets?|vol|vuelo|billetes?|tren|viaje|"
    r"zug|fahrt|fahrkarte|trein|reis|treno|volo|biglietto|pociąg|bilet|lot|comboio|voo|passagem|tåg|resa|tog)"
    r"\b[^.!?\n]*$", re.IGNORECASE)


def city_pair(word: str) -> bool:
    """One word joining two cities of 100,000 people or more with a hyphen, not both given names ("Amiens-Lille",
    "Valencia-Bruselas"): a route or a line, no double-barrelled name ("Smith-Jones", "Victoria-Sydney")."""
    parts = word.split("-")
    return (len(parts) == 2 and all(city_size(p) for p in parts)
            and not all(given(p.lower()) for p in parts))


_WORD = re.compile(r"[^\W\d_][\w'\u2019]*")
_TITLES = frozenset(word_list("""
    mr mrs ms miss mx dr prof sir dame rev hon herr herrn frau señor señora sr sra srta signor signora monsieur
    madame mme mlle dear
"""))


def plain_after_call(value: str) -> bool:
    """The words after "call me" open with an English word that is no given name ("back", "later", "on")."""
    first = value.split()[0].lower().strip(".,!?")
    return ordinary(first) and not given(first)


def plain_words(dropped: str) -> bool:
    """The words :func:`trim` dropped from a run's front (``dropped``) are all words that are no one's name and
    no title ("Wo", German "where", of "in Wo Hop Shek"; not "Mr" of "in Mr Smith's office", nor "de" of "in de
    Vries")."""
    words = [w.lower() for w in _WORD.findall(dropped)]
    return bool(words) and all(w in NON_NAMES and w not in _TITLES for w in words)


#: Station and square words that are surnames too ("Peter Tor", "Anna Platz"): after a given name, a person.
SURNAME_TOO = frozenset(("tor", "platz", "bus"))
#: A route's connector after a run: "London Euston to Manchester", "o Gaerdydd Canolog i Aberystwyth" (Welsh), a dash
#: between two stations (not "from": "Maria Lopez from Madrid" is a person).
_ROUTE_AFTER = re.compile(r"(?:[ \t]+(?:to|i|a|nach|naar|à|till|til|do|-)[ \t]+|[ \t]*[\u2013\u2014][ \t]*)"
                          r"(?=[A-ZÀ-Þ])")  # an en or em dash with no spaces too ("Railjet Wien\u2013Salzburg")


#: The one or two words after a route's connector.
_ROUTE_PLACE = re.compile(r"[^\W\d_][\w'\u2019-]*(?: [A-ZÀ-Þ][\w'\u2019-]*)?")


def route_end(text: str, end: int) -> bool:
    """The words after a route's connector (at ``end``, the run's end) name a place GeoNames lists."""
    m = _ROUTE_AFTER.match(text, end)
    if m is None:
        return False
    after = _ROUTE_PLACE.match(text, m.end())
    return after is not None and (place_name(after.group()) or place_name(after.group().split()[0]))

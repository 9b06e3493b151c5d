"""Names of people, places, organisations and groups, without a neural model.

A run of capitalised words is a name candidate; a run at the start of a sentence must contain a word
that is not ordinary English (a packaged list of lemmas and stop words, with their inflections) to
count. The type comes from gazetteers (countries, nationalities), suffixes (Inc, Bank, GmbH) and the
words before it ("my name is", "in", "from", "Applicant:"). Typing is approximate; detection is what
redaction needs. Encoded text (base64, hex, ROT13) is not a name: a token with digits or
mixed-case noise inside is skipped, and so is a run whose neighbours read as English only after
ROT13.

A run of capitalised words is a person only with a sign of a person (:func:`_not_a_person`,
:func:`person_evidence`): a strong cue or a title before it, a given name from many cultures'
lists (lexicon.WORLD_GIVEN_NAMES), two or three words none of them English, a word after it that
only people take ("the Okafor family", "Okonkwo said"). Capitals alone are not a sign: bodies,
programmes, brands and foreign words are capitalised too; organisations.py holds the shape tests
for those (institution tails and heads, acronyms, camel-case brands, agency endings, firms). A run
of more than one word that GeoNames lists as a town, a city, a country or a region (lexicon.place_name),
or that a country ends ("West Pokot, Kenya?"), is a place, not a person, without a sign of a person
(:func:`_a_place`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from charter.guards.pii.calendar_words import feast_name
from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import (
    COUNTRIES,
    DAYS,
    GIVEN_NAMES,
    NATIONALITIES,
    NON_NAMES,
    ORG_SUFFIXES,
    REGIONS,
    STREET_SUFFIXES,
    WORLD_GIVEN_NAMES,
    city_size,
    common_words,
    ordinary,
    place_name,
    word_list,
)
from charter.guards.pii.organisations import (
    ACRONYM,
    EVENT_WORDS,
    FIRM,
    FIRM_JOIN,
    FOREIGN_BODY_WORDS,
    FOREIGN_HEADS,
    INSTITUTION_TAILS,
    LEGAL_FORM,
    QUOTE_CLOSES,
    QUOTED_BODY_BEFORE,
    SCHOOL_NAMED,
    STOPLIKE,
    STORM_WORDS,
    capitalised_tail,
    english_word,
    firm,
    heading,
    named_as_a_thing,
    names_a_thing,
    thing_after,
)
from charter.guards.pii.own_names import own_names
from charter.guards.pii.person_evidence import (
    PERSON_NOUN_AFTER,
    PERSON_VERB_AFTER,
    RELATION_BEFORE,
    named,
    person_evidence,
)
from charter.guards.pii.place_cues import (
    ARTICLE_OPENING,
    AT_THE_NL_BEFORE,
    COMPASS_OPENING,
    FROM_TO_BEFORE,
    HOSPITAL_TITLE_BEFORE,
    IN_THE_BEFORE,
    INSTITUTION_OPENING,
    INSTITUTION_WORD_BEFORE,
    KIND_SUCH_AS_BEFORE,
    NATURE_NAMED,
    NATURE_OPENING,
    NATURE_WORD_BEFORE,
    PLACE_CUE,
    PLACE_CUE_A,
    PLACE_CUE_TO,
    PLACE_HEAD_AFTER,
    PLACE_INSIDE,
    PLACE_LAST,
    PLACE_LIST,
    PLACE_NAMED,
    POSSESSIVE_PLACE,
    SAINT_BEFORE,
    SAINT_OPENING,
    STREET_NAMED,
    STREET_OPENING,
    STREET_WORD_BEFORE,
    in_a_country,
    place_cue,
    station_name,
)
from charter.guards.pii.run_shapes import (
    AT_BEFORE,
    BODY_ARTICLE_BEFORE,
    BODY_NOUNS,
    COMPASS,
    COMPOUND_NOUN,
    SURNAME_TOO,
    TRAVEL_BEFORE,
    city_pair,
    foreign_article,
    headed_body,
    plain_after_call,
    plain_words,
    route_end,
)
from charter.guards.pii.runs import (
    PARTICLES,
    POSSESSIVES,
    TITLE_BEFORE,
    ends_sentence,
    given,
    is_cap,
    lower_word,
    runs,
    starts_sentence,
    trim,
)

__all__ = ["names"]

#: Titles of other languages before a name ("Herrn", "Señora", "Madame"): a cue in both lists below.
_FOREIGN_TITLE_CUES = (r"\bherrn?|\bfrau|\bse[ñn]ora?|\bsra?\.?|\bsrta\.?|\bsignora?|\bmonsieur|\bmadame|\bmme|\bmlle|"
                       # Swahili honorifics ("Mama Rose Akinyi", "Mzee Otieno", "Bwana", "Bibi", "Mheshimiwa")
                       r"\bmama|\bmzee|\bbwana|\bbibi|\bmheshimiwa|"
                       # Greek "κ." (Mr), "κα" (Mrs)
                       r"(?<![\w.])κ\.|(?<![\w.])κα\.?|")
_PERSON_CUE = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcalled|\bnamed|\bdear|\bhi|\bhello|\bcontact|"
    r"\bmr\.?|\bmrs\.?|\bms\.?|\bmiss|\bmx\.?|\bdr\.?|\bprof\.?|\bby|\bwith|\bsigned|\bregards,?|"
    + _FOREIGN_TITLE_CUES +
    r"\bmet|\bspoke with|\bspoke to|\bthank you,?|\bthanks,?|\bbest,?|\bsincerely,?|"
    r"\b(?:first|last|given|family|maiden|full) name(?: is|\?|:)|\bcontact person:?)\s*$",
    re.IGNORECASE,
)
#: A form's label or a letter's closing line: what follows is a name, ordinary words or not.
_SLOT_LABELS = tuple(word_list(
    """
    name full_name first_name last_name given_name family_name surname customer_name applicant_name
    applicant's_name client_name caller_name patient_name account_holder_name maiden_name legal_name
    name_of_applicant name_of_the_applicant name_of_claimant name_of_patient surname_/_given_name
    applicant claimant payee paid_by caller taxpayer patient beneficiary recipient account_holder
    held_by signed_by signed from to attn attn. attention cc case_officer caseworker officer employee
    spouse guardian parent child contact_person
    """.replace("_", " ")
))
_CLOSINGS = frozenset(
    ("yours sincerely", "yours faithfully", "sincerely", "kind regards", "best regards", "regards",
     "warm regards", "best wishes", "best", "thanks", "thank you", "respectfully", "cordially", "yours")
)
_LABEL_NOTE = re.compile(r" \([^)\n]{0,20}\)$")


def _in_slot(text: str, start: int) -> bool:
    """``start`` follows a form's name label ("Applicant:", "Paid by:") or a letter's closing line."""
    j = start
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    if j == 0:
        return False
    if text[j - 1] in ":,":
        label = _LABEL_NOTE.sub("", text[max(0, j - 48):j - 1].lower().rstrip())
        for candidate in _SLOT_LABELS:
            if label.endswith(candidate):
                before = len(label) - len(candidate) - 1
                return before < 0 or not label[before].isalnum()
        return False
    if text[j - 1] == "\n":
        line_start = text.rfind("\n", 0, j - 1) + 1
        return text[line_start:j - 1].strip().rstrip(",").strip().lower() in _CLOSINGS
    return False


_NAME_AFTER_CUE = re.compile(r"\b(?:my name is|call me|name:)\s+", re.IGNORECASE)
_CAP_AFTER_CUE = re.compile(r"\b(?i:i am|i'm)\s+(?=[A-Z])")
_CUE_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*\.?")
#: "I am" or "my name is" in other languages, before a name typed in small letters ("soy jorge martin ruiz"); the
#: words alone are the cheap test whether a text can hold one.
_SELF_CUE_WORDS = ("soy", "sono", "sou", "jsem", "jestem", "heter", "heiße", "heisse", "llamo", "chiamo", "m'appelle")
_SELF_CUE = re.compile(r"(?:(?<![\w'])(?:" + "|".join(w for w in _SELF_CUE_WORDS if "'" not in w)
                       + r")|(?<=m')appelle)\s+", re.IGNORECASE)
#: What ends a name typed after such a cue: a comma, a full stop, the text's end, "and", or a datum's word.
_SELF_NAME_END = re.compile(r"\s*(?:[,.;:]|$|\s(?:y|e|i|and|und|et|og|och|a)\s"
                            # or an identifier's, a phone's or a home's word ("sono giuseppina russo cf RSS…")
                            r"|\s(?i:cf|c\.f\.|codice|dni|nie|nif|curp|cpf|rg|bsn|fnr|pesel|tel|tlf|cel|telefono|"
                            r"teléfono|abito|vivo|moro|habite|wohne)\b)")
#: "REIMANN, Elżbieta" on a form: a surname in capitals, a comma, the given names.
_NAME_WORDS = r"[^\W\d_][\w'\u2019-]+(?: [^\W\d_][\w'\u2019-]+)?"
_SURNAME_FIRST = re.compile(rf"\b({_NAME_WORDS}), ({_NAME_WORDS})")
_ROT_WORD = re.compile(r"\b[a-zA-Z]{2,}\b")
_ROT13 = str.maketrans(string.ascii_lowercase, string.ascii_lowercase[13:] + string.ascii_lowercase[:13])
#: What follows a web site's name ("HealthCare.gov", "IdentityTheft.gov", "Citizens.org.uk").
_DOMAIN_AFTER = re.compile(r"\.(?:[a-z0-9-]+\.)*(?:gov|org|com|net|edu|int|uk|ca|au|ie|eu|info|io)\b")


#: "Answer in plain English", "speaks French": a language, not a nationality.
_LANGUAGE = re.compile(
    r"\b(?:in|into|speak|speaks|spoke|speaking|plain|learn|learning|translate[sd]?|fluent|write|written|reply)"
    r"\s+(?:plain\s+)?(?:[A-Z][a-z]+\s+(?:or|and)\s+)?$",
    re.IGNORECASE,
)
_LANGUAGE_AFTER = re.compile(
    r"\s+(?:language|speakers?|translation|version|interpreter|or\s+[A-Z][a-z]+\b(?!\s+(?:national|citizen)))",
    re.IGNORECASE,
)
_ORIGIN = re.compile(
    r"(?:\bfrom|\bborn in|\bplace of birth:?|\bcountry of (?:birth|origin|nationality|citizenship|residence):?|"
    r"\bcitizen of|\bnational of|\bnationality:?|\bnative of|\bgrew up in|\blive in|\blives in|\bliving in|"
    r"\blived in|\breside in|\bresident of|\bmoved to|\bmoved from|\brelocated to|\bhome country:?|"
    r"\bcountry:|\bstate:|\bhometown:?|\bcitizenship:?)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
#: "become a citizen of", "becoming a resident of": the country a question is about, not one's own.
_BECOME = re.compile(r"\bbecom(?:e|ing)\s+(?:an?\s+)?(?:citizen|resident|national)\s+of\s*(?:the\s+)?$",
                     re.IGNORECASE)
_EMPLOYER_SLOT = re.compile(r"\b(?:employer|employed by|company|business name|organi[sz]ation)\s*:\s*$", re.IGNORECASE)


def _type_of(text: str, start: int, value: str, slot: bool) -> tuple[str, float]:
    low = value.lower().rstrip(".")
    last = low.split()[-1] if low.split() else low
    before = text[max(0, start - 40):start]
    if low in NATIONALITIES:
        language = _LANGUAGE.search(before) or _LANGUAGE_AFTER.match(text, start + len(value))
        # "my Canadian tax return", "a German health card": an official thing, not a person's
        # nationality ("a Canadian citizen", "Nationality: Canadian", "a Russian place" still are)
        thing = _NRP_THING.match(text, start + len(value))
        return ("NRP", 0.45) if language or thing else ("NRP", 0.7)
    if low in COUNTRIES or low.removeprefix("the ") in COUNTRIES or low in REGIONS:
        # a country or a state is too coarse to single anyone out, unless it is where someone
        # comes from or lives ("originally from Ghana", "Place of birth: Ghana", "I live in Ohio");
        # the country one asks to join is not ("How do I become a citizen of Uruguay?")
        origin = _ORIGIN.search(before) and not _BECOME.search(before)
        return ("LOCATION", 0.85) if origin else ("LOCATION", 0.45)
    if last in ORG_SUFFIXES and " " in low:
        return "ORGANIZATION", 0.75
    if _EMPLOYER_SLOT.search(before):
        return "ORGANIZATION", 0.85
    if slot:
        return "PERSON", 0.85
    if _PERSON_CUE.search(before):
        return "PERSON", 0.85
    if (_FROM.search(before) or _IM_AS_I_AM.search(before)) and _given_then_surname(value):
        # "The report came from Henrik Aasland", "hi im Marcus Delgado" (I'm, not the German "im"): a person
        return "PERSON", 0.65
    if (PLACE_CUE.search(before) or PLACE_LIST.search(before)
            or ((PLACE_CUE_TO.search(before) or PLACE_CUE_A.search(before))
                and ((not named(low.split()[0].split("-")[0]) and not PLACE_CUE_A.search(before))
                     or _QUESTION_END.match(text, start + len(value)) is not None))):
        # "How do I find shelter in Dublin?": a city named alone singles no one out; where someone
        # lives or comes from does ("I live in Dublin", "moved to Dublin", "born in Dublin")
        return ("LOCATION", 0.85) if _ORIGIN.search(before) else ("LOCATION", 0.45)
    if value.isupper() and " " not in value:
        # an acronym ("JSON", "FEMA", "NSFAS") or a place in capitals: not personal on its own
        return ("LOCATION", 0.45) if len(value) >= 5 else ("ORGANIZATION", 0.45)
    return "PERSON", 0.65


_FROM = re.compile(r"\bfrom\s*$", re.IGNORECASE)
_IM_AS_I_AM = re.compile(r"(?:^|\b(?:hi|hello|hey|yes|ok|okay|and|but|so)[,!.]?\s+)im\s*$", re.IGNORECASE)
#: The end of a question or of its clause, with the space French puts before "?" and ":" ("à Lyon ?").
_QUESTION_END = re.compile(r"[ \u00a0\u202f]?[?:]")
#: The last words of places that open with a given name ("George Town", "Victoria Falls", "Alice Springs").
_PLACE_HEADS = STREET_SUFFIXES | frozenset(("town", "city", "bay", "county"))


def _given_then_surname(value: str) -> bool:
    """Two or three words, the first a given name of the engine's lists, the last no place's head word
    ("Henrik Aasland", not "Victoria Falls" or "George Town")."""
    words = value.split()
    first, last = words[0].casefold(), words[-1].casefold()
    given_name = first in GIVEN_NAMES or (first in WORLD_GIVEN_NAMES and len(first) >= 3 and not ordinary(first))
    return 2 <= len(words) <= 3 and given_name and last not in _PLACE_HEADS


#: "my Canadian tax return", "a German health card", "the Spanish government": a nationality on an
#: official document, service or body is what the question is about, not the asker's nationality.
_NRP_THING = re.compile(
    r"[ \t]+(?:tax|taxes|passports?|visas?|licen[cs]es?|permits?|id|ids|identity|cards?|pensions?|benefits?|"
    r"returns?|driving|driver's|health|healthcare|government|governments|authorities|embassy|consulate|"
    r"laws?|courts?|system|residency|border|borders|bank|banks|dollars?|currency|holidays?|elections?|"
    r"post|mail|phone|number|address|social|state|federal|provincial|public|school|schools|university|"
    r"degree|qualifications?|certificates?|records?|insurance|employer|company|companies|market|citizenship|naturali[sz]ation|residence)\b"
)

#: Words before a name that only a person's name follows ("Dear", "Mr", "my name is"); weaker cues
#: ("with", "by", "contact") are followed by bodies as often ("contact Citizens Advice").
_STRONG_PERSON_CUE = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bdear|\bhello|\bhi|\bmr\.?|\bmrs\.?|\bms\.?|"
    + _FOREIGN_TITLE_CUES +
    r"\bmiss|\bmx\.?|\bdr\.?|\bprof\.?|\bsigned|\bregards,?|\bsincerely,?|\bspoke (?:with|to)|\bmet|"
    r"\b(?:first|last|given|family|maiden|full) name(?: is|\?|:)|\bcontact person:?)\s*$",
    re.IGNORECASE,
)




def _not_a_person(text: str, run: list[re.Match[str]], cued: bool) -> bool:
    """A run found with no strong person cue that shows no sign of a person (``cued``: some person
    cue precedes it, so look for a strong one). Capitals alone are not a sign: a body, a programme,
    a brand or a word in another language is capitalised too ("CalFresh", "Sun Life", "Clic Santé")."""
    if cued and _STRONG_PERSON_CUE.search(text, max(0, run[0].start() - 40), run[0].start()):
        # "Dr. Dynasaur coverage": a title before a programme's name, which a thing's noun follows
        return (TITLE_BEFORE.search(text, max(0, run[0].start() - 6), run[0].start()) is not None
                and not run[-1].group().endswith(("'s", "\u2019s")) and thing_after(text, run[-1].end()))
    lows = [lower_word(m) for m in run]
    if lows[-1] in INSTITUTION_TAILS or lows[0] in FOREIGN_HEADS:
        return True
    if len(run) > 1 and not EVENT_WORDS.isdisjoint(lows[1:]):
        return True  # "Terry Fox Run", "Great North Run Sunday": an event named after someone or somewhere
    first_is_word = (not given(lows[0]) and ordinary(lows[0])) or (not named(lows[0]) and english_word(lows[0]))
    if len(run) > 1 and first_is_word and starts_sentence(text, run[0].start()):
        return _not_a_person(text, run[1:], cued)  # "Ask Transport for London", "Call HSE Live": a verb first
    tokens = [m.group().rstrip(".") for m in run]
    if len(run) > 1 and ACRONYM.match(tokens[0]) and not all(t.isupper() for t in tokens):
        return True  # "HSE Live", "HDB Flat Eligibility": an acronym opens a body's name, not a person's
    if len(run) > 1 and tokens[0].isupper() and all(t.isupper() and len(t) <= 4 for t in tokens) and (
            not any(given(w) for w in lows) or (len(tokens[-1]) == 1 and not run[-1].group().endswith("."))):
        # "HDB BTO": acronyms that no one is named; "SIM C": a class letter after a word (not an initial,
        # "LI J."): a scheme's, a document's or a category's, not a person's ("LI WEI" stays a name)
        return True
    if len(run) > 1 and lows[0] in NATIONALITIES and all(ordinary(w) or w in FOREIGN_BODY_WORDS for w in lows[1:]):
        return True  # "Philippine National ID", "Swiss Post": a nation's body or programme ("Christian Krein" stays)
    if len(run) == 2 and tokens[0] in _PL_IN and lows[1].endswith(_PL_LOCATIVE):
        return True  # "Na Mokotowie nie działa latarnia", "W Gorzowie": a Polish "in" and a place in the locative
    if len(run) > 1 and (lows[0] in COUNTRIES or lows[0] in FOREIGN_BODY_WORDS) and all(
            w in FOREIGN_BODY_WORDS for w in lows[1:]):
        return True  # "France Travail", "Salud Responde": a country or a body's word, then only bodies' words
    if len(run) == 1 and lows[0] not in GIVEN_NAMES and names_a_thing(tokens[0], lows[0]):
        return True
    if not PERSON_NOUN_AFTER.match(text, run[-1].end()) and named_as_a_thing(
            text, run[0].start(), run[-1].end(), tokens, lows, named(lows[0].split("-")[0])):
        return True
    if len(run) == 2 and tokens[-1].isupper() and 2 <= len(tokens[-1]) <= 4 and not given(lows[0]):
        return True  # "Nitapataje TIN?" (Swahili: how do I get a TIN): a word and an acronym, no given name
    if len(run) > 1 and _acronym_word(tokens[-1]):
        return True  # "das BZSt", "Antrag auf BAföG": a body's or a scheme's short name ends the run
    if _words_of_the_text(text, run, lows):
        return True
    return not person_evidence(text, run, lows)


def _acronym_word(token: str) -> bool:
    """A short name written in two or more capitals then small letters ("BZSt", "BAföG"): no one's surname
    ("McDonald", "DeShawn", "Yilmaz" have one capital before the small letters)."""
    return len(token) > 2 and token[0].isupper() and token[1].isupper() and any(c.islower() for c in token[2:])


def _words_of_the_text(text: str, run: list[re.Match[str]], lows: list[str]) -> bool:
    """The run is made of the text's own common words: a word of it (three letters or more, no
    particle) is written in small letters elsewhere in the text ("Kring Pajak" beside "wajib pajak";
    "Sie das BZSt" beside "sie wird"), and no other word of it is a given name ("Mark Young" beside
    "young people" stays a name). A word in small letters is a word of the text's language, not a
    surname, whatever the language; the run is not a person's unless a relation names it."""
    common = {w for w in lows if len(w) >= 3 and w not in PARTICLES and w not in POSSESSIVES
              and _lower_elsewhere(text, w, run[0].start(), run[-1].end())}
    if not common or any(given(w) for w in lows if w not in common and w not in PARTICLES):
        return False
    return RELATION_BEFORE.search(text, max(0, run[0].start() - 32), run[0].start()) is None


def _lower_elsewhere(text: str, word: str, start: int, end: int) -> bool:
    """``word`` (lower case) occurs outside ``text[start:end]`` written in small letters, as a whole word."""
    if not word.islower():
        return False
    # a whole word, not in an e-mail address or a web address ("nomvula.dlamini@gmail.com" is the name's
    # own): found with str.find, not a pattern compiled for each word (one per run that gets here)
    at = text.find(word)
    while at >= 0:
        after = at + len(word)
        if (not start <= at < end and (at == 0 or not _joins(text[at - 1], "@./"))
                and (after == len(text) or not (_joins(text[after], "@") or (
                    text[after] == "." and after + 1 < len(text) and _joins(text[after + 1], "", apostrophe=False))))):
            return True
        at = text.find(word, at + 1)
    return False


def _joins(char: str, more: str, apostrophe: bool = True) -> bool:
    """``char`` belongs to the word beside it: a regex's ``\\w``, or (``apostrophe``) an apostrophe or a hyphen, or
    one of ``more``."""
    return char.isalnum() or char == "_" or (apostrophe and char in "'\u2019-") or char in more


#: Polish "on", "in" opening a sentence, and the locative endings of the place after them.
_PL_IN = frozenset(("Na", "W", "We"))
_PL_LOCATIVE = ("owie", "awie", "ewie", "sku", "cku", "niu", "dzi", "ie", "iu")
#: A part of a month and the months, in German, Dutch and the Nordic languages, whose nouns take capitals.
_TIME_OF_YEAR = frozenset(word_list("""
    ende anfang mitte beginn eind begin
    januar februar märz april mai juni juli august september oktober november dezember jänner
    januari februari maart mei augustus maj augusti mars
"""))
#: Words before an employer's name (an employer is personal data; a body named otherwise is not).
#: "worked part time at", "I work at": one works *at* a place (a shop, a firm), *for* a person or a body.
_WORKS_AT_A_PLACE = re.compile(r"\bwork(?:s|ed|ing)?\s+(?:(?:part|full)[ -]time\s+)?at\s+$", re.IGNORECASE)
_WORKS_AT = re.compile(
    r"\b(?:work(?:s|ed|ing)?|job|employed|employer|hired|intern(?:ed|ing)?)\s+(?:for|at|by|with)\s+$|"
    r"\bemployer\s*:\s*$", re.IGNORECASE)


def _rot13(words: list[str]) -> bool:
    """These words read as English only once decoded from ROT13."""
    if len(words) < 2:
        return False
    known = common_words()
    plain = sum(w in known for w in words)
    if plain >= 0.75 * len(words):
        return False  # English as it stands: the common case, decided without decoding
    decoded = sum(w.translate(_ROT13) in known for w in words)
    return decoded >= 0.6 * len(words) and decoded >= plain + 2


def _rot13_text(text: str, start: int, end: int, run_words: list[str], lines: dict[int, bool]) -> bool:
    """The run sits in ROT13 text: its line's words are English only once decoded."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start not in lines:
        line_end = text.find("\n", end)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        words = [w.lower() for w in _ROT_WORD.findall(line)][:40]
        lines[line_start] = _rot13(words) if len(words) >= 3 else False
    return lines[line_start] or _rot13([w.lower().rstrip(".") for w in run_words])


def _a_place(text: str, run: list[re.Match[str]], value: str, cued: bool) -> float | None:
    """A run of more than one word (or a hyphenated one: "Saint-Louis") that GeoNames lists as a town,
    a city, a country or a region (lexicon.place_name), with no sign of a person: no strong person cue
    before it ("Dear Florence"), no relation ("my neighbour ..."), nothing after it that only people do
    ("... said"); or any run that a country or a region follows, ending the sentence ("for West
    Pokot, Kenya?"). One word is left to the words around it, as before: many surnames are towns too
    ("Marrero and Murphy", "says Iwase"). A run opening with a given name ("San Fernando", "Alice da
    Luz") is a place only after a place's cue ("in", "à", "to"), a place and a comma ("Kingstown,
    St Vincent") or before a country. The score: 0.85 where someone lives or comes from ("born in"),
    0.45 where a cue says the text is about the place, 0.6 with no cue (a line of an address)."""
    start = run[0].start()
    article = ARTICLE_OPENING.search(text, max(0, start - 8), start)
    if article is not None:  # "near Del Pilar", "en La Gloria": the run lost its article (_trim)
        value = f"{article.group(1)} {value}"
        start = article.start()
    country = in_a_country(text, run[-1].end())
    if article is None and len(run) == 1 and "-" not in value and (given(lower_word(run[0])) or not country):
        return None  # one word: only before a country ("Pokot, Kenya"); a surname is often a town's name
    if cued and _STRONG_PERSON_CUE.search(text, max(0, start - 40), start):
        return None
    if (PERSON_VERB_AFTER.match(text, run[-1].end())
            or RELATION_BEFORE.search(text, max(0, start - 32), start)):
        return None
    if not country and not place_name(value):
        return None
    before = text[max(0, start - 40):start]
    cue = country or place_cue(before)
    if not cue and named(lower_word(run[0]).split("-")[0]):
        return None
    # where someone lives or comes from is personal ("born in"); a place a question is about is not
    # ("in", "à", after a place and a comma); one named with no cue may be a line of someone's
    # address ("Colle Di Tora\nItaly")
    return 0.85 if _ORIGIN.search(before) else 0.45 if cue else 0.6


_MISTER_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s*$")
#: One word, a capitalised part and a lower-case noun after a hyphen ("Erzsébet-táborba", "Petőfi-program",
#: "Marshall-plan"): a thing named after someone (a name's parts after a hyphen are capitalised: "Anna-Lena").
_NAMED_THING = re.compile(r"[^\W\d_][\w'\u2019]*-[a-zà-ÿőűąęćłńśźżčšžřůěďťňľĺŕ][\w]{3,}")
#: A degree's short form ("B.Com", "M.Sc", "B.Tech", "LL.B"): no one's initials.
_DEGREE = re.compile(r"(?:[BM]\.(?:Com|Sc|Tech|Ed|Pharm|Arch|Des|Phil|Eng|A|S)|LL\.[BM]|Ph\.D)\.?")
#: A day's number right before a month: "15. Mai", "3 mei".
_DAY_BEFORE = re.compile(r"\d\.?\s*$")

def names(text: str) -> Iterator[Hit]:
    encoded_lines: dict[int, bool] = {}
    for run in runs(text):
        first = run[0].start()  # before trim: a place's cue before a word it drops ("in Wo Hop Shek") stays one
        slot = _in_slot(text, first)
        run = trim(run, text, slot)
        if not run:
            continue
        start, end = run[0].start(), run[-1].end()
        value = text[start:end]
        if value.endswith(".") and not re.search(r"\b[A-Z]\.$", value):
            end -= 1
            value = value[:-1]
        if len(run) > 1 and all(lower_word(m).rstrip(".") in _TIME_OF_YEAR for m in run):
            continue  # "Ende Juni", "Anfang März", "Mitte Oktober": a time of the year, German nouns in capitals
        if (len(run) > 2 and lower_word(run[0]).rstrip(".") in _TIME_OF_YEAR and run[1].group().islower()
                and _DAY_BEFORE.search(text, max(0, start - 6), start)):
            continue  # "am 15. Mai von Spandau nach …": a date's month, then "from" a place ("August von Platen" stays)
        if (len(run) > 1 and "'s" in value.replace("\u2019", "'")
                and (lower_word(run[-1]) == "birthday"
                     or (len(run) > 2 and lower_word(run[-2]) == "birthday" and lower_word(run[-1]) in DAYS))):
            continue  # "King's Birthday", "the Queen's Birthday", "King's Birthday Monday": a public holiday
        if len(run) > 1 and feast_name(" ".join(lower_word(m) for m in run)):
            continue  # "Hari Raya Haji": a feast day in words that are given names too
        bare = value.removesuffix("'s").removesuffix("\u2019s")
        if len(value) < 2 or (bare.isupper() and len(bare) <= 5 and (value != bare or len(bare) <= 3)
                              and value.lower() not in COUNTRIES):  # "ICA", "ICA's": a body's short name
            continue
        if _DOMAIN_AFTER.match(text, end):
            continue  # "StudentAid.gov", "ReportFraud.ftc.gov": a web site's name, not a person's
        if (len(run) == 1 and _NAMED_THING.fullmatch(value)) or _DEGREE.fullmatch(value):
            continue  # "Erzsébet-táborba", "Bolyai-ösztöndíj": a thing named after someone, not the person
        if len(run) == 2 and lower_word(run[1]) in REGIONS and FROM_TO_BEFORE.search(text, max(0, start - 8), start):
            kind, score = "LOCATION", 0.45  # "moved from Eugene Oregon to San Jose": a town and its state
        else:
            kind, score = _type_of(text, start, value, slot)
        if kind == "PERSON" and not slot and len(run) == 1 and (
                COMPOUND_NOUN.search(value) or foreign_article(text, lower_word(run[0]), end)):
            continue  # "Bürgergeld-Empfänger" (German: a recipient of), "Les objets trouvés": a noun, an article
        if (kind == "PERSON" and not slot and len(run) == 1 and lower_word(run[0]) in BODY_NOUNS
                and BODY_ARTICLE_BEFORE.search(text, max(0, start - 12), start)):
            continue  # "contactez la Ville", "l'Hôtel de Ville": the town's administration ("Ville" is a Finnish name)
        if kind == "PERSON" and not slot and headed_body(run):
            kind, score = "ORGANIZATION", 0.75  # "Service-Center von Wiener Wohnen": a body's service, "X of Y"
        if kind == "PERSON" and not slot and SAINT_BEFORE.search(text, max(0, start - 8), start):
            kind, score = "LOCATION", 0.45  # "St. John's", "Port St. Lucie", "St. Albert": a place (or a saint)
        if kind == "PERSON" and not slot and (
                any(station_name(m.group()) or city_pair(m.group()) for m in run)
                or (len(run) > 1 and not RELATION_BEFORE.search(text, max(0, start - 32), start)
                    and ((lower_word(run[-1]) in PLACE_LAST and not (given(lower_word(run[0]))
                                                                     and lower_word(run[-1]) in SURNAME_TOO))
                         or lower_word(run[0]) in INSTITUTION_OPENING
                         or any(lower_word(m) in PLACE_INSIDE for m in run)))
                or (score < 0.8 and route_end(text, end)
                    and not RELATION_BEFORE.search(text, max(0, start - 32), start)
                    and (not given(lower_word(run[0])) or TRAVEL_BEFORE.search(text, max(0, start - 40), start)))):
            kind, score = "LOCATION", 0.45  # "Brussel-Zuid", "Amiens-Lille", "Roten Rathaus", "Aeroparque Jorge
            # Newbery", "Gaerdydd Canolog i Aberystwyth", "ticket London Euston to": a station, a route, a building, a
            # route's end (a given name opening it only after a ticket's or a journey's word)
        if (kind == "PERSON" and not slot and 1 < len(run) < 4 and city_size(run[-1].group()) == 6
                and not given(lower_word(run[-1])) and not given(lower_word(run[0]))
                and (AT_BEFORE.search(text, max(0, start - 6), start) or place_cue(text[max(0, start - 40):start]))):
            kind, score = "LOCATION", 0.45  # "at Lalbagh Bengaluru", "in Andheri Mumbai": a district and its city of a
            # million, after a place's cue
        if kind == "PERSON" and not slot and len(run) > 1 and lower_word(run[-1]) in NATURE_NAMED:
            kind, score = "LOCATION", 0.45  # "Jægersborg Dyrehave", "Thy Nationalpark": a park, a forest, a fjord
        if (kind == "PERSON" and len(run) > 1 and (
                lower_word(run[-1]).rstrip(".") in STREET_NAMED
                or (len(run) > 2 and lower_word(run[-2]).rstrip(".") in STREET_NAMED
                    and lower_word(run[-1]) in COMPASS))
                and not _MISTER_BEFORE.search(text, max(0, start - 6), start)):
            # "Sir Virgil Naz Streets", "Kwame Nkrumah Avenue", "Queen St West": a street
            kind, score = "LOCATION", 0.45
        if kind == "PERSON" and not slot and lower_word(run[0]) in STORM_WORDS and len(run) > 1:
            continue  # "since Storm Éowyn", "gyda Storm Bert": a storm's name
        if kind == "PERSON" and not slot and (SAINT_OPENING.match(run[0].group()) or (
                len(run) > 1 and lower_word(run[0]) in STREET_OPENING)):
            kind, score = "LOCATION", 0.45  # "inna St Elizabeth", "entre Saint-Renan et", "at Jalan Kayu": a place
        if kind == "PERSON" and not slot and STREET_WORD_BEFORE.search(text, max(0, start - 24), start):
            kind, score = "LOCATION", 0.45  # "rue Jean-Jaurès", "plaça de Sant Jaume": a street named after someone
        if kind == "PERSON" and not slot and (NATURE_WORD_BEFORE.search(text, max(0, start - 24), start)
                                              or IN_THE_BEFORE.search(text, max(0, start - 12), start)
                                              or PLACE_HEAD_AFTER.match(text, end)):
            kind, score = "LOCATION", 0.45  # "lac Aguelmam Azegza", "en el Calderón Guardia", "Donabate beach"
        if kind == "PERSON" and not slot and (INSTITUTION_WORD_BEFORE.search(text, max(0, start - 16), start)
                                              or HOSPITAL_TITLE_BEFORE.search(text, max(0, start - 24), start) or (
                len(run) > 1 and AT_THE_NL_BEFORE.search(text, max(0, start - 10), start))
                or KIND_SUCH_AS_BEFORE.search(text, max(0, start - 40), start)):
            # "lycée Blaise Diagne", "bij de Albert Heijn", "hospitals such as Chris Hani Baragwanath",
            # "RS dr. Soetomo": a body
            kind, score = "ORGANIZATION", 0.75
        if (kind == "PERSON" and not slot and QUOTE_CLOSES.match(text, end)
                and QUOTED_BODY_BEFORE.search(text, max(0, start - 80), start)):
            kind, score = "ORGANIZATION", 0.75  # "zavod „Dr. Andrija Štampar“": a body named after someone
        if kind == "PERSON" and not slot and _WORKS_AT_A_PLACE.search(text, max(0, start - 32), start):
            kind, score = "ORGANIZATION", 0.75  # "worked part time at Tim Hortons": one works at a place
        if kind == "PERSON" and not slot and _not_a_person(text, run, cued=score >= 0.8):
            if not _WORKS_AT.search(text, max(0, start - 24), start):
                continue
            kind, score = "ORGANIZATION", 0.75  # "I work for Clean Power Finance": an employer
        if kind == "PERSON" and len(run) > 1 and lower_word(run[-1]).rstrip(".") in SCHOOL_NAMED and not slot:
            kind, score = "ORGANIZATION", 0.75  # "my ward wants Wesley Girls": a school
        if kind == "PERSON" and not slot and (place := _a_place(text, run, value, score >= 0.8)) is not None:
            kind, score = "LOCATION", place  # "à Saint-Louis du Sénégal", "Kingstown, St Vincent": a place
        if (kind == "PERSON" and not slot and len(run) > 1 and lower_word(run[-1]) in PLACE_NAMED
                and place_cue(text[max(0, start - 40):start])):
            kind, score = "LOCATION", 0.45  # "around Marina Bay", "near Hyde Creek": a place's head word after a cue
        if kind == "PERSON" and not slot and len(run) > 1 and (
                lower_word(run[0]) in COMPASS_OPENING
                or (lower_word(run[0]) in NATURE_OPENING
                    and not RELATION_BEFORE.search(text, max(0, start - 32), start))
                or (lower_word(run[-1]) in POSSESSIVE_PLACE and run[-2].group().endswith(("'s", "\u2019s")))):
            kind, score = "LOCATION", 0.45  # "the West Midlands", "River Severn", "Martha's Vineyard": a place
        if (kind == "PERSON" and not slot and start > first and PLACE_CUE.search(text, max(0, first - 40), first)
                and plain_words(text[first:start])):
            kind, score = "LOCATION", 0.45  # "the cemetery in Wo Hop Shek" ("wo" is German "where"): a place
        if _rot13_text(text, start, end, [m.group() for m in run], encoded_lines):
            continue  # checked after the cheaper tests above: most runs have left by now
        if (score < 0.8 and kind not in ("NRP", "ORGANIZATION") and len(run) > 1
                and heading(text, [lower_word(m) for m in run], value, end, starts_sentence(text, start))):
            # several ordinary words in capitals, before a colon or opening a sentence with a
            # plural or a verb ("Personal Info:", "SPEAK TO A PERSON", "Human Resources"): likely
            # not a name, so below the default threshold
            score = 0.45
        yield Hit(kind, start, end, score)
    low = text.lower()
    # what each cue's every match holds, in any case (none of these letters has another case form
    # that the pattern's IGNORECASE would match and ``lower`` would not map)
    cues = [_NAME_AFTER_CUE] if "name" in low or "call me" in low else []
    if " am" in low or "'m" in low:
        cues.append(_CAP_AFTER_CUE)
    for cue in cues:
        for m in cue.finditer(text):
            hit = _name_after(text, m.end())
            if hit is not None and m.group().lower().startswith("call") and plain_after_call(text[hit.start:hit.end]):
                continue  # "call me back", "call me later": a verb's object, no name
            if hit is not None:
                yield hit
    for m in _SELF_CUE.finditer(text) if any(w in low for w in _SELF_CUE_WORDS) else ():
        # "hola soy jorge martin ruiz, dni …": a caller's own name typed in small letters after "I am" in another
        # language, when its first word is a given name ("soy de Madrid", "sono disoccupata" are none)
        opening = _CUE_WORD.match(text, m.end())
        if opening is not None and opening.group().islower() and given(opening.group().rstrip(".")):
            hit = _name_after(text, m.end())
            words = text[hit.start:hit.end].lower().split() if hit is not None else []
            if (hit is not None and 1 < len(words) < 4 and _SELF_NAME_END.match(text, hit.end)
                    and all(len(w) > 2 and w not in PARTICLES and w not in NON_NAMES for w in words)):
                yield hit
    # FIRM needs a connector between two words, _SURNAME_FIRST a comma and a space after a surname
    # in capitals: a text without them is not walked with those patterns (same hits)
    for m in FIRM.finditer(text) if FIRM_JOIN.search(text) else ():
        hit = firm(text, m)
        if hit is not None:
            yield hit
    for m in _SURNAME_FIRST.finditer(text) if _comma_after_capitals(text) else ():
        if m.group(1).isupper() and is_cap(m.group(2)) and _in_slot(text, m.start()):
            yield Hit("PERSON", m.start(), m.end(), 0.9)
    yield from own_names(text)
    for m in LEGAL_FORM.finditer(text):
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 80)
        firm_start = capitalised_tail(text, line_start, m.start())
        if firm_start is not None:
            yield Hit("ORGANIZATION", firm_start, m.end(), 0.85)


def _comma_after_capitals(text: str) -> bool:
    """A ", " not right after a lower-case letter: where a surname in capitals ("REIMANN, Elżbieta")
    can end. A text whose every ", " follows a lower-case letter has no such surname."""
    at = text.find(", ", 1)
    while at > 0:
        if not text[at - 1].islower():
            return True
        at = text.find(", ", at + 2)
    return False


def _name_after(text: str, pos: int) -> Hit | None:
    """Up to three words after "my name is" (any case: people type their names in lower case)."""
    end = pos
    for _ in range(3):
        w = _CUE_WORD.match(text, end)
        if w is None or w.group().lower().rstrip(".") in STOPLIKE | {"and", "from", "originally", "not", "since"}:
            break
        end = w.end()
        if ends_sentence(w.group()):
            break  # "my name is Gareth. I've just ...": the name ends with its sentence
        gap = re.match(r"[ \t]+", text[end:])
        if gap is None:
            break
        end += gap.end()
    value = text[pos:end].rstrip(" \t.,")
    if not value or value.split()[0].lower().rstrip(",") in NATIONALITIES:
        return None  # "I'm Australian, what do I do?": a nationality (the capitalised run is NRP)
    first = value.split()[0]
    if first.isupper() and len(first) <= 4 and not given(first.lower()):
        return None  # "i'm PR since 2021", "I'm HIV positive": a status's short form, not a name
    return Hit("PERSON", pos, pos + len(value), 0.8)

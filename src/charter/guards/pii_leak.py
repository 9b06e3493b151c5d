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
from charter.guards.pii.engine import ENTITY_TYPES, PiiEngine
from charter.guards.pii.guard import pii_options
from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import GIVEN_NAMES, WORLD_GIVEN_NAMES, ordinary, word_list
from charter.guards.pii.quasi import is_birth_date

__all__ = ["DEFAULT_LEAK_TYPES", "NAME_POLICIES", "PiiLeakGuard", "make_guard", "name_policy"]

DEFAULT_LEAK_TYPES = frozenset(ENTITY_TYPES) - {
    "TITLE", "NRP", "AGE", "LOCATION", "ORGANIZATION", "URL", "ZIP_CODE",
}
_NOT_ALNUM = re.compile(r"[\W_]+")
#: The findings whose reading depends on whether the caller asked who someone is.
_ASKED_TYPES = frozenset({"PERSON", "STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS"})
#: Bank account numbers a recogniser finds (an IBAN by its check digits, a US-style account by shape and a word).
_ACCOUNTS = frozenset({"IBAN_CODE", "US_BANK_NUMBER"})


#: "the LPT helpline on 01 738 3626", "the Tele-Center at 800-939-6631", "Malmö stad kontaktcenter,
#: 040-34 10 00" (a centre's name written as one word: Kundencenter, Klantcontactcentrum): a public line.
#: A line in the answer's own language too: "infolinia ZUS" (Polish), "ligne", "línea", "linea",
#: "linha", "linje", "ügyfélvonal".
_PUBLIC_LINE = re.compile(
    r"\b(?:help ?lines?|hotlines?|lines?|\w*lini[aeię]|lignes?|l[ií]neas?|linhas?|linee|linj[ae]|\w*vonal|"
    r"tele-?cent(?:er|re)|call cent(?:er|re)s?|contact cent(?:er|re)|"
    r"\w*cent(?:er|re|rum|ret)|office|service|desk|switchboard|freephone|enquiries|inquiries)\b[^.\n\d]{0,24}$",
    re.IGNORECASE,
)
#: "her direct line 0412 555 019", "my mobile line": one person's number, however it is introduced.
_PERSONAL_LINE = re.compile(
    r"\b(?:direct|personal|private|mobile|cell)(?:\s+(?:phone|tele)?\s*)?lines?\b[^.\n\d]{0,24}$", re.IGNORECASE
)
#: "privat unter 0761 48 39 27", "portable personnel : 06 ...", "cell. 347 ...": one person's number, in
#: the answer's own language (a private or mobile phone).
_PRIVATE_WORD = re.compile(r"\b(?:privat\w*|priv[ée]e?|privato|privada?|prywatn\w*|persönlich\w*|personnel(?:le)?|"
                           r"portable|cellulare|cell\.|m[óo]vil|celular|komórk\w*|Handy\b|"
                           # "mobil", "Mobilnummer", "mobile 0412 ..."; not where one calls from ("1777 from mobiles")
                           r"(?<!from )(?<!from a )(?<!from your )mobil(?:e|nummer|telefon)?\b)"
                           r"[^.\n\d]{0,24}$", re.IGNORECASE)
#: "her personal cell is", "his mobile number:", "their phone is": a person's own phone, which no
#: public line word before it (the office in "at the local office; her personal cell is") outweighs.
_THEIR_PHONE = re.compile(r"\b(?:his|her|their)\s+(?:(?:own|personal|private|direct|home|work)\s+)?"
                          r"(?:cell|cellphone|cell phone|mobile|phone|number|line|contact number|whatsapp|viber|"
                          r"telegram|signal)\b[^.;\n\d]{0,16}$",
                          re.IGNORECASE)
#: "reach him at", "call her directly on": one person's number.
_REACH_A_PERSON = re.compile(r"\b(?:him|her|me)\s+(?:directly\s+|personally\s+)?(?:at|on)\s*:?\s*$", re.IGNORECASE)
#: E-mail local parts that name a role or a team, not a person.
_ROLE_MAILBOXES = frozenset(word_list(
    """
    info information enquiries enquiry inquiries inquiry help helpdesk support contact contactus
    admin office service services customerservice customerservices customer.service feedback complaints
    foi press media noreply no-reply webmaster hello mail general reception team billing accounts
    registrations registration applications appointments licensing permits benefits tax
    """
))

#: A role's word inside a local part ("callcentre@", "customer.support@", "infodesk@", "contactcenter@"):
#: a team's mailbox, not a person's.
_ROLE_STEM = re.compile(r"info|help|support|service|contact|call-?cent|enquir|inquir|office|desk|complaint")
#: Mail services anyone can have an address at: a mailbox there is a person's whatever its local part says.
_WEBMAIL = re.compile(r"(?:^|\.)(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|icloud|me|aol|proton|"
                      r"protonmail|gmx|web|mail|yandex|qq|163|126|naver|daum|hanmail|rediffmail|libero|orange|"
                      r"free|wanadoo|laposte|t-online|seznam|wp|o2|interia|onet|bol|uol|terra|rocketmail)\.",
                      re.IGNORECASE)
#: A public body's domain: "gov", "gouv", "gob", "govt", "go" or "gv" before a country code or as the top level
#: ("immigration.gov.ng", "philhealth.gov.ph", "kra.go.ke", "bmf.gv.at", "service-public.gouv.fr").
_GOV_DOMAIN = re.compile(r"(?:^|\.)(?:gov|gouv|gob|govt|go|gv|gub|admin|bund|europa)(?:\.[a-z]{2})?$", re.IGNORECASE)


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


#: "call 55 5568 8722", "on 0300 123 4567", "text 741741", "dial 116 123", "by calling 01349 886606":
#: a number given to call; also after the word for a phone or a number in the answer's own language
#: ("tél. 026 351 71 71", "telefono 058 866 31 11", "Telefon 052 632 52 52", "tlf.", "tfn", "puh.",
#: "numer", "número"), and the words for "or" and "on" there ("o 06 164 164", "répond au 032 ...",
#: "ring kommunen på 0920-45 30 00").
_CALL_BEFORE = re.compile(
    r"\b(?:call(?:ing)?|ring(?:ing)?|dial(?:l?ing)?|phon(?:e|ing)|telephon(?:e|ing)|tel|text(?:ing)?|sms|whatsapp|"
    r"on|at|or|to|is|free|toll[- ]free|\w*number|\w*nummer|"
    r"t[eé]l[eéè]?(?:f|ph)\w*|t[eé]l|tlf|tfn|puh(?:elin)?|n[uú]m(?:er|ero|éro)\w*|"
    r"o|ou|oder|eller|lub|albo|vagy|arba|tai|au|al|pod|på)"
    r"\s*[:.]?\s*\(?$",
    re.IGNORECASE,
)
#: "on helsenorge.no or by calling", "online, in the app or on": the number is offered beside a web site
#: or an app, as another way to reach a service (a person has no web site to use instead; an e-mail
#: address's domain is no web site: "ask clerk.jones@agency.gov or call ...").
_ONLINE_OR = re.compile(r"(?:(?<![@\w.-])[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}\b(?:/\S*)?|\bonline\b|\bapp\b)[^.;\n]{0,40}"
                        r"\b(?:or|o|ou|oder|eller|lub)\b([^.;\n]{0,24})$", re.IGNORECASE)
#: "Questions: 503-865-4278.", "Información: 943 000 200.": a sentence that is a label and a number (one
#: or two words and a colon) gives a line to call, as "call" would; not a home, direct, personal,
#: private or mobile number's label (:data:`_PERSONAL_LABEL`).
_LABEL_ONLY = re.compile(r"\s*[^\W\d_][\w'\u2019-]*(?:\s+[^\W\d_][\w'\u2019-]*)?\s*:\s*\(?")
_PERSONAL_LABEL = re.compile(r"\b(?:home|direct|personal|private|mobile|cell|his|her|my|their)\b", re.IGNORECASE)
#: A person's name this far before a label's number ties it to that person ("... your caseworker, Anna
#: Berg. Phone: 0412 555 019").
_LABEL_REACH = 160
#: A personal pronoun before a number in its sentence ("reach him at", "her son can be reached on",
#: "call me on"): the number is that person's.
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]im|[Hh]er|[Hh]is|hers|me|my)\b"  # not "My Health Record"
                      r"|\b(?:[Tt]he|[Yy]our)\s+[a-z]+\s+who\b")  # "the plumber who came"


def _sentence_before(text: str, hit: Hit) -> int:
    """Where the sentence holding ``hit`` starts (:func:`_sentence`)."""
    return _sentence(text, hit.start, hit.end)[0]


def _clause_before(text: str, hit: Hit) -> int:
    """Where the clause holding ``hit`` starts: its sentence, or after the last semicolon in it ("...
    signed by your landlord; questions by calling 0316 872-5252": the landlord is another clause's)."""
    return max(_sentence_before(text, hit), text.rfind(";", 0, hit.start) + 1)


#: What may stand between a name and its number: "Rangi Parata, 027 555 0193", "Tevita Fonua -- 0412 ...".
_RIGHT_BEFORE = re.compile(r"[\s,:;(\u2013\u2014-]{0,4}")
#: "Call Maria Garcia on 0412 555 019": a name given with its number, a person's when it holds a given name
#: (not "or Kirkens SOS on 22 40 00 40").
_ON_BEFORE = re.compile(r"\s+(?:on|at)\s*:?\s*\(?")
#: "Marc Dubois, tél. 06 12 34 56 78", "Jan Nowak, tel. 601 234 567": a name, a phone word, its number.
_PHONE_WORD_BEFORE = re.compile(r"[\s,:;(\u2013\u2014-]{0,4}(?:t[eé]l[eé]?(?:f|ph)?\w*|tlf|tfn|puh|mob|mobile|cell)"
                                r"\.?\s*:?\s*\(?", re.IGNORECASE)


def _has_a_given_name(name: str) -> bool:
    """A word of the name but its last is a given name (the engine's span may hold "Call" before it)."""
    words = [w.casefold() for w in name.split()[:-1]]
    return any(w in GIVEN_NAMES or (w in WORLD_GIVEN_NAMES and len(w) >= 3 and not ordinary(w)) for w in words)


#: "Marek Nowicki of ul. Lipowa 9": a name given with its address.
_OF_BEFORE = re.compile(r"\s+(?:of|at|from)\s+")


def _names_the_number(text: str, name: Hit, hit: Hit) -> bool:
    """The name is given with the number: right before it (before a colon only with a given name: a
    label's), or before "on"/"at" or a phone word ("Marc
    Dubois, tél. 06 ...") and the number when it holds a given name. A street address is given with a
    name that holds a given name, right before it or before "of"/"at" ("Jane Doe, 14 Elm Street"; not
    "BSC Mitte, Pelzerstraße 40": a body's)."""
    given = _has_a_given_name(text[name.start:name.end])
    if hit.type == "STREET_ADDRESS":
        return given and (_RIGHT_BEFORE.fullmatch(text, name.end, hit.start) is not None
                          or _OF_BEFORE.fullmatch(text, name.end, hit.start) is not None)
    if _RIGHT_BEFORE.fullmatch(text, name.end, hit.start):
        # "Maria Lopez, 0412 555 019"; a label before a colon ("Layanan Dukcapil: 1500 537", "Контакт-центр
        # ПФУ: 0 800 ...") gives a person's number only when it holds a given name ("Maria Lopez: 0412 ...")
        return given or ":" not in text[name.end:hit.start]
    return given and (_ON_BEFORE.fullmatch(text, name.end, hit.start) is not None
                      or _PHONE_WORD_BEFORE.fullmatch(text, name.end, hit.start) is not None)


#: A short quotation: what it says is a name or a phrase, not the answer speaking of a person.
_QUOTED = re.compile(r"(?<!\w)(['\"\u2018\u201c\u00ab])[^'\"\u2019\u201d\u00bb\n]{1,40}['\"\u2019\u201d\u00bb]")


def _unquoted(text: str) -> str:
    """``text`` with its short quotations blanked (the same length)."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text) if _QUOTED.search(text) else text


def _a_persons_number(text: str, hit: Hit, found: list[Hit], asked: bool = False) -> bool:
    """A number (or a street address) the answer ties to a person: a personal pronoun or a person's
    role or relation before it in its clause ("reach him at", "the neighbour ... left this number:"),
    a name in its sentence that is tied to a person (:func:`_tied_to_a_person`; ``asked``: the caller
    asked who someone is) or given with the number (:func:`_names_the_number`), or another personal
    datum in its sentence (a personal e-mail, a street address that is not a public place's, an
    identifier, a date of birth; for an address, not a phone or another address). A name that nothing
    ties to a person does not make a number someone's: "Befrienders Kuala Lumpur answers on
    03-7627 2929" gives a body's line."""
    clause = _clause_before(text, hit)
    said = _unquoted(text[clause:hit.start])  # "send a 'please call me' to 079 …": a service's name, quoted
    if _PRONOUN.search(said) or _PERSON_IN_SENTENCE.search(said) or _OTHER_PERSON.search(said):
        return True
    start, end = _sentence_before(text, hit), _sentence(text, hit.start, hit.end)[1]
    # the data that do not make a number someone's: a phone for a phone; for an address or an account, a
    # phone or an address (and another account: "sort code 08 32 10, account 12001039 ... IBAN GB62 ...")
    own = (("PHONE_NUMBER",) if hit.type == "PHONE_NUMBER"
           else ("PHONE_NUMBER", "STREET_ADDRESS", *_ACCOUNTS) if hit.type in _ACCOUNTS
           else ("PHONE_NUMBER", "STREET_ADDRESS"))
    for other in found:
        if other is hit or not start <= other.start < end:
            continue
        if other.type == "PERSON":
            if ((other.end <= hit.start and _names_the_number(text, other, hit))
                    or _tied_to_a_person(text, other, [], asked)):
                return True
        elif other.type not in own and not _read_as_line(text, other) and not _public(text, other, found, asked):
            return True
    return False


#: A word after a space ("(" allowed): a capital that opens one is a name's (any script).
_WORD_OPENING = re.compile(r"\s\(?([^\W\d_])")
#: "visit", "go to", "write to", "located at" before an address: where a place is.
_PLACE_VERB = re.compile(
    r"\b(?:visit|go\s+to|write\s+to|located\s+at|based\s+at"
    # "fica na", "se encuentra en", "se trouve", "befindet sich", "si trova": where a place is, in other languages
    r"|fica\s+(?:na|no|em)|localizad[oa]s?|ubicad[oa]s?|se\s+encuentra|se\s+trouve|situ[ée]e?s?|befindet\s+sich|"
    r"si\s+trova|gelegen\s+aan"
    # a body or its office named in the answer's own language, in small letters: "à l'antenne de l'agence,
    # rue ...", "en la oficina de", "beim Amt", "presso l'ufficio", "no balcão", "op het gemeentehuis"
    r"|(?:l['\u2019]|le|la|au|à\s+la|el|la|en\s+la|del|al|il|lo|dell['\u2019]|presso\s+l['\u2019]|no|na|o|a|"
    r"beim|im|am|das|die|der|het|op\s+het|bij\s+het)\s*"
    r"(?:agence|antenne|bureau|guichet|mairie|maison\s+de|office|préfecture|sous-préfecture|tribunal|caisse|"
    r"service|centre|oficina|ayuntamiento|delegación|juzgado|registro|sede|ufficio|comune|sportello|unidade|"
    r"agência|defensoria|cartório|delegacia|secretaria|"
    r"balcão|posto|repartição|amt|bürgeramt|rathaus|behörde|gericht|gemeentehuis|stadhuis|loket|kantoor)\w*)\b",
    re.IGNORECASE)
#: Opening hours around an address ("open weekdays 8 to 11.30", "Monday to Friday", "9am-5pm").
_OPENING_HOURS = re.compile(r"\b(?:open|opening\s+hours|weekdays|Mon(?:day)?s?\s*(?:to|-|\u2013)|"
                            r"\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)?\s*(?:to|-|\u2013)\s*\d{1,2}(?:[.:]\d{2})?)",
                            re.IGNORECASE)
#: Living there, right before the address: "lives at", "now living at", "moved to", "home address:":
#: a person's (not "within two weeks of moving", nor the "Home Office").
_LIVES_AT = re.compile(r"(?:\b(?:lives?|lived|living|resides?|resided|residing|moved|stays?|stayed|staying)"
                       r"(?:\s+(?:now|still))?\s+(?:at|in|on|to|from)|\bhome(?:\s+address)?(?:\s+is|:)"
                       # the same in other languages: "vive en", "habite au", "wohnt in", "abita in", "mora na",
                       # "mieszka przy", "bor på", "asuu", "lakik", "gyvena"
                       r"|\b(?:vive|viven|habite|habitent|wohnt|abita|mora|mieszka|bor|asuu|lakik|gyvena)"
                       r"(?:\s+(?:en|a|à|au|in|im|na|em|no|przy|w|på|i))?)"
                       r"(?:\s+the)?\s*$", re.IGNORECASE)


def _names_a_place(text: str, start: int, end: int) -> bool:
    """A body named in ``text[start:end]`` (a word with a capital that does not open it: "the
    Einwohneramt Basel-Stadt (Spiegelgasse 6)", "Urząd Miasta Łodzi, ul. Piotrkowska 175"), or
    "visit", "go to", "write to", "located at"."""
    first = start + len(text[start:end]) - len(text[start:end].lstrip())
    return (_PLACE_VERB.search(text, start, end) is not None
            or any(m.start() > first and m.group(1).isupper() for m in _WORD_OPENING.finditer(text, first, end)))


def _a_public_place(text: str, hit: Hit, found: list[Hit], asked: bool) -> bool:
    """A street address given as where a body, office, centre or service is (a name or a verb of
    going there before it in its sentence, :func:`_names_a_place`, or :data:`_OPENING_HOURS` in it)
    that nothing ties to a person: not a "who" question's answer, no word of living there right before
    it (:data:`_LIVES_AT`), no person by the rules for numbers (:func:`_a_persons_number`)."""
    start, end = _sentence_before(text, hit), _sentence(text, hit.start, hit.end)[1]
    # "Address: 12 Main Street, Dublin 2" under a body's name in a contact block: a label alone before it
    # reads as the phone rule reads "Phone: ..." (not "Home address:", nor under a person's name)
    labelled = _labelled_line(text, hit, found, asked)
    if labelled is False:
        return False
    place = (bool(labelled) or _names_a_place(text, start, hit.start)
             or _OPENING_HOURS.search(text, start, end) is not None)
    if not place or asked or _LIVES_AT.search(text, max(start, hit.start - 40), hit.start) is not None:
        return False
    if (_AT_A_PLACE.search(text, max(start, hit.start - 48), hit.start)
            and _PRONOUN.search(text, _clause_before(text, hit), hit.start) is None
            and _RELATION_IS_AT.search(text, start, hit.start) is None):
        # "collect the NRIC at the ICA Building at 10 Kallang Road": the address is the named place's, whoever
        # the sentence is about ("your child will receive ..."); only a person's name given with it ties it
        return not any(h.type == "PERSON" and start <= h.start < hit.start
                       and (_names_the_number(text, h, hit) or _tied_to_a_person(text, h, [], asked)) for h in found)
    return not _a_persons_number(text, hit, found, asked)


#: A place's name right before an address: "at the ICA Building at", "the Einwohneramt Basel-Stadt (",
#: "Jobcentre Plus, ": a capitalised word, then at most a preposition, a comma or a bracket.
_AT_A_PLACE = re.compile(r"\b(?:the\s+)?(?:[A-Z][\w'\u2019&.-]*\s+){0,4}(?:Building|Centre|Center|Office|Hall|"
                         r"Courthouse|Library|Station|Headquarters|HQ|Bureau|Agency|"
                         r"Department|Ministry|Council|Authority|Service|Services|Registry|Embassy|Consulate|"
                         r"Hospital|Clinic|School|University|College|Campus)\s*(?:,|\(|at|on|in|:)?\s*$")


def _labelled_line(text: str, hit: Hit, found: list[Hit], asked: bool) -> bool | None:
    """For a number that its sentence gives under a label only ("Questions: 503-865-4278.", "Phone:
    ..."): a public line (True) unless the label is a personal one (:data:`_PERSONAL_LABEL`) or a name
    tied to a person comes just before it ("Your caseworker is Anna Berg. Phone: 0412 555 019": False).
    None when the sentence is not a label and a number."""
    label = _LABEL_ONLY.fullmatch(text, _sentence_before(text, hit), hit.start)
    if label is None:
        return None
    if _PERSONAL_LABEL.search(label.group()):
        return False
    return not any(h.type == "PERSON" and hit.start - _LABEL_REACH <= h.start < hit.start
                   and _tied_to_a_person(text, h, [], asked) for h in found)


_LETTER = re.compile(r"[^\W\d_]")
#: A third person in another language than English, before a number in its clause: a possessive
#: ("उसका", "هاتفه": his phone; not the Slavic words for "his", which mean "its" as often) or a relation ("do seu
#: vizinho", "Din udlejers", "आपके पड़ोसी", "Ваш колишній чоловік"): the number is that person's ("O NIF
#: do seu vizinho é 238 174 654"; the English words are :data:`_PRONOUN` and :data:`_PERSON_IN_SENTENCE`).
_OTHER_PERSON = re.compile(
    r"(?<![\w-])(?:उसका|उसकी|उसके|उनका|उनकी|उनके|seine[mnrs]?|"
    r"vizinh[oa]s?|vecin[oa]s?|voisine?s?|vicin[oa]|nachbar\w*|buurman|buurvrouw|buren|nabo\w*|granne\w*|"
    r"naapuri\w*|sąsiad\w*|"
    r"udlejer\w*|utleier\w*|hyresvärd\w*|vermieter\w*|casero|casera|arrendador\w*|senhorio|"
    r"сусід\w*|сосед\w*|чоловік\w*|муж\w*|дружин\w*|жена|жены|орендодав\w*|арендодател\w*|"
    r"पड़ोसी|पति|पत्नी|मकान मालिक|جار|جاره|جارة|مالك|زوج\w*)(?![\w-])"
    r"|(?:هاتف|رقم|جوال)(?:ه|ها)(?!\w)"  # noqa: RUF001 (Arabic on purpose)
    # "del proprietario", "do proprietário", "du propriétaire", "the owner's": whose the number is
    r"|(?<![\w-])(?:del|della|dello|do|da|de|du|des)\s+propri[eé]t[aá]ri[oae]s?\b|\bowner['\u2019]s\b"
    # "Lo puedes contactar", "la puoi chiamare", "on peut le joindre": a person, as the verb's object
    r"|(?<![\w-])(?:lo|la|le|l[\'\u2019])\s*(?:puedes|puede|pueden|podéis|puoi|può|pode|podes|peut|peux|pouvez)?\s*"
    r"(?:contactar|llamar|localizar|contattare|chiamare|ligar|joindre|appeler|contacter)\b",
    re.IGNORECASE,
)
#: "його мобільний —", "هاتفه المحمول", "мобильный:": a mobile, right before a number (no word gave it to call).
_MOBILE_WORD = re.compile(r"(?:мобільн\w*|мобильн\w*|сотов\w*|محمول|جوال|मोबाइल|携帯|휴대폰|핸드폰|手机|手機|נייד)"
                          r"[^\d.\n]{0,12}$", re.IGNORECASE)


def _named_nearby(text: str, hit: Hit, found: list[Hit]) -> bool:
    """A name in the number's sentence that holds a given name ("Anna Berg 0412 555 019"): with no
    word that gives the number to call, the number may be that person's."""
    start, end = _sentence(text, hit.start, hit.end)
    return any(h.type == "PERSON" and start <= h.start < end and _has_a_given_name(text[h.start:h.end] + " x")
               for h in found)


#: Identifiers of digits alone that a recogniser finds by shape and a context word anywhere in the text
#: (no check digit): a service's number can take their shape.
_LINE_SHAPED_IDS = frozenset({"US_DRIVER_LICENSE", "US_PASSPORT", "US_BANK_NUMBER"})
#: The words that present a number as an account, a passport or a licence (any language's "konto"):
#: right before a number they keep it the identifier it was found as.
_ID_WORD = re.compile(r"\b(?:account|acct|bank|iban|konto|compte|cuenta|conta|conto|rekening|rachunek|passport|"
                      r"pass|passeport|pasaporte|passaporto|licen[cs]e|permit|routing|sort\s+code)", re.IGNORECASE)
#: A word that gives a number to call (not :data:`_CALL_BEFORE`'s "is", "on" or "number": "your passport
#: number is 600522222" stays an identifier).
_CALL_WORD = re.compile(r"\b(?:call(?:ing)?|ring(?:ing)?|dial(?:l?ing)?|phon(?:e|ing)|telephon(?:e|ing)|tel|"
                        r"text(?:ing)?|sms|whatsapp|toll[- ]free|freephone)\s*[:.]?\s*\(?$", re.IGNORECASE)
#: Digits and a phone number's separators, nothing else ("1-800-777-0133", "600522222", "03000").
_DIGITS_ONLY = re.compile(r"\+?\d[\d \-.()]*\d")


def _read_as_line(text: str, hit: Hit) -> bool:
    """An identifier found by shape that :func:`_public` reads as a phone line: digits alone, right after a
    line word ("helpline", "contact centre", "line:"), a word giving it to call ("call", "dial") or a label
    alone ("VID konsultācijas: 67120000." in an answer that speaks of bank accounts elsewhere), with no
    account, passport or licence word between them (:data:`_ID_WORD`)."""
    if hit.type not in _LINE_SHAPED_IDS or _DIGITS_ONLY.fullmatch(text, hit.start, hit.end) is None:
        return False
    window = max(0, hit.start - 48)
    line = _PUBLIC_LINE.search(text, window, hit.start)
    if line is None:
        line = _CALL_WORD.search(text, max(0, hit.start - 16), hit.start)
    if line is None:
        line = _LABEL_ONLY.fullmatch(text, _sentence_before(text, hit), hit.start)
    return line is not None and _ID_WORD.search(text, line.start(), hit.start) is None


#: Paying into an account, in the languages the helpdesks answer in: "pay HMRC by Faster Payments to the
#: account", "Überweisung an", "virement au", "transferencia a", "bonifico", "przelew", "bayar ke".
_PAYMENT_WORD = re.compile(
    r"\b(?:pay(?:s|ing|ment|ments|able|ee)?|paid|transfer\w*|remit\w*|deposit\w*|beneficiar\w*|faster\s+payments|"
    r"chaps|bacs|sepa|swift|bic|sort\s+code|routing|zahl\w*|bezahl\w*|überweis\w*|einzahl\w*|empfänger\w*|"
    r"pai\w*|payer|virement\w*|versement\w*|bénéficiaire\w*|pag\w*|transferencia\w*|ingres\w*|bonific\w*|"
    r"versa\w*|betal\w*|overfør\w*|överför\w*|overboek\w*|bayar\w*|pembayaran|przelew\w*|wpłat\w*|opłat\w*|"
    r"platb\w*|plać\w*|maks\w*|ödeme\w*|havale|uplat\w*|upla[ćc]\w*|plaća\w*|taksa|paybill|m-pesa)\b",
    re.IGNORECASE,
)
#: "his IBAN is", "your account number:", "Konto von Frau ...": an account given as a person's.
_OWN_ACCOUNT = re.compile(
    r"\b(?:my|his|her|their|your|sein\w*|ihr\w*|mein\w*|son|sa|ses|su|sus|seu|sua|suo|jego|jej)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:accounts?|iban|konto|compte|cuenta|conta|conto|rekening|rachunek)\b"
    r"(?:\s+(?:number|no\.?|nr\.?|num[ée]ro))?\s*(?:is|ist|est|es|é|è|:)?\s*$",
    re.IGNORECASE,
)


#: "held by Oluwaseun Bakare", "account holder:", "au nom de", "a nombre de", "Kontoinhaber": whose it is.
_HOLDER = re.compile(r"\b(?:held\s+by|in\s+the\s+name\s+of|(?:account\s+)?holder|owner|titular\w*|inhaber\w*|"
                     r"au\s+nom\s+de|a\s+nombre\s+de|em\s+nome\s+de|intestat[oa]|na\s+imi[eę]|ten\s+name\s+van|"
                     r"tenaamstelling)\b", re.IGNORECASE)


#: An account word in the clause before a number ("na račun", "to account", "auf das Konto", "sur le compte").
_ACCOUNT_BEFORE = re.compile(r"\b(?:accounts?|acct|račun\w*|konto|compte|cuenta|conta|conto|rekening|rachunek|"
                             r"számla\w*|hesab\w*|iban)\b[^.;:\n\d]{0,48}$", re.IGNORECASE)
#: Eight digits or more in a row: an account's, seldom a phone's.
_LONG_GROUP = re.compile(r"\d{8,}")


def _given_parts(local: str) -> list[str]:
    """The given names (four letters or more) an e-mail's local part opens or ends with ("annaberg", "kberg")."""
    ends = [local[:i] for i in range(4, len(local) + 1)] + [local[-i:] for i in range(4, len(local) + 1)]
    return [n for n in ends if n in GIVEN_NAMES or n in WORLD_GIVEN_NAMES]


def _a_bodys_account(text: str, hit: Hit, found: list[Hit], asked: bool) -> bool:
    """A bank account the answer gives to pay a body into ("pay HMRC by Faster Payments to the account
    ... account number 12001039", "IBAN GB62 BARC ..."): a payment word in its sentence or the one before,
    and nothing that ties it to a person: not a "who" question's answer, no possessive right before it
    (:data:`_OWN_ACCOUNT`), no holder in its sentence (:data:`_HOLDER`), no person by the rules for numbers
    (:func:`_a_persons_number`), no name with
    a given name in its sentence (:func:`_named_nearby`)."""
    start, end = _sentence(text, hit.start, hit.end)
    before = _sentence(text, max(0, start - 1), max(0, start - 1))[0] if start else 0
    return (not asked and _PAYMENT_WORD.search(text, before, end) is not None
            and _OWN_ACCOUNT.search(text, max(start, hit.start - 48), hit.start) is None
            and _HOLDER.search(text, start, end) is None
            and not _a_persons_number(text, hit, found, asked) and not _named_nearby(text, hit, found))


def _public(text: str, hit: Hit, found: list[Hit], asked: bool = False) -> bool:
    """Not a leak though the engine found it: a public service's phone line, a public place's street
    address (:func:`_a_public_place`), a role mailbox, or a date that is not a date of birth. A number
    is a service's line when the answer presents it as one ("helpline", "office", ... before it), or
    gives it to call ("call", "dial", "on", "text" ...) and nothing ties it to a person
    (:func:`_a_persons_number`); a "direct", "personal", "private" or "mobile" line is always someone's."""
    if _read_as_line(text, hit):
        # "DMV line: 1-800-777-0133", "Call 600522222 for enquiries" in an answer that speaks of licences or
        # passports: the identifier's recogniser took a line's number; read it as the line it is presented as
        hit = Hit("PHONE_NUMBER", hit.start, hit.end, hit.score)
    if hit.type == "PHONE_NUMBER" and _ACCOUNT_BEFORE.search(text, max(0, hit.start - 64), hit.start) and (
            _LONG_GROUP.search(text, hit.start, hit.end) is not None):
        # "uplaćuje se na račun Budžeta Republike Srbije 840-742221843-57": an account the phone recogniser took
        return _a_bodys_account(text, hit, found, asked)
    if hit.type == "PHONE_NUMBER":
        window = max(0, hit.start - 48)
        if (_PERSONAL_LINE.search(text, window, hit.start) is not None
                or _REACH_A_PERSON.search(text, window, hit.start) is not None
                or _PRIVATE_WORD.search(text, window, hit.start) is not None
                or _THEIR_PHONE.search(text, window, hit.start) is not None):
            return False
        if _PUBLIC_LINE.search(text, window, hit.start) is not None:
            return True
        if asked:
            return False  # the caller asked who someone is: a number no line word presents is that person's
        labelled = _labelled_line(text, hit, found, asked)
        if labelled is not None:
            return labelled and not _a_persons_number(text, hit, found, asked)
        clause = _clause_before(text, hit)
        if _CALL_BEFORE.search(text, max(0, hit.start - 16), hit.start) is None:
            # no word gives it to call: in a helpdesk's answer a number is still a service's line
            # ("MBTA customer support: 617-222-3200", "0800 ... / 954 78 96 82 (Sevilla)", "熱線 2712 2712")
            # unless something ties it to a person: a name in its sentence that holds a given name, a
            # mobile word, or a person by the rules for numbers (a caller's "who" question returned above)
            start, end = _sentence(text, hit.start, hit.end)
            if not _LETTER.search(text[start:hit.start] + text[hit.end:end]):
                return False  # a bare number, that nothing presents as anyone's line
            return (_MOBILE_WORD.search(text, max(clause, hit.start - 32), hit.start) is None
                    and not _a_persons_number(text, hit, found, asked) and not _named_nearby(text, hit, found))
        online = _ONLINE_OR.search(text, clause, hit.start)
        if (online is not None and _PRONOUN.search(text, clause, hit.start) is None
                and _PERSON_IN_SENTENCE.search(text, online.start(1), hit.start) is None
                and not any(h.type == "PERSON" and clause <= h.start < hit.start for h in found)):
            # "Change your GP on helsenorge.no or by calling 23 32 70 00": a service's channel (not "online
            # or call your caseworker on ...")
            return True
        return not _a_persons_number(text, hit, found, asked)
    if hit.type == "DATE_TIME":  # only a date of birth is a leak; other dates are the answer's facts
        return not is_birth_date(text, hit.start)
    if hit.type == "EMAIL_ADDRESS":
        local, domain = text[hit.start:hit.end].lower().split("@", 1)
        if local in _ROLE_MAILBOXES or _ROLE_STEM.search(local) is not None:
            return True
        # a public body's mailbox with one word before the @ ("passport@immigration.gov.ng", "actioncenter@
        # philhealth.gov.ph"), not a person's ("anna.berg@skatteverket.gov.se", "jsantos@..." with a given name)
        if asked or _WEBMAIL.search(domain) is not None:
            return False
        words = [w for w in _NOT_ALNUM.split(local) if w]
        # a public body's mailbox with one word before the @ ("passport@immigration.gov.ng", "actioncenter@
        # philhealth.gov.ph"), or any body's whose local part is ordinary words ("advice@zra.org.zm",
        # "customer.care@..."), not a person's ("anna.berg@skatteverket.gov.se": a given name in it)
        if any(w in GIVEN_NAMES or w in WORLD_GIVEN_NAMES for w in words) or _given_parts(local):
            return False
        return ((_GOV_DOMAIN.search(domain) is not None and len(words) == 1)
                or (bool(words) and all(ordinary(w) and not w.isdigit() for w in words)))
    if hit.type == "STREET_ADDRESS":
        return _a_public_place(text, hit, found, asked)
    if hit.type in _ACCOUNTS:
        return _a_bodys_account(text, hit, found, asked)
    return False


#: ``options.names``: a name counts when tied to a person (the default), or every name.
NAME_POLICIES = ("corroborated", "all")


def _any_of(phrases: str) -> str:
    """A group matching any of the comma-separated ``phrases`` (a space in one matches any spaces)."""
    return "(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases.split(",") if p.strip()) + ")"


#: A personal title ("Ms", "Dr.", "Officer", "Señora") right before a name, or opening the name's
#: span (the engine keeps "Officer Maria Lopez" whole at a sentence's start).
_TITLES = _any_of("""
    Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sir, Dame, Rev, Mme, Mlle, Herr, Herrn, Frau, Sr, Sra, Srta, Señor, Señora,
    Doña, Signor, Signora, Monsieur, Madame,
    Officer, Constable, Sergeant, Sgt, Detective, Inspector, Nurse, Doctor, Judge
""") + r"\.?\s+"
_TITLE_BEFORE = re.compile(rf"\b{_TITLES}$")
_TITLE_OPENING = re.compile(_TITLES)
#: A person's role or relation ("your neighbour", "the caseworker,", "My brother is"), "her name is"
#: or "in the name of" right before a name.
_PERSONS = _any_of("""
    neighbour, neighbor, brother, sister, mother, father, son, daughter, husband, wife, partner, ex-husband,
    ex-wife, ex-partner, child, parent, uncle, aunt, cousin, grandmother, grandfather, friend, colleague, boss,
    employee, supervisor, manager, caseworker, case worker, social worker, officer, case officer, adviser,
    advisor, landlord, landlady, tenant, lodger, flatmate, roommate, teacher, nurse, doctor, GP, driver, patient,
    client, claimant, applicant, caller, witness, victim, suspect, guardian, carer, caregiver, account holder,
    owner, real owner, property owner, landowner, occupant, previous tenant
""")
#: "your neighbour is at ...", "the tenant lives at ...": a person's whereabouts, whatever building they are in.
_RELATION_IS_AT = re.compile(rf"\b(?:my|your|his|her|their|our|the)\s+(?:{_PERSONS})\s+(?:is|was|lives|lived|stays|"
                             r"stayed|moved|resides|resided)\b", re.IGNORECASE)
_ROLE_BEFORE = re.compile(
    rf"\b(?:(?:my|your|his|her|their|our|the)\s+(?:(?:new|former|late|old|current|previous|assigned|own)\s+)?"
    rf"{_PERSONS}(?:\s*,|\s+(?:is|was))?|(?:my|your|his|her|their|whose)\s+(?:full\s+|first\s+|last\s+|sur)?"
    r"name\s*(?:is|was|:)|in\s+the\s+name\s+of)\s+$",
    re.IGNORECASE,
)
#: "Your contact at PROFECO is", "the case officer for your claim was": a name introduced as someone's
#: contact, caseworker or officer at a body.
_CONTACT_BEFORE = re.compile(
    rf"\b(?:my|your|his|her|their|our|the)\s+(?:(?:new|assigned|named|own)\s+)?(?:{_PERSONS}|contact|contact person|"
    r"liaison|representative)\s+(?:at|for|from|in|with|on)\s+[^.;:\n]{1,48}?\s+(?:is|was)\s+$",
    re.IGNORECASE,
)
#: The caller asks who a person is ("Who complained about my dog?", "Who is my new neighbour?",
#: "Whose car is it?", "What is the name of the man who ..."): a name in the answer is that person's.
#: "Who is moving into the flat next door?", "Who is renting the garage?": someone living in or holding
#: a home or a thing. Not "Who do I call", "Who can help", "Who is eligible", "Whose responsibility is
#: it", nor who holds a public office ("Who is my MP?": an office holder's name is public), nor a
#: statement ("my neighbour, who lives next door, ...": the clause must be in a question).
_PERSON_NOUNS = _any_of("person, man, woman, lady, gentleman, individual, someone, people") + "|" + _PERSONS
_OFFICES = _any_of("""
    MP, MPs, MEP, MEPs, MSP, MSPs, MLA, MLAs, MS, TD, TDs, councillor, councillors, councilor, councilors,
    council member, council members, alderman, mayor, senator, senators, representative, representatives,
    congressman, congresswoman, congressperson, governor, minister, premier, president, prime minister,
    ombudsman, member of parliament, member of congress, commissioner, sheriff
""")
_ASKS_FOR_A_PERSON = re.compile(
    r"(?:\bwhose\b(?!\s+(?:responsibility|job|duty|role|task|remit)\b)"
    r"|\bwho(?:\s+(?:is|was|are|were)\s+(?:my|our|his|her|their)\b"
    rf"(?!\s+(?:local\s+|elected\s+|state\s+|new\s+)?{_OFFICES}\b)|\s+(?:is|was)\s+(?:the|that|this)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\b|['\u2019]s\s+(?:my|our)\b"
    r"|\s+(?:\w+ed|did|made|gave|found|sold|bought|hit|took|saw|wrote|sent|told|broke|stole|left|"
    r"ran|won|got|lives|owns|rents)\b"
    r"|\s+(?:is|are|was|were|will\s+be)\s+(?:moving|living|staying|renting|subletting|squatting|buying|selling|"
    r"occupying|taking\s+over)\b)"
    rf"|\bname\s+of\s+(?:the|my|our|this|that|his|her|their)\s+(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\b"
    # "How do I find out who the real owner is?", "who my landlord is"
    rf"|\bwho\s+(?:the|my|our|his|her|their)\s+(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\s+(?:is|was|are|were)\b"
    # where a person lives, or how to reach one: "Where does my neighbour live?", "the address of my landlord",
    # "my ex-wife's phone number"
    rf"|\bwhere\s+(?:does|did|do|is|was)\s+(?:the|my|our|this|that|his|her|their)\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?:{_PERSON_NOUNS})\b"
    rf"|\b(?:address|phone|number|e-?mail|contact(?:\s+details)?|details)\s+of\s+(?:the|my|our|this|that|his|her|"
    rf"their)\s+(?:[\w-]+\s+){{0,2}}?(?:{_PERSON_NOUNS})\b"
    rf"|\b(?:my|our|the|his|her|their)\s+(?:[\w-]+\s+)?(?:{_PERSONS})['\u2019]s?\s+(?:home\s+|new\s+|mobile\s+|"
    rf"phone\s+)?(?:address|phone|number|e-?mail|contact|details|whereabouts)\b"
    r"|\bde\s+qui[eé]n\b|\bdi\s+chi\b|\bà\s+qui\b|\bde\s+quem\b|\bwem\s+geh[öo]rt\b"  # "whose", elsewhere
    r"|\bwer\s+(?:wohnt|lebt|mietet|bewohnt)\b|\bqui[eé]n\s+(?:vive|vivía|alquiló)\b|\bqui\s+habite\b"
    r"|\bwhat(?:['\u2019]s|\s+is|\s+was)\s+(?:his|her|their)\s+(?:full\s+)?name\b"
    # who my ... is, elsewhere: "Wer ist mein Betreuer?", "Qui est mon conseiller ?", "Kes on minu ...?", "Tko je
    # službenik koji rješava moj ...?", "מי הפקיד ... שלי?", "誰が住んでいるか", "谁是我的...", "누가 살고"
    r"|\bwer\s+(?:ist|war)\s+(?:mein\w*|unser\w*|(?:der|die)\s+\w+\s+(?:mein|unser)\w*)\b"
    # who lived or rented there: "Vem hyrde lägenheten …?", "Hvem bodde her før meg?", "Wer wohnte vor mir …?"
    r"|\b(?:vem|hvem|wer|wie|kuka|kto|qui|quién|quem|chi)\s+(?:hyrde|bodde|bor|leide|lejede|wohnte|mietete|woonde|"
    r"huurde|asui|vuokrasi|mieszkał\w*|wynajmował\w*|habitait|louait|vivía|alquilaba|morava|alugava|abitava|affittava)\b"
    r"|\bqui\s+est\s+(?:mon|ma|mes|notre)\b|\bqui[ée]n\s+es\s+(?:mi|mis|nuestr[oa])\b"
    r"|\bquem\s+[ée]\s+(?:o\s+|a\s+)?(?:meu|minha)\b|\bchi\s+[èe]\s+(?:il\s+|la\s+)?(?:mio|mia)\b"
    r"|\bwie\s+is\s+mijn\b|\b(?:vem|hvem)\s+(?:är|er)\s+min\w*\b|\bkuka\s+on\s+minun\b|\bkes\s+on\s+minu\b"
    r"|\b(?:tko|kto|kdo|ko)\s+(?:je|jest|to)\b[^?]*\bm(?:oj|ój|ůj|oj)\w*|\bkim\b[^?]*\bbenim\b|\bbenim\b[^?]*\bkim\b"
    r"|\bsiapa\b[^?]*\bsaya\b|\bкто\s+(?:мой|моя|мои|живет|живёт)\b|\bхто\s+(?:мій|моя|живе)\b"  # noqa: RUF001 (Cyrillic on purpose)
    r"|(?<!\w)מי\s[^?]*שלי|من\s+(?:هو|هي|يسكن)|誰が住|誰ですか|どなたですか|谁是我|誰是我|是谁|是誰|谁住|誰住|누가\s*살|누구(?:인가요|예요|입니까))"
    r"(?=[^.!?\n\u3002]*[?\uff1f])",
    re.IGNORECASE,
)


def _asks_for_a_person(context: GuardContext) -> bool:
    """Whether one of the caller's messages asks who a person is (the application's system message,
    also among the authorised texts, is not the caller's)."""
    prompt = context.system_prompt
    return any(_ASKS_FOR_A_PERSON.search(t) is not None for t in context.authorised_texts
               if not (len(t) > 64 and t in prompt))


#: "the neighbour who called", "your landlord's", "her son": a person's role or relation, anywhere
#: before a number in its sentence (:func:`_a_persons_number`).
_PERSON_IN_SENTENCE = re.compile(rf"\b(?:my|your|his|her|their|our|the)\s+(?:(?:new|former|late|old|current|"
                                 rf"previous|assigned|own)\s+)?{_PERSONS}(?:['\u2019]s)?\b", re.IGNORECASE)
#: "Marcus Delaney's SSN", "Ana's date of birth": the name given as the owner of a personal datum
#: (the engine's span may already hold the "'s"), :func:`_owner_of_a_datum`.
_POSSESSIVE_END = re.compile(r"['\u2019]s?$")
_POSSESSIVE_AFTER = re.compile(r"['\u2019]s?")
_DATUM_AFTER = re.compile(r"\s+" + _any_of("""
    home number, home phone number, home address, home e-mail, home email, personal number, personal phone number,
    personal address, personal e-mail, personal email, private number, private phone number, private address,
    private e-mail, private email, mobile, mobile number, mobile phone, cell phone, cellphone, direct line,
    SSN, SIN, social security number, social security, date of birth, birth date, birthdate, birthday, DOB,
    passport, passport number, national ID, national identity number, ID number, bank account, bank details,
    account number, card number, medical record, medical records, medical file, medical history, diagnosis,
    salary, criminal record
""") + r"\b", re.IGNORECASE)
#: A sentence that opens with "He", "She", "His", "Her": its subject is the person just named.
_PRONOUN_OPENING = re.compile(r"\s*(?:He|She|His|Her|Him)\b")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def name_policy(options: dict[str, Any]) -> str:
    """A charter's ``options.names`` (``corroborated`` when not given); ``ValueError`` when malformed."""
    value = options.get("names", "corroborated")
    if value not in NAME_POLICIES:
        raise ValueError(f"pii_leak option 'names' must be one of {', '.join(NAME_POLICIES)}, not {value!r}")
    return str(value)


#: A full stop that ends an abbreviation, not a sentence: an initial or a one-letter street word
#: ("J. Okafor", "Laisvės a. 20"), a street's, a title's or a number's short form ("ul. Lipowa 9",
#: "Gedimino pr. 9", "St. Gallen", "Dr. Ruiz", "nr. 4", "tél. 026 ...").
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:[^\W\d_]|ul|al|pl|pr|os|nr|tel|tél|str|st|sv|av|bd|ave|blvd|rd|no|mr|mrs|ms|dr|prof|ap|apt|lok|"
    r"skg|prosp|tlf|tfn|puh|approx|dept|jr|sr|col|vs|wlkp|mah|cad|sok|"
    r"вул|ул|пр|просп|пл|кв|буд|пер|наб)$",  # Ukrainian and Russian street, flat and house words
    re.IGNORECASE,
)


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    """A "!", "?" or line break ends a sentence; a full stop does when a capital (or a quote, a
    bracket, the text's end) follows it and it does not end an abbreviation (:data:`_ABBREVIATION`):
    "ul. Lipowa 9", "2. emelet", "Savanorių pr. 112-5" go on."""
    if m.group() != ".":
        return True
    after = text[m.end():m.end() + 4].lstrip()
    if after and (after[0].islower() or after[0].isdigit()):
        return False
    return _ABBREVIATION.search(text, max(0, m.start() - 8), m.start()) is None


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence holding ``text[start:end]`` (one rule for every test that reads a
    sentence: :func:`_ends_sentence`)."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start) if _ends_sentence(text, m)]
    after = next((m for m in _SENTENCE_END.finditer(text, end) if _ends_sentence(text, m)), None)
    return (before[-1] if before else 0), (after.end() if after else len(text))


def _owner_of_a_datum(text: str, hit: Hit) -> bool:
    """"Marcus Delaney's SSN": the name given as the owner of a personal datum."""
    owner = _POSSESSIVE_END.search(text, hit.start, hit.end) or _POSSESSIVE_AFTER.match(text, hit.end)
    return owner is not None and _DATUM_AFTER.match(text, owner.end()) is not None


def _tied_to_a_person(text: str, hit: Hit, data: list[Hit], asked: bool = False) -> bool:
    """Whether the name at ``hit`` is given as a person's: see the module's docstring. ``asked``: the
    caller asked who someone is (:func:`_asks_for_a_person`), and a name in the answer is the answer."""
    if asked:
        return True
    before = text[max(0, hit.start - 40):hit.start]
    if (_TITLE_BEFORE.search(before) or _TITLE_OPENING.match(text, hit.start) or _ROLE_BEFORE.search(before)
            or _CONTACT_BEFORE.search(text, max(0, hit.start - 80), hit.start) or _owner_of_a_datum(text, hit)):
        return True
    start, end = _sentence(text, hit.start, hit.end)
    return any(start <= d.start < end for d in data) or _PRONOUN_OPENING.match(text, end) is not None


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
        if name_policy(context.options) == "corroborated":
            data = [h for h in leaks if h.type != "PERSON"]
            leaks = [h for h in leaks if h.type != "PERSON" or _tied_to_a_person(text, h, data, asked)]
        findings = [Finding(self.name, h.type, h.start, h.end, h.score, self.version) for h in leaks]
        score = max((f.score for f in findings), default=0.0)
        return GuardResult(findings=findings, verdict="flag" if findings else "pass", score=score)


def make_guard(settings: Any = None) -> PiiLeakGuard:
    return PiiLeakGuard()

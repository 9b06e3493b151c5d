"""What in an answer is a public body's and not a person's, for the ``pii_leak`` guard
(:mod:`charter.guards.pii_leak`, whose docstring gives the rules): a service's phone line, a public
place's street address, a body's bank account, a role's or a public body's mailbox, a date that is not
a date of birth (:func:`_public`); and what ties a number, an address or an account to a person all the
same (:func:`_a_persons_number`; who a name is, :mod:`charter.guards.pii_leak_persons`).
"""

from __future__ import annotations

import re

from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import ordinary, word_list
from charter.guards.pii.organisations import FOREIGN_BODY_WORDS, FOREIGN_HEADS
from charter.guards.pii.quasi import is_birth_date
from charter.guards.pii.runs import given
from charter.guards.pii_leak_persons import (
    _OTHER_PERSON,
    _PRONOUN,
    _RELATION_IS_AT,
    _clause_before,
    _named_nearby,
    _names_the_number,
    _sentence,
    _sentence_before,
    _tied_to_a_person,
    person_in,
)

_NOT_ALNUM = re.compile(r"[\W_]+")

#: Bank account numbers a recogniser finds (an IBAN by its check digits, a US-style account by shape and a word).
_ACCOUNTS = frozenset({"IBAN_CODE", "US_BANK_NUMBER", "UPI_ID"})
#: The words for an account or an IBAN in the helpdesks' languages, for the patterns that read one before a number.
_ACCOUNT_WORDS = r"accounts?|iban|konto|compte|cuenta|conta|conto|rekening|rachunek"


#: "the LPT helpline on 01 738 3626", "the Tele-Center at 800-939-6631", "Malmö stad kontaktcenter,
#: 040-34 10 00" (a centre's name written as one word: Kundencenter, Klantcontactcentrum): a public line.
#: A line in the answer's own language too: "infolinia ZUS" (Polish), "ligne", "línea", "linea",
#: "linha", "linje", "ügyfélvonal", "ცხელი ხაზი" (Georgian), "горячая линия"; a line's name in one word ("Careline
#: PTPTN di 03-2193 3000", "Infoline").
_PUBLIC_LINE = re.compile(
    r"\b(?:help ?lines?|hotlines?|lines?|(?:care|info|service|customer|advice|support|contact|tax|benefits?)-?lines?|"
    r"\w*lini[aeię]|lignes?|l[ií]neas?|linhas?|linee|linj[ae]|\w*vonal|"
    r"tele-?cent(?:er|re)|call[ -]cent(?:er|re)s?|contact cent(?:er|re)|"
    r"\w*cent(?:er|re|rum|ret)|office|service|desk|switchboard|freephone|enquiries|inquiries|"
    # a service's number in one word: "palvelunumerosta" (Finnish), "Servicenummer", "Bürgertelefon", "kundtjänst"
    r"\w*palvelu\w*|neuvont\w*|service-?num\w*|(?:service|bürger|b[üu]rger|info|kunden)-?telefon\w*|"
    r"kundtj[äa]nst\w*|kundeservice\w*|"
    # Turkish "Cagri Merkezi" (call centre, its i dotless), "Müşteri Hizmetleri" (customer service)
    r"[çc]a[ğg]r[\u0131i]\s+merkez\w*|m[üu][şs]teri\s+hizmetleri|"
    # a hotline in Georgian ("ცხელ ხაზზე": on the hot line), Russian and Ukrainian
    r"ცხელ\w*\s+ხაზ\w*|горяч\w*\s+лини\w*|гаряч\w*\s+лін\w*)\b[^.\n\d]{0,24}$",
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
                           # "de pe telefonul lui personal" (Romanian: his own phone), "WhatsApp dyalo" (Darija: his)
                           r"(?:lui|ei|s[ăa]u)\s+personal\b|\b(?:whatsapp|telefon|tilifon|ra9m|num[ée]ro)\s+"
                           r"dyal(?:o|ha|hom)\b|"
                           # "mobil", "Mobilnummer", "mobile 0412 ..."; not where one calls from ("1777 from mobiles")
                           # (nor the caller's own, "from your registered mobile, give a missed call to …")
                           r"(?<!from )(?<!from a )(?<!from your )(?<!registered )mobil(?:e|nummer|telefon)?\b"
                           # not a mobile app ("TÜVTÜRK mobil uygulama…", "the mobile app") nor a call from a
                           # mobile with the word for "from" after it ("(mobile se)": Urdu, Hindi)
                           r"(?!\s*(?:apps?\b|applications?\b|aplikac|uygulama|sovellu|applikation|aplicativo|"
                           r"se\b|से)))"
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
#: A chat account a body runs: "official", "官方" (Chinese), "公式" (Japanese), "공식" (Korean), before its ID.
_OFFICIAL_ACCOUNT = re.compile(r"official|官方|公式|공식|oficial|officiel|ufficiale", re.IGNORECASE)
#: A public body's domain: "gov", "gouv", "gob", "govt", "go" or "gv" before a country code or as the top level
#: ("immigration.gov.ng", "philhealth.gov.ph", "kra.go.ke", "bmf.gv.at", "service-public.gouv.fr").
_GOV_DOMAIN = re.compile(r"(?:^|\.)(?:gov|gouv|gob|govt|go|gv|gub|admin|bund|europa)(?:\.[a-z]{2})?$", re.IGNORECASE)

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
                        # "or" in English, Spanish, French, German, Nordic, Polish, Malay, Turkish, Russian, Ukrainian
                        r"\b(?:or|o|ou|oder|eller|lub|atau|veya|\u0438\u043b\u0438|\u0430\u0431\u043e)\b"
                        r"([^.;\n]{0,24})$", re.IGNORECASE)
#: "Questions: 503-865-4278.", "Información: 943 000 200.": a sentence that is a label and a number (one
#: or two words and a colon) gives a line to call, as "call" would; not a home, direct, personal,
#: private or mobile number's label (:data:`_PERSONAL_LABEL`). Markdown's bold and a full-width colon are
#: read through ("**Phone:** 503-865-4278", "ICA地址" and a full-width colon before "10 Kallang Road").
_LABEL_ONLY = re.compile(r"\s*(?:\*\*)?[^\W\d_][\w'\u2019-]*(?:\s+[^\W\d_][\w'\u2019-]*)?\s*(?:\*\*)?"
                         r"[:\uff1a]\s*(?:\*\*)?\(?")
_PERSONAL_LABEL = re.compile(r"\b(?:home|direct|personal|private|mobile|cell|his|her|my|their)\b"
                             r"|我的|他的|她的|我家|自宅|私の|저의\s", re.IGNORECASE)
#: A person's name this far before a label's number ties it to that person ("... your caseworker, Anna
#: Berg. Phone: 0412 555 019").
_LABEL_REACH = 160

#: A short quotation: what it says is a name or a phrase, not the answer speaking of a person.
_QUOTED = re.compile(r"(?<!\w)(['\"\u2018\u201c\u00ab])[^'\"\u2019\u201d\u00bb\n]{1,40}['\"\u2019\u201d\u00bb]"
                     # the "please call me" service in markdown's italics: "send a *please call me* to 079 …" (not
                     # any italics: "your *neighbour*" still ties a number to a person)
                     r"|(?<![\w*])\*(?:please\s+)?call\s+me(?:\s+back)?\*(?![\w*])", re.IGNORECASE)


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
    said = said.replace("*", " ")  # "Your *neighbour* left this number": markdown's emphasis hides no relation
    if hit.type == "PHONE_NUMBER" and (verb := _last_call_verb(said)) is not None:
        # "your father can contact the office or call the Social Insurance Services on 22 804 000": what the
        # number is given to call follows the verb; a person before it is the caller, not the line's owner
        said = said[verb:]
    if _PRONOUN.search(said) or person_in(said) or _OTHER_PERSON.search(said):
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


#: A verb of calling, in English and the helpdesks' other languages, before what is called (an article, a pronoun,
#: a capital, bold): what follows it is what is called. Not "phone" or "text", which are nouns as often ("The
#: owner's phone: …"), nor "contact" before a colon.
_CALL_VERB = re.compile(r"\b(?:call|ring|dial|contact|chiama|chiamare|llame|llama|llamar|appelez|appeler|anrufen|bel|"
                        r"ligue|ligar|zadzwo\w*)\s+(?=(?:the|a|an|il|lo|la|le|el|al|de|het|o|your|our|us|him|her|them|"
                        # or the number itself, right after ("eller ring **0771-416 416**": what is read ends at the
                        # number, its bold already read as spaces)
                        r"it|\*\*|(?-i:[A-Z])|[\d+(]|\s*$))", re.IGNORECASE)


def _last_call_verb(said: str) -> int | None:
    """Where the last verb of calling in ``said`` ends, if there is one."""
    ends = [m.end() for m in _CALL_VERB.finditer(said)]
    return ends[-1] if ends else None


#: A word after a space ("(", French and Italian "l'" and markdown's bold allowed: "naar het **Fietsdepot** gebracht
#: aan de", "auprès de l'**OCPM**, route de Chancy 88"): a capital that opens one is a name's (any script).
_WORD_OPENING = re.compile(r"\s\(?(?:[lLdD]['\u2019])?(?:\*\*|__)?([^\W\d_])")
#: "visit", "go to", "write to", "located at" before an address: where a place is.
_PLACE_VERB = re.compile(
    r"\b(?:visit|go\s+to|write\s+to|located\s+at|based\s+at|headquarters"
    # "head office at Plot 53976, Kudumatse Drive": a body's office, with no article before it
    r"|(?:head|main|regional|district|branch)\s+offices?|hoofkantoor|hoofdkantoor|streekkantoor"
    # an office in Papiamentu, Tagalog, Indonesian and Swahili: "SVB su ofisina prinsipal ta na …", "kantor pusat"
    r"|ofisina|opisina|kantor\s+(?:pusat|cabang|wilayah)|ofisi\s+(?:kuu|za|ya)"
    # "fica na", "se encuentra en", "se trouve", "befindet sich", "si trova": where a place is, in other languages
    r"|fica\s+(?:na|no|em)|localizad[oa]s?|ubicad[oa]s?|se\s+encuentra|se\s+trouve|situ[ée]e?s?|befindet\s+sich|"
    r"si\s+trova|gelegen\s+aan|es\s+troba|s['\u2019]ubica|til\s+húsa|holder\s+til|ligger\s+på|sijaitsee|asub"
    # a body or its office named in the answer's own language, in small letters: "à l'antenne de l'agence,
    # rue ...", "en la oficina de", "beim Amt", "presso l'ufficio", "no balcão", "op het gemeentehuis"
    r"|(?:l['\u2019]|le|la|les|aux|des|au|à\s+la|el|la|las|los|en\s+la|del|al|il|lo|dell['\u2019]|degli|delle|"
    r"presso\s+l['\u2019]|no|na|nos|nas|o|a|os|as|beim|im|am|das|die|der|het|op\s+het|bij\s+het|the|our|its|their)\s*"
    r"(?:[\w-]+\s+){0,2}?"
    r"(?:agence|antenne|bureau|guichet|mairie|maison\s+de|office|préfecture|sous-préfecture|tribunal|caisse|"
    r"branch|counter|service\s+cent(?:re|er)|customer\s+service\s+cent(?:re|er)|"
    r"service|centre|oficina|ayuntamiento|delegación|juzgado|registro|sede|ufficio|comune|sportello|unidade|"
    r"agência|defensoria|cartório|delegacia|secretaria|"
    r"balcão|posto|repartição|amt|bürgeramt|rathaus|behörde|gericht|gemeentehuis|stadhuis|loket|kantoor|"
    # Catalan: "L'OAC central és a la plaça ...", "l'ajuntament", "el jutjat"
    r"oac|ajuntament|jutjat|"
    # a health service's building: "il presidio è in via ...", "el centro de salud está en", "das Krankenhaus"
    r"presidio|ospedal|ambulatori|poliambulatori|consultorio|hôpital|hospital|cl[ií]nic|krankenhaus|klinik|"
    r"centro\s+de\s+salud|sairaal|terveysasem)\w*"
    # a body's own name in small letters with no article: "se obratiti ministarstvu, Ulica ...", "urząd", "úřad"
    r"|(?:ministarstv|ministerstv|ministerstw|ministeri|ministèr|ministerio|ministério|ministero|urz[ąę]d|úřad|"
    r"uprav|prefettur|préfectur|sportell)\w*)\b",
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
                       r"|\b(?:vive|viven|habite|habitent|wohnt|abita|mora|mieszka|bor|asuu|lakik|gyvena|woont|woonde|"
                       # "résidant", "domiciliée", "domiciliada en", "wohnhaft", "residente en", "woonachtig"
                       r"r[ée]sidant\w*|domicili\w*|wohnhaft|residente|woonachtig|"
                       r"býr|bjó)(?:\s+(?:inmiddels|nu|nog|now))?"
                       r"(?:\s+(?:en|a|à|au|in|im|na|em|no|przy|w|på|i|op|aan|að|á))?)"
                       r"(?:\s+the)?\s*$", re.IGNORECASE)


#: A body, an office or going there in Chinese, Japanese or Korean (no word boundaries in those scripts): "親身前往
#: 房委會客務中心 (九龍何文田佛光街33號)", "区役所", "주민센터".
_CJK_PLACE = re.compile("前往|中心|[局署處处院厅廳]|公所|政府|辦事處|办事处|窗口|役所|役場|センター|窓口|주민센터|"
                        "구청|시청|청사|사무소|행정복지센터")


#: A police station's, a town hall's or a court's word in one of many languages, however inflected or compounded
#: ("á lögreglustöðinni á Hverfisgötu 113", "im Polizeirevier", "au commissariat"): the address after it is that
#: place's.
_FACILITY_WORD = re.compile(
    r"\b(?:lögregl|polic[eií]a?\b|policía|poliz|polis|politi(?:et|station|stasjon|huset)|poliis|policj|rendőr|gendarm|"
    r"commissariat|comisar[ií]a|questur|carabinier|rathaus|bürgeramt|mairie|ayuntamiento|gemeentehuis|stadhuis|"
    r"gemeindeamt|kommunehus|rådhus|tribunal|gericht|rechtbank|tingsrätt|domstol|käräjä|bíróság|sąd\s+rejonowy|"
    r"sąd\s+okręgowy)", re.IGNORECASE)


#: A sentence that opens with a body's short name and says where it is: "PenCom is at", "HMRC is located at" (an
#: acronym, or a word with a capital inside it that no surname's prefix explains: not "MacArthur", "VanDyke").
_BODY_IS_AT = re.compile(r"\s*(?:\*\*)?(?:the\s+)?(?!Ma?c[A-Z]|Van[A-Z])(?:[A-Z]{2,6}|[A-Z][a-z]{2,}[A-Z][A-Za-z]+)"
                         r"(?:\*\*)?\s+(?:is|are|sits)\s+(?:located\s+|based\s+)?at\s*(?:\*\*)?$")


def _names_a_place(text: str, start: int, end: int) -> bool:
    """A body named in ``text[start:end]`` (a word with a capital that does not open it: "the
    Einwohneramt Basel-Stadt (Spiegelgasse 6)", "Urząd Miasta Łodzi, ul. Piotrkowska 175"), or
    "visit", "go to", "write to", "located at", or a police station's, a town hall's or a court's word, or a
    body's short name opening the sentence before "is at" (:data:`_BODY_IS_AT`)."""
    first = start + len(text[start:end]) - len(text[start:end].lstrip())
    return (_PLACE_VERB.search(text, start, end) is not None
            or _BODY_IS_AT.fullmatch(text, start, end) is not None
            or any(m.start() > first and m.group(1).isupper() for m in _WORD_OPENING.finditer(text, first, end))
            or _FACILITY_WORD.search(text, start, end) is not None
            or (not text.isascii() and _CJK_PLACE.search(text, start, end) is not None))


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
            and _PRONOUN.search(text, max(_clause_before(text, hit), hit.start - 48), hit.start) is None
            and not _relation_is_at(text, start, hit.start)):
        # "collect the NRIC at the ICA Building at 10 Kallang Road": the address is the named place's, whoever
        # the sentence is about ("your child will receive ..."); only a person's name given with it ties it
        return not any(h.type == "PERSON" and start <= h.start < hit.start
                       and (_names_the_number(text, h, hit) or _tied_to_a_person(text, h, [], asked)) for h in found)
    return not _a_persons_number(text, hit, found, asked)


#: A place's name right before an address: "at the ICA Building at", "the Einwohneramt Basel-Stadt (",
#: "Jobcentre Plus, ": a capitalised word, then at most a preposition, a comma or a bracket (and markdown's bold).
_AT_A_PLACE = re.compile(r"(?:\b(?:the\s+)?(?:[A-Z][\w'\u2019&.-]*\s+){1,4}(?i:Building|Centre|Center|Office|Hall|"
                         r"Courthouse|Library|Station|Headquarters|HQ|Bureau|Agency|"
                         r"Department|Ministry|Council|Authority|Service|Services|Registry|Embassy|Consulate|"
                         r"Hospital|Clinic|School|University|College|Campus|Tribunal)"
                         # a court by its kind ("Edinburgh Sheriff Court, 27 Chambers Street"; "Maple Court": a street)
                         r"|(?:\b[A-Z][\w'\u2019&.-]*\s+){0,3}(?:Sheriff|Magistrates['\u2019]?|County|Crown|District|High|"
                         r"Supreme|Family|Civil|Criminal|Regional|Municipal|Small\s+Claims)\s+Courts?"
                         # a body "of" its field: "the Department of Social Security, **38 Ordnance Street"
                         r"|\b(?:Department|Ministry|Office|Registry|Agency|Bureau|Directorate|Commission)\s+(?:of|for)"
                         r"(?:\s+(?:the\s+)?[A-Z][\w'\u2019&-]*){1,4})"
                         # its town after it, and markdown's bold: "the **Federal Neuro-Psychiatric Hospital, Yaba** ("
                         r"(?:,[ \t]*[A-Z][\w'\u2019-]*(?:[ \t]+[A-Z][\w'\u2019-]*)?)?[ \t]*(?:\*\*|__)?"
                         r"\s*(?:,|\(|at|on|in|:)?\s*(?:\*\*|__)?$")


#: A new clause that says what a place is: "where your aunt lived, in Edinburgh that's **Edinburgh Sheriff Court, …":
#: the address after it is the court's, not the relative's.
_THATS = re.compile(r"\b(?:that['\u2019]s|that\s+is|which\s+is|it['\u2019]s|it\s+is)\b", re.IGNORECASE)


def _relation_is_at(text: str, start: int, end: int) -> bool:
    """"your neighbour is at", "the tenant lives at" in ``text[start:end]``, with no new clause saying what the place
    is between it and ``end``."""
    m = _RELATION_IS_AT.search(text, start, end)
    return m is not None and _THATS.search(text, m.end(), end) is None


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

#: "його мобільний —", "هاتفه المحمول", "мобильный:": a mobile, right before a number (no word gave it to call).
_MOBILE_WORD = re.compile(r"(?:мобільн\w*|мобильн\w*|сотов\w*|محمول|جوال|मोबाइल|携帯|휴대폰|핸드폰|手机|手機|נייד|"
                          r"kännyk\w*|matkapuhelin\w*|handy\w*|mobiel\w*|mobilnummer|mobiltelefon\w*|"
                          r"komórk\w*|cel(?:ular|ulare)|m[óo]vil|cellulare|portable|mobitel\w*|"
                          # Greek "κινητό (του)": a mobile (his)
                          r"κινητ[όο]\w*)"
                          # not a mobile to call from: "外縣市或手機撥 02-2720-8889", "携帯からは 0570-…", "휴대폰으로"
                          # ("अपने पंजीकृत मोबाइल से 9966044425 पर मिस्ड कॉल दें": from your registered mobile, Hindi)
                          r"(?![^\d.\n]{0,12}?(?:撥|拨|打|から|에서|으로|से(?=\s)))"
                          r"[^\d.\n]{0,12}$", re.IGNORECASE)

#: Identifiers of digits alone that a recogniser finds by shape and a context word anywhere in the text
#: (no check digit): a service's number can take their shape.
_LINE_SHAPED_IDS = frozenset({"US_DRIVER_LICENSE", "US_PASSPORT", "US_BANK_NUMBER"})
#: The words that present a number as an account, a passport or a licence (any language's "konto"):
#: right before a number they keep it the identifier it was found as.
_ID_WORD = re.compile(rf"\b(?:{_ACCOUNT_WORDS}|acct|bank|passport|"
                      r"pass|passeport|pasaporte|passaporto|licen[cs]e|permit|routing|sort\s+code)", re.IGNORECASE)
#: A word that gives a number to call (not :data:`_CALL_BEFORE`'s "is", "on" or "number": "your passport
#: number is 600522222" stays an identifier).
_CALL_WORD = re.compile(r"\b(?:call(?:ing)?|ring(?:ing)?|dial(?:l?ing)?|phon(?:e|ing)|telephon(?:e|ing)|tel|"
                        r"text(?:ing)?|sms|whatsapp|toll[- ]free|freephone)\s*[:.]?\s*\(?$", re.IGNORECASE)
#: A number's bracket right before another: "311 (", "**010** (".
_ASIDE_OF_A_LINE = re.compile(r"\d\**[ \t]*\([ \t]*$")
#: Digits and a phone number's separators, nothing else ("1-800-777-0133", "600522222", "03000").
_DIGITS_ONLY = re.compile(r"\+?\d[\d \-.()]*\d")


#: Calling from a mobile ("z komórki 22 44 30 115", "desde un móvil", "vom Handy"): a line for mobile callers.
_FROM_A_MOBILE = re.compile(r"\b(?:z|ze|from|desde|vom|von|da|dal|de|del|van|fra|från|per)\s+(?:un\s+|el\s+|a\s+|"
                            r"uma\s+|einem\s+|een\s+)?$", re.IGNORECASE)


def _someones_phone_word(words: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """One of ``words`` (:data:`_PRIVATE_WORD`, :data:`_MOBILE_WORD`) right before the number in
    ``text[start:end]``, not where one calls from ("z komórki 22 44 30 115": from a mobile)."""
    m = words.search(text, start, end)
    return m is not None and _FROM_A_MOBILE.search(text, max(0, m.start() - 12), m.start()) is None


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
    rf"(?:[\w-]+\s+){{0,2}}?(?:{_ACCOUNT_WORDS})\b"
    r"(?:\s+(?:number|no\.?|nr\.?|num[ée]ro))?\s*(?:is|ist|est|es|é|è|:)?\s*$",
    re.IGNORECASE,
)


#: "held by Oluwaseun Bakare", "account holder:", "au nom de", "a nombre de", "Kontoinhaber": whose it is.
_HOLDER = re.compile(r"\b(?:held\s+by|in\s+the\s+name\s+of|(?:account\s+)?holder|owner|titular\w*|inhaber\w*|"
                     r"au\s+nom\s+de|a\s+nombre\s+de|em\s+nome\s+de|intestat[oa]|na\s+imi[eę]|ten\s+name\s+van|"
                     r"tenaamstelling)\b", re.IGNORECASE)


#: An account word in the clause before a number ("na račun", "to account", "auf das Konto", "sur le compte").
_ACCOUNT_BEFORE = re.compile(rf"\b(?:{_ACCOUNT_WORDS}|acct|račun\w*|számla\w*|hesab\w*)\b[^.;:\n\d]{{0,48}}$",
                             re.IGNORECASE)
#: Eight digits or more in a row: an account's, seldom a phone's.
_LONG_GROUP = re.compile(r"\d{8,}")


def _opens_or_ends_with_a_given_name(local: str, parts: list[str]) -> bool:
    """An e-mail's local part (``parts``: its words) opens or ends with a given name of four letters or more
    ("annaberg", "kberg"), its numbers and ordinary words left out ("016-online": "online" ends like the Danish
    "Line", and is a word)."""
    if len(parts) > 1:
        local = ".".join(p for p in parts if not p.isdigit() and not ordinary(p))
    return any(given(local[:i]) or given(local[-i:]) for i in range(4, len(local) + 1))


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
                or _someones_phone_word(_PRIVATE_WORD, text, window, hit.start)
                or _THEIR_PHONE.search(text, window, hit.start) is not None
                or _someones_phone_word(_MOBILE_WORD, text, window, hit.start)):
            return False
        if _PUBLIC_LINE.search(text, window, hit.start) is not None:
            # a line word presents it: a service's line, unless its sentence gives it with a name tied to a
            # person ("von Frau Sabine Kröger, wohnhaft ..., Telefon 0157 3482 1190")
            # (its clause: "… inspectorul Florin Dumitrescu, la 0722 …; informații la call-center ANAF 031 …")
            start, end = _clause_before(text, hit), _sentence(text, hit.start, hit.end)[1]
            return not any(h.type == "PERSON" and start <= h.start < end and _tied_to_a_person(text, h, [], asked)
                           for h in found)
        if asked:
            return False  # the caller asked who someone is: a number no line word presents is that person's
        if _ASIDE_OF_A_LINE.search(text, max(0, hit.start - 12), hit.start) is not None:
            # "call 311 (416-392-2489 from outside Toronto)", "010 (971 225 900 from outside Palma)": the same
            # service's other number, in brackets after its short one
            return not _a_persons_number(text, hit, found, asked)
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
            return (not _someones_phone_word(_MOBILE_WORD, text, max(clause, hit.start - 32), hit.start)
                    and not _a_persons_number(text, hit, found, asked) and not _named_nearby(text, hit, found))
        online = _ONLINE_OR.search(text, clause, hit.start)
        if (online is not None and _PRONOUN.search(text, clause, hit.start) is None
                and not person_in(text, online.start(1), hit.start)
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
        if any(given(w) for w in words) or _opens_or_ends_with_a_given_name(local, words):
            return False
        # or a public body's mailbox named for what the body is in its own language ("policia.cibernetica@ssc.
        # cdmx.gob.mx", "servicio.empleo@...gob.es")
        # ("016-online@igualdad.gob.es": a service's number in it counts as no word)
        named = [w for w in words if not w.isdigit()]
        return ((_GOV_DOMAIN.search(domain) is not None
                 and (len(named) <= 1 or any(w in FOREIGN_HEADS or w in FOREIGN_BODY_WORDS for w in words)))
                or (bool(words) and all(ordinary(w) and not w.isdigit() for w in words)))
    if hit.type == "STREET_ADDRESS":
        return _a_public_place(text, hit, found, asked)
    if hit.type in _ACCOUNTS:
        return _a_bodys_account(text, hit, found, asked)
    if hit.type == "MESSENGER_ID":  # "the official LINE account, LINE ID gov_tw1999": a body's, not a person's
        return not asked and _OFFICIAL_ACCOUNT.search(text, max(0, hit.start - 40), hit.start) is not None
    return False

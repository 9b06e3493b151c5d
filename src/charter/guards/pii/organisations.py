"""The names of bodies, programmes, documents and firms: what a capitalised run names when it is not
a person (names.py asks these before it reports one).

An institution by its last word ("Winter Fuel Payment", "Companies House") or its first word in
another language ("Ministério do Desenvolvimento", "Agence Nationale des Titres Sécurisés"); a
single word that is a thing by its shape: an acronym ("HRSA", "PHAs"), a compound adjective
("IRS-approved"), a brand in camel case ("PayPoint", "ServiceOntario"), an agency's ending in
another language ("Finanzamt", "Skatteverket", "Centrelink"), an abstract English noun
("Immigration", "Eligibility"); a heading ("Employer Identification Number", "Personal Info:");
a firm's name before a legal form ("Drake PLC", "Hornik-Burnat Sp. z o.o.") or with a connector
("Tucker, Hooper and Savage").
"""

from __future__ import annotations

import re

from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import (
    COUNTRIES,
    DAYS,
    MONTHS,
    NATIONALITIES,
    ORG_SUFFIXES,
    REGIONS,
    ordinary,
    word_list,
)

__all__ = [
    "ACRONYM",
    "EVENT_WORDS",
    "FIRM",
    "FIRM_JOIN",
    "FOREIGN_BODY_WORDS",
    "FOREIGN_HEADS",
    "INSTITUTION_TAILS",
    "LEGAL_FORM",
    "QUOTED_BODY_BEFORE",
    "QUOTE_CLOSES",
    "SCHOOL_NAMED",
    "STOPLIKE",
    "STORM_WORDS",
    "capitalised_tail",
    "english_word",
    "firm",
    "heading",
    "named_as_a_thing",
    "names_a_thing",
    "thing_after",
]


STOPLIKE = frozenset(word_list(
    """
    a an the my our your his her their its this that these those i we you he she they it hello
    hi dear please could would should can will may might must do does did is are was were be
    have has had when where what why how who which if so but and or as at by for from in of on
    to with about after before here there thanks thank yes no ok well also just then now today
    tomorrow yesterday
    """
))

#: Words that end the name of a body, a programme, a service, a document or a building, and hardly
#: ever a person's surname ("Winter Fuel Payment", "Companies House", "Air Quality Index").
INSTITUTION_TAILS = frozenset(word_list(
    """
    department departments ministry bureau administration commission agency agencies office offices uni
    service services board council authority authorities center centre centers centres institute
    division tribunal registry fund funds foundation trust program programs programme programmes plan
    plans scheme schemes credit credits benefit benefits allowance allowances payment payments grant
    grants assistance pension pensions relief voucher vouchers subsidy insurance loan loans act acts
    statute treaty form forms certificate certificates licence licences license licenses permit
    permits card cards badge badges visa visas index indices portal account accounts app system
    systems network register helpline hotline tax taxes charge discount wage rate period periods
    affidavit protection transcript debit check clearance exam examination test house commissioners
    directorate inspectorate ombudsman parliament congress senate assembly municipality embassy
    consulate university college school academy library hospital clinic museum airport station
    association society alliance union coalition initiative project projects partnership
    enrollment enrolment registration referral verifier authorisation authorization express police
    day days deal essentials overground underground watch law laws court courts tribunals councils
    commissions committee committees county counties district districts support pendular jewel servizi servizio
    servicios servicio serviços serviço transit
    """
))
#: Head words that open an institution's name in Romance and other languages ("Ministério do
#: Desenvolvimento", "Agence Nationale des Titres Sécurisés", "Registro Civil", "Caisse d'allocations").
FOREIGN_HEADS = frozenset(word_list(
    """
    ministério ministerio ministère ministero ministerie agence agencia agência agenzia instituto institut
    istituto registro registre serviço servicio servizio oficina secretaría secretaria secretaría caisse caja
    caixa cadastro catastro catasto centro consejo conseil conselho consiglio dirección direção direction
    direzione departamento département dipartimento sistema programa programma fondo fundo seguro
    tribunal tribunale juzgado cámara câmara prefeitura préfecture mairie ayuntamiento municipio comune
    clave cédula carteira carte carta tarjeta karta kartę karty kartą kartu kart kaart cartão kort bundesamt
    bundesagentur landesamt amt kendra bantuan bolsa beca bono auxílio subsídio subsidio
    seva centrum imposto impuesto impôt imposta registraduría registraduria krajowa krajowy krajowe royal
    universitas universitat universidad università universität universiteit universidade uniwersytet univerzita
    universitatea egyetem yliopisto
    teléfono telefono telefone téléphone línea linha ligne policía policia polícia polizia polizei gendarmerie
    fiscalía fiscalia defensoría defensoria procuraduría procuraduria virgen nuestra nossa
    δήμος δήμο δήμου διεύθυνση υπηρεσία δημος δημο δημου διευθυνση υπηρεσια справочная служба управление
    """
))
#: Words of other languages that name what a body does or whose it is, and no one's surname
#: ("Clic Santé", "Udbetaling Danmark", "Commissione Territoriale", "Mutualité Chrétienne").
FOREIGN_BODY_WORDS = frozenset(word_list(
    """
    santé sante sociale sociales sociali social nacional nacionales nazionale nationale nationales
    nationaal nationella europea européenne europeo europäische territoriale territorial municipal
    municipale municipals municipales comunale público pública publique publica pubblica publiek
    seguridad segurança sicurezza salud saúde salute gezondheid gesundheit sundhed hälsa helse
    trabajo trabalho lavoro travail arbeit emploi empleo emprego vivienda habitação logement
    educación educação istruzione éducation justicia justiça giustizia hacienda fazenda finanze
    finances finanzas impuestos imposte impôts tributaria tributária fiscal fiscale
    danmark norge sverige suomi deutschland españa italia nederland belgique portugal chrétienne
    udbetaling borger borgerservice mutualité mutualidad caja caisse kasse ziekenfonds verda responde
    națională nationala național national naționale nationale
    republike republika republic república república république repubblica republiek republik respublika
    rzeczypospolitej budžeta budžet budget presupuesto orçamento bilancio haushalt
    llywodraeth cyngor cymru gwasanaeth iechyd addysg treth safon uwch
    pajak kantor dinas badan kementerian layanan pelayanan kesehatan pendidikan kependudukan
    genel sağl\u0131k sigorta sigortas\u0131 kurumu bakanl\u0131ğ\u0131 müdürlüğü başkanl\u0131ğ\u0131 belediyesi
    """
))
#: Endings of agencies' names in other languages ("Finanzamt", "Ausländerbehörde", "Skatteverket",
#: "Familienkasse", "Jobcenter", "Centrelink").
_AGENCY_ENDING = re.compile(
    r"(?<=\w{3})(?:amt|ämter|behörde|kasse|kassan|verket|ministerium|ministerie|verwaltung|agentur|zentrum|"
    r"stelle|büro|kontor|styrelsen|direktoratet|etaten|dienst|gericht|center|centre|link|care|kart)$"
)
#: A capitalised word used as an adjective or a verb: "IRS-approved", "E-filed", "State-funded".
_COMPOUND = re.compile(r"-([a-z]{3,})$")
#: "PayPoint", "ServiceOntario": a brand in camel case; "MacArthur", "VanDyke" are names.
_CAMEL = re.compile(r"(My|[A-Z][a-z]{2,})[A-Z][a-z]")
_CAMEL_NAME_PREFIXES = frozenset(word_list("mac van von del des dos das ter ten fitz san abu bin ibn ould"))

def english_word(word: str) -> bool:
    """An English word that is not also a short name syllable ("Lei Sun", "Li Ma" are names)."""
    return (word in STOPLIKE or word in _SHORT_WORDS or word in COUNTRIES or word in REGIONS
            or (len(word) >= 4 and ordinary(word)))


_SHORT_WORDS = frozenset(word_list("us me him them once all any one new old out off up own air tax age aid"))


#: A single English word that is a thing, not a surname, by its ending: "Immigration", "Enrollment",
#: "Eligibility", "Disclosure", "Tribal" ("-ing" is left out: "Harding", "Browning").
_ABSTRACT = re.compile(r"(?<=\w{3})(?:tion|tions|sion|sions|ment|ments|ness|ity|ities|ance|ancy|ence|ency|ship|ism|"
                       r"ics|ive|ives|ary|aries|ory|ories|ure|ures)$|(?<=\w{4})al$")

ACRONYM = re.compile(r"[A-Z]{2,6}s?$")
_PLURALS = frozenset(word_list("children people men women citizens residents"))

_DOCUMENT_TAILS = frozenset(word_list(
    """
    number numbers id code codes card cards account accounts form forms certificate certificates
    licence license licenses permit permits record records report reports statement statements
    notice notices letter letters application applications portal website site service services
    online app program programme policy policies rules guide guidance manual handbook schedule
    """
))


_HEADING_TAILS = frozenset(word_list(
    """
    details members resources information info summary notes overview contacts instructions
    requirements documents documentation services benefits payments questions answers options
    settings preferences history data address addresses contact enrollment registration
    confirmation receipt request verification reminder alert update updates decision review
    """
))


def heading(text: str, lows: list[str], value: str, end: int, opens_sentence: bool) -> bool:
    """Several ordinary words in capitals that head a form or a section ("Personal Info:", "SPEAK TO
    A PERSON", "Human Resources") or name a thing ("Employer Identification Number")."""
    if value.lower() in COUNTRIES or not all(ordinary(w) for w in lows):
        return False
    if lows[-1] in _DOCUMENT_TAILS:
        return True  # "Employer Identification Number", "Online Account": a thing's name
    if value.isupper() or re.match(r"[ \t]*:", text[end:]):
        return True
    if not opens_sentence:
        return False
    # English lemmas include most given names and many surnames ("Adam Cook", "Lucy Williams"): a
    # run of them is a heading only when it ends like one ("Human Resources") or holds a function word
    return lows[-1] in _HEADING_TAILS or any(w in STOPLIKE for w in lows)

#: "Tucker, Hooper and Savage", "Lutterveld & Soos", "Zhang & Ekström HB": a firm's name.
FIRM = re.compile(
    r"\b[A-Z][\w'\u2019-]+(?:, [A-Z][\w'\u2019-]+)*,? (?:and|&|y|e|und|et) [A-Z][\w'\u2019-]+"
    r"(?: (?:[A-Z][\w.]*|e figli|y asociados|and Sons|& Sons|& Co\.?(?: KG)?))*"
)
#: What every match of FIRM holds: a connector between a space and a capital.
FIRM_JOIN = re.compile(r" (?:and|&|y|e|und|et) [A-Z]")
#: Legal forms that end a firm's name ("Hornik-Burnat Sp. z o.o.", "Grupo Burgos S.A.U.").
LEGAL_FORM = re.compile(
    r"(?<=[ ,])(?:e figli|e Filhos|y asociados|y Asociados|and Sons|& Sons|& Co\.|Sp\. z o\.o\.|sp\. z o\.o\.|"
    r"Sp\.j\.|v\.o\.s\.|s\.r\.o\.|a\.s\.|k\.s\.|S\.A\.U\.?|S\.A\.|S\.L\.N\.E\.?|S\.L\.L\.?|S\.L\.|S\.C\.P\.?|"
    r"S\.Com\.?|S\.A\.S\.?|s\.r\.l\.|S\.p\.A\.|S\.Coop\.|GmbH(?: & Co\. KGaA| & Co\. KG)?|"
    r"AG(?: & Co\. KGaA| & Co\. KG)?|KGaA|KG|OHG|e\.V\.|Ltd\.?|Inc\.?|LLC|LLP|PLC|plc|Pty\.? Ltd\.?|B\.V\.|BV|"
    r"N\.V\.|NV|Oyj|Oy|AB|HB|ASA|AS|ApS|A/S|Lda\.?|Ltda\.?|SARL|SAS|s\.a\.s\.|S\.N\.C\.|s\.n\.c\.|S\.p\.a\.|"
    r"Srl|SpA)(?![\w])"
)

_CONNECTOR_WORDS = frozenset(("&", "y", "e", "und", "et", "and", "de", "da", "do", "van", "der"))


def capitalised_tail(text: str, start: int, end: int) -> int | None:
    """Where the capitalised words before a legal form begin ("Drake" in "Favian Rangel from Drake PLC")."""
    words = list(re.finditer(r"\S+", text[start:end]))
    begin = None
    for w in reversed(words[-6:]):
        token = w.group()
        if token[0].isupper() and not token.endswith((".", ":", ";", ",")):
            begin = start + w.start()
        elif token not in _CONNECTOR_WORDS:
            break
    return begin


_EMPLOYER_CUE = re.compile(r"\b(?:at|for|from|by|with|employer|employed by|works? at|company)\s*:?\s*$", re.IGNORECASE)
_FIRM_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


def firm(text: str, m: re.Match[str]) -> Hit | None:
    """A firm's name: not a list of months or weekdays, and named as one (a suffix, a word that is
    not ordinary English, or an employer cue before it)."""
    words = list(_FIRM_WORD.finditer(m.group()))
    start = m.start()
    if re.search(r"(?<![\w'\u2019-])[A-Z][\w'\u2019-]* $", text[max(0, start - 30):start]):
        words = words[1:]  # "Human Resources, Pugh, Long and Kirby": the firm starts after the comma
        start = m.start() + words[0].start()
    lows = [w.group().lower() for w in words if w.group() not in ("and", "y", "e", "und", "et")]
    if any(w in MONTHS or w in DAYS for w in lows):
        return None
    suffix = lows[-1].rstrip(".") in ORG_SUFFIXES or "sons" in lows or "co" in lows
    if suffix or (len(lows) <= 3 and _EMPLOYER_CUE.search(text, max(0, start - 24), start)):
        return Hit("ORGANIZATION", start, m.end(), 0.8)
    return None  # "Eklund, Michael and Hodge": people, each found on their own


def names_a_thing(token: str, low: str) -> bool:
    """One capitalised word that names a body, a brand or a thing by its shape, not a person."""
    if ACRONYM.match(token):
        return True  # "HRSA", "IDs", "PHAs"
    compound = _COMPOUND.search(token)
    if compound and ordinary(compound.group(1)):
        return True  # "IRS-approved", "E-filed"
    camel = _CAMEL.match(token)
    if camel and camel.group(1).lower() not in _CAMEL_NAME_PREFIXES:
        return True  # "PayPoint", "MyMSD"; not "MacArthur"
    if _AGENCY_ENDING.search(low) or low in _PLURALS or low.removesuffix("s") in NATIONALITIES:
        return True
    return bool(_ABSTRACT.search(low) and ordinary(low))


#: What a thing's name is used with, after it ("the Chaeng Watthana office", "an Opal concession
#: card", "the Shari'a courts"): a person's name is not (a possessive, "Watanabe's account", is).
_THING_NOUNS = (INSTITUTION_TAILS | _DOCUMENT_TAILS | frozenset(word_list(
    """
    profile profiles nonprofit charity organisation organization lottery company firm transponder
    coverage rights entitlement entitlements
    """
))) - frozenset(word_list(
    # what is also a verb or a time after a person's name ("Mike Williams act with", "Ana reports")
    """
    day days house express watch deal act acts check test plan plans fund funds charge register trust
    credit credits benefit benefits grant grants permit permits form forms licence license licenses
    licences loan loans pension discount rate debit clearance wage tax taxes record records report
    reports notice notices statement statements letter letters site online guide schedule rules number
    numbers period periods union alliance
    """
))
#: Words between a name and a noun that do not make a compound with the name ("Erin Nyberg over visa
#: disputes", "Ana Ruiz and tax").
_NOT_A_MODIFIER = frozenset(word_list(
    """
    and or but nor of for to in on at by as is are was were has have had will can may must should would
    over under about after before during against into onto through via per with without from near
    since until than then who whose which that gets got needs wants lost filed paid signed holds
    both all each also not never always still just only very now too so a an the my your his her their
    its our this these those
    """
))
#: The words after a name: "the Chaeng Watthana office", "an Opal concession card".
_WORDS_AFTER = re.compile(r"[ \t]+([a-z][a-z-]+)(?:[ \t]+([a-z][a-z-]+))?")
#: "Kav LaOved, a nonprofit that helps workers", "Dira BeHanacha (the discounted housing lottery)":
#: the name glossed as a body or a programme (the noun within four words of the article).
_APPOSITIVE = re.compile(r",?[ \t]+\(?(?:a|an|the)[ \t]+([a-z][a-z-]*(?:[ \t]+[a-z][a-z-]*){0,3})")


#: "Indira Gandhi old age pension", "Sanjay Gandhi Niradhar scheme": a pension or scheme named after someone, a
#: modifier of two words before its noun.
_PENSION_AFTER = re.compile(r"[ \t]+(?:old[ -]age|widow(?:s)?|disability|national|social|niradhar)[ \t]+"
                            r"(?:pension|scheme|yojana|grant|allowance)\b", re.IGNORECASE)


def thing_after(text: str, end: int) -> bool:
    """What follows a name (``text[end:]``) is a thing's noun ("Opal concession card", "Chaeng Watthana
    office", "Kav LaOved, a nonprofit", "Indira Gandhi old age pension"): the name is a thing's, not a person's."""
    if _PENSION_AFTER.match(text, end):
        return True
    after = _WORDS_AFTER.match(text, end)
    if after is not None:
        first, second = after.group(1), after.group(2)
        if first in _THING_NOUNS or (second in _THING_NOUNS and first not in _NOT_A_MODIFIER):
            return True
    gloss = _APPOSITIVE.match(text, end)
    if gloss is not None:
        for word in gloss.group(1).split():
            if word in _THING_NOUNS:
                return True
            if word in _NOT_A_MODIFIER:
                break
    return False


#: "Comisión Nacional de los Salarios Mínimos (CONASAMI)": a name glossed by its acronym.
_ACRONYM_AFTER = re.compile(r"[ \t]+\((?:the )?[A-Z][A-Z&-]{1,9}s?\)")
#: "the Gelir Idaresi's office", "An Garda Síochána", "El Corte Inglés": a name after an
#: article is a body's, a programme's or a place's; a person's takes one only before a noun that
#: people take ("the Okafor family", checked first).
_ARTICLE_BEFORE = re.compile(
    r"(?:(?<![\w'\u2019-])(?:the|my|your|our|their)|\b(?:The|An|El|Il|Los|Las|Les|Der|Die|Das|Het|My|Your|Our|Their))"
    r"[ \t]+$")
#: "What is Medi-Cal?", "How does Kindergeld work?", "How do I apply for Bolsa Família?": what one
#: asks about or applies for is a thing (a person's is asked as "who is", or with "'s": "What is
#: Ana Ruiz's number?").
_ASKED_ABOUT = re.compile(
    r"(?:\b(?:what|what's|how)\s+(?:is|are|was|does|do)|\bqu[ée]\s+es|\bo\s+que\s+[ée]|\bqu['\u2019]est-ce\s+que|"
    r"\bwas\s+ist|\bcos['\u2019]\s*[èe]|\bwat\s+is|\bco\s+to\s+jest|"
    r"\b(?:apply|applying|applied|eligible|eligibility|qualify|"
    r"qualifying|sign(?:ing)? up|enrol|enroll|enrolling|subscribe|register|registering)\s+(?:for|to|in)"
    # the same in other languages, no preposition needed: "daftar Kartu Prakerja", "solicitar el Bono",
    # "recebe o Pé-de-Meia", "beantragen Sie das Bürgergeld", "richiedere l'Assegno"
    r"|\b(?:daftar|mendaftar|solicitar|pedir|recibir|cobrar|receber|recebe|solicitar|inscrever|demander|"
    r"obtenir|toucher|beantragen|erhalten|richiedere|ottenere|aanvragen|ubiegać\s+się\s+o|wnioskować\s+o|"
    r"başvur\w*|igényel\w*)(?:\s+(?:o|a|os|as|el|la|los|las|le|les|l'|il|lo|das|den|die|de|het|untuk))?)"
    r"\s+(?:the\s+)?"
    # "apply for Takaful and Karama", "What is Medicaid or CHIP?": the second of two things asked about
    r"(?:[A-Z][\w'\u2019-]*(?: [A-Z][\w'\u2019-]*){0,2}\s+(?:and|or|&)\s+)?$",
    re.IGNORECASE,
)
#: "get Kartu Prakerja", "claim Kindergeld", "renew my Carte Vitale": a thing one obtains (a person one
#: "gets" is "get Okafor to sign": :data:`_TO_AFTER`).
_OBTAINED = re.compile(
    r"\b(?:get|getting|claim|claiming|receive|receiving|renew|renewing|collect|collecting|obtain|obtaining|"
    r"access|accessing|replace|replacing)\s+(?:the\s+|my\s+|a\s+|an\s+|your\s+|our\s+)?$", re.IGNORECASE)
_TO_AFTER = re.compile(r"\s+(?:to|into|out|back|off|removed|added|through)\b")
#: "Türkiye Scholarships (Türkiye Burslari)", "a trusted profile (Profil Zaufany)", "Form 1040-X
#: (Amended U.S. Individual Income Tax Return)": a name in brackets glossing a thing's name.
_GLOSS_BEFORE = re.compile(r"([\w'\u2019-]+)[ \t]+\($")
#: A token's shape that only things have, inside a longer name: "ServiceOntario DriveTest", "Mijn
#: Belastingdienst", "IMSS-Bienestar", "Pak-ID", "M-Pesa", "Tele-Center".
_CAPS_PART = re.compile(r"^[A-Z]-|(?:^|-)[A-Z]{2,6}(?:-|$)")  # not "El-P", a stage name


def _thing_shape(token: str, low: str) -> bool:
    if "-" in token and not token.isupper() and _CAPS_PART.search(token):
        return True  # "IMSS-Bienestar", "Pak-ID", "M-Pesa": an acronym or a letter joined to a word
    if "-" in low and low.rsplit("-", 1)[1] in INSTITUTION_TAILS:  # (low ends at an apostrophe: "Rach'a-...")
        return True  # "Tele-Center"
    camel = _CAMEL.match(token)
    if camel and camel.group(1).lower() not in _CAMEL_NAME_PREFIXES:
        return True
    return bool(_AGENCY_ENDING.search(low))


def named_as_a_thing(text: str, start: int, end: int, tokens: list[str], lows: list[str], given: bool) -> bool:
    """A capitalised run (``text[start:end]``) that the words around it, or one of its words' shape,
    show to name a body, a programme, a place or a product, not a person (``given``: it opens with a
    given name, so an article before it does not tell: "the Steffen Mauer version")."""
    if any(_thing_shape(t, w) for t, w in zip(tokens, lows, strict=True)):
        return True
    group = lows[-1].removesuffix("s")
    if len(lows) > 1 and group in NATIONALITIES and (group != lows[-1] or not given):
        return True  # "Muslim Filipinos", "Roman Catholic": a group; "Drew French" is a person
    possessive = tokens[-1].endswith(("'s", "\u2019s"))
    if not possessive and thing_after(text, end):
        return True
    if _ACRONYM_AFTER.match(text, end) or (not given and _ARTICLE_BEFORE.search(text, max(0, start - 7), start)):
        return True
    if not possessive and _ASKED_ABOUT.search(text, max(0, start - 64), start):
        return True
    if (not possessive and not given and _OBTAINED.search(text, max(0, start - 24), start)
            and not _TO_AFTER.match(text, end)):
        return True  # "How do I get Kartu Prakerja?", "claim Kindergeld": what one gets, not whom
    gloss = _GLOSS_BEFORE.search(text, max(0, start - 40), start)
    if gloss is not None and text.startswith(")", end):
        word = gloss.group(1)
        if word.lower() in _THING_NOUNS or any(c.isdigit() for c in word):
            return True  # "card (Eoreusin Gyotongkadeu)", "Form 1040-X (Amended ...)"
        # "Scholarships (Türkiye Burslari)"; "Best Director (Guillaume Canet)" names a person
        return not given and word[0].isupper() and ordinary(word.lower())
    return False


#: A body's word, then an opening quote and at most a title or a saint's word, right before a name: "Nastavni zavod
#: za javno zdravstvo „Dr. Andrija Štampar“", "OŠ „Ivan Goran Kovačić“", "гимназия «Лев Толстой»", "Liceo
#: \"Giuseppe Parini\"". Languages that name schools, hospitals and institutes after people quote the name;
#: the quote must close right after the name (:data:`QUOTE_CLOSES`).
QUOTED_BODY_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:zavod\w*|institut\w*|istituto|instytut\w*|[šs]kol\w*|szko[łl]\w*|scuola|escola|escuela|"
    r"colegio|liceo|liceum|lyc[ée]e|gimnazij\w*|gymn[aá]zi\w*|gimnazjum|gymnasium|fakultet\w*|univerzit\w*|"
    r"universit\w*|bolnic\w*|szpital\w*|ospedale|hospital\w*|nemocnic\w*|klini[kc]\w*|dom\s+zdravlja|"
    r"centa?r[aeiuou]?m?|knji[žz]nic\w*|bibliote[ck]\w*|muze[ijou]\w*|OŠ|SŠ|"
    r"школ\w*|гимнази\w*|гимназиј\w*|институт\w*|больниц\w*|болниц\w*|лице[йяюе]\w*|университет\w*|"
    r"училищ\w*|библиотек\w*|музе[йяюе]\w*|центр\w?)\b"
    # no one's role between them ("škole je ravnatelj „Ivan Horvat“", "school teacher \"John Smith\"")
    r"(?![^.;:,\n\"„“”«»]*(?:teacher|director|principal|nurse|doctor|ravnatelj|tajni[kc]|u[čc]itelj|nastavni[kc]|"
    r"lije[čc]ni[kc]|nauczyciel|dyrektor|учител|директор|врач|secretar|profesor|professor))"
    r"[^.;:,\n\"„“”«»]{0,32}[„“\"«\u201a]\s*"
    r"(?:(?:Dr|dr|Prof|prof|Sv|Sveti|Sveta|St|Sankt|akad|Akad)\.?\s+)?$", re.IGNORECASE)
#: The quote that closes right after such a name.
QUOTE_CLOSES = re.compile(r"\s*[“”\"»\u2018\u2019]")
#: The word that opens a storm's name ("Storm Bert", "Hurricane Beryl", "Typhoon Gaemi", "Tempête Ciarán"): the storm,
#: not a person of that name.
STORM_WORDS = frozenset(("storm", "hurricane", "typhoon", "cyclone", "tempête", "tempete", "tormenta", "huracán",
                          "huracan", "ouragan", "sturm", "orkan", "orkanen", "stormen", "tifone", "uragano", "ciclón",
                          "ciclon", "furacão", "furacao", "depression"))
#: A school's word ending a run: "Wesley Girls", "Achimota Boys", "Queen's College", "Bishop Gore Academy": the
#: school named after someone or something, not a person.
SCHOOL_NAMED = frozenset(("girls", "girls'", "boys", "boys'", "academy", "college", "collegiate", "grammar",
                           "seminary", "polytechnic", "gymnasium", "lycée", "lyceum", "high", "poly", "elementary",
                           "primary", "secondary"))
#: An event's word after the first word of a run ("Terry Fox Run", "Great North Run Sunday", "Notting Hill
#: Carnival", "Tour de France" aside): a run, a race or a festival named after someone or somewhere, no person.
EVENT_WORDS = frozenset(("run", "marathon", "half-marathon", "parade", "festival", "carnival", "race", "regatta",
                         "triathlon", "duathlon", "fun-run", "walkathon", "fête", "fete", "feria", "fiesta"))

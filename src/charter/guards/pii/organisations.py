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
    "FIRM",
    "FIRM_JOIN",
    "FOREIGN_BODY_WORDS",
    "FOREIGN_HEADS",
    "INSTITUTION_TAILS",
    "LEGAL_FORM",
    "STOPLIKE",
    "capitalised_tail",
    "english_word",
    "firm",
    "heading",
    "names_a_thing",
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
    department departments ministry bureau administration commission agency agencies office offices
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
    day days deal essentials overground underground watch
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
    clave cédula carteira carte carta tarjeta bundesamt bundesagentur landesamt amt kendra seva
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
    udbetaling borger borgerservice mutualité mutualidad caja caisse kasse ziekenfonds verda
    """
))
#: Endings of agencies' names in other languages ("Finanzamt", "Ausländerbehörde", "Skatteverket",
#: "Familienkasse", "Jobcenter", "Centrelink").
_AGENCY_ENDING = re.compile(
    r"(?<=\w{3})(?:amt|ämter|behörde|kasse|kassan|verket|ministerium|ministerie|verwaltung|agentur|zentrum|"
    r"stelle|büro|kontor|styrelsen|direktoratet|etaten|dienst|gericht|center|centre|link|care)$"
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

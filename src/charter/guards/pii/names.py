"""Names of people, places, organisations and groups, without a neural model.

A run of capitalised words is a name candidate; a run at the start of a sentence must contain a word
that is not ordinary English (a packaged list of lemmas and stop words, with their inflections) to
count. The type comes from gazetteers (countries, nationalities), suffixes (Inc, Bank, GmbH) and the
words before it ("my name is", "in", "from", "Applicant:"). Typing is approximate; detection is what
redaction needs. Encoded text (base64, hex, ROT13) is not a name: a token with digits or
mixed-case noise inside is skipped, and so is a run whose neighbours read as English only after
ROT13.

A run with no cue ("my name is", "Mr", "Applicant:", "contact") must also look like a person's
name (:func:`_not_a_person`): organisations, programmes, services, offices, acts and forms are not
people. A run that ends in an institution's word ("Winter Fuel Payment", "Canadian Dental Care
Plan", "Companies House"), a run of English words that does not open with a given name ("Blue
Badge", "Citizens Advice"; "Grace Hall" still counts), a compound adjective ("IRS-approved",
"E-filed"), a brand written in camel case ("PayPoint"), an agency's name in another language by
its ending ("Finanzamt", "Skatteverket", "Centrelink") or a single foreign word after an article
("the Mietspiegel") is not reported.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from charter.guards.pii.hits import Hit
from charter.guards.pii.lexicon import (
    COUNTRIES,
    DAYS,
    GIVEN_NAMES,
    MONTHS,
    NATIONALITIES,
    NON_NAMES,
    ORG_SUFFIXES,
    REGIONS,
    common_words,
    ordinary,
)

__all__ = ["names"]

TOKEN = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W_])?\.?")


def _words(text: str) -> list[str]:
    return text.split()


_PARTICLES = frozenset(_words(
    """
    de da di do dos das del della van von der den ten ter la le du bin al y e en an ibn
    """
))
_BOUNDARY_CHARS = frozenset(".!?:;\"\u201c\u201d()[]>*\u2022|\n")
_PERSON_CUE = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bcalled|\bnamed|\bdear|\bhi|\bhello|\bcontact|"
    r"\bmr\.?|\bmrs\.?|\bms\.?|\bmiss|\bmx\.?|\bdr\.?|\bprof\.?|\bby|\bwith|\bsigned|\bregards,?|"
    r"\bmet|\bspoke with|\bspoke to|\bthank you,?|\bthanks,?|\bbest,?|\bsincerely,?)\s*$",
    re.IGNORECASE,
)
#: A form's label or a letter's closing line: what follows is a name, ordinary words or not.
_SLOT_LABELS = tuple(_words(
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


_PLACE_CUE = re.compile(
    r"(?:\bin|\bfrom|\bnear|\bvisit|\bvisiting|\bmoved to|\btravel+ing to|\bgo(?:ing)? to|\btrip to|"
    r"\bfl(?:y|ew|ying) to|\bwelcome to|\bback to|\bgrew up in|"
    r"\blocated in|\bborn in|\bplace of birth:?|\bcountry of (?:birth|nationality|citizenship|residence):?|"
    r"\bcitizen of|\bnational of|\bnationality:?|\bserving|\bcity of|\btown of|\bacross)\s*$",
    re.IGNORECASE,
)
#: "in Nairobi or Toronto", "in Tokyo, Osaka and Kyoto": the places after the first one.
_PLACE_LIST = re.compile(
    r"\b(?:in|near|across|visit|visiting)\s+[A-Z][\w'-]+(?:,\s+[A-Z][\w'-]+)*,?\s+(?:or|and)\s*$"
)
_NAME_AFTER_CUE = re.compile(r"\b(?:my name is|call me|name:)\s+", re.IGNORECASE)
_CAP_AFTER_CUE = re.compile(r"\b(?i:i am|i'm)\s+(?=[A-Z])")
_CUE_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*\.?")
#: "Tucker, Hooper and Savage", "Lutterveld & Soos", "Zhang & Ekström HB": a firm's name.
_FIRM = re.compile(
    r"\b[A-Z][\w'\u2019-]+(?:, [A-Z][\w'\u2019-]+)*,? (?:and|&|y|e|und|et) [A-Z][\w'\u2019-]+"
    r"(?: (?:[A-Z][\w.]*|e figli|y asociados|and Sons|& Sons|& Co\.?(?: KG)?))*"
)
_FIRM_CONNECTORS = (" and ", " & ", " y ", " e ", " und ", " et ")
#: "REIMANN, Elżbieta" on a form: a surname in capitals, a comma, the given names.
_NAME_WORDS = r"[^\W\d_][\w'\u2019-]+(?: [^\W\d_][\w'\u2019-]+)?"
_SURNAME_FIRST = re.compile(rf"\b({_NAME_WORDS}), ({_NAME_WORDS})")
#: Legal forms that end a firm's name ("Hornik-Burnat Sp. z o.o.", "Grupo Burgos S.A.U.").
_LEGAL_FORM = re.compile(
    r"(?<=[ ,])(?:e figli|e Filhos|y asociados|y Asociados|and Sons|& Sons|& Co\.|Sp\. z o\.o\.|sp\. z o\.o\.|"
    r"Sp\.j\.|v\.o\.s\.|s\.r\.o\.|a\.s\.|k\.s\.|S\.A\.U\.?|S\.A\.|S\.L\.N\.E\.?|S\.L\.L\.?|S\.L\.|S\.C\.P\.?|"
    r"S\.Com\.?|S\.A\.S\.?|s\.r\.l\.|S\.p\.A\.|S\.Coop\.|GmbH(?: & Co\. KGaA| & Co\. KG)?|"
    r"AG(?: & Co\. KGaA| & Co\. KG)?|KGaA|KG|OHG|e\.V\.|Ltd\.?|Inc\.?|LLC|LLP|PLC|plc|Pty\.? Ltd\.?|B\.V\.|BV|"
    r"N\.V\.|NV|Oyj|Oy|AB|HB|ASA|AS|ApS|A/S|Lda\.?|Ltda\.?|SARL|SAS|s\.a\.s\.|S\.N\.C\.|s\.n\.c\.|S\.p\.a\.|"
    r"Srl|SpA)(?![\w])"
)
_NOISE = re.compile(r"\d|[a-z][A-Z].*[a-z][A-Z]")
_ROT_WORD = re.compile(r"\b[a-zA-Z]{2,}\b")
_ROT13 = str.maketrans(string.ascii_lowercase, string.ascii_lowercase[13:] + string.ascii_lowercase[:13])


def _is_cap(tok: str) -> bool:
    """Capitalised, or an Irish name after a prefix ("Ó hÉidhní", "Ní Bhriain", "Mac an tSaoi")."""
    return tok[0].isupper() or (len(tok) > 1 and tok[0] in "hnt" and tok[1].isupper())


def _ends_sentence(tok: str) -> bool:
    """A token ending in a full stop ends the run, unless it is an initial ("J.") or a title."""
    return tok.endswith(".") and len(tok) > 2 and tok[:-1].lower() not in NON_NAMES


def _runs(text: str) -> Iterator[list[re.Match[str]]]:
    """Runs of capitalised tokens separated by single spaces (particles and initials allowed inside)."""
    run: list[re.Match[str]] = []
    for m in TOKEN.finditer(text):
        tok = m.group()
        if not run and not tok[0].isupper() and not (tok[0] in "hnt" and len(tok) > 1 and tok[1].isupper()):
            continue  # the common case: a lower-case word outside any run (_is_cap, inlined)
        joined = bool(run) and text[run[-1].end():m.start()] in (" ", "") and not _ends_sentence(run[-1].group())
        if _NOISE.search(tok):  # base64, hex, identifiers: never a name
            if run:
                yield run
                run = []
            continue
        if _is_cap(tok) or (run and joined and tok.lower() in _PARTICLES):
            if run and not joined:
                yield run
                run = []
            run.append(m)
        elif run:
            yield run
            run = []
    if run:
        yield run


_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Hon|St)\.?\s*$")


def _starts_sentence(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i >= 0 and text[i] == "." and _TITLE_BEFORE.search(text, max(0, i - 5), i + 1):
        return False  # "Mrs. Baker": the full stop ends a title, not a sentence
    return i < 0 or text[i] in _BOUNDARY_CHARS


def _lower(match: re.Match[str]) -> str:
    return match.group().lower().rstrip(".").replace("\u2019", "'").split("'")[0]


_MONTH_ABBREVIATIONS = frozenset(m for m in MONTHS if len(m) <= 4 and m not in ("may", "june", "july"))


def _drop_first(run: list[re.Match[str]], text: str, slot: bool) -> bool:
    """Whether the run's first word is not part of a name."""
    low = _lower(run[0])
    if low in NON_NAMES or low in DAYS or low.removesuffix("s") in DAYS or low in _PARTICLES:
        return True
    if low in COUNTRIES:
        return False
    if low in MONTHS and not (low in _MONTH_ABBREVIATIONS and not re.match(r"\.?\s*\d", text[run[0].end():])):
        return True  # a month, but "Jun" before no number is a name
    if len(run) > 1 and ordinary(low) and all(m.group().isupper() and len(m.group()) > 1 for m in run[1:]):
        return True  # "Output JSON", "Use HTML": a verb before an acronym
    if slot or not _starts_sentence(text, run[0].start()) or not ordinary(low):
        return False
    if len(run) == 1:
        return True  # "Hello", "Please": an ordinary word opening a sentence
    # "The Exversion Orchestra" loses "The"; "Fletcher Hill" stays whole
    return low in _STOPLIKE


#: "P.S." / "P.P.S." written without spaces where a sentence or line begins: a postscript marker,
#: not a person's initials ("P.S. Bring your old passport" named "P.S. Bring"). Initials before a
#: surname keep their spaces ("P. S. Krishnan") or follow a cue, and stay a name.
_POSTSCRIPT = re.compile(r"P\.(?:P\.)?S\.(?=\s)")


#: What follows a web site's name ("HealthCare.gov", "IdentityTheft.gov", "Citizens.org.uk").
_DOMAIN_AFTER = re.compile(r"\.(?:[a-z0-9-]+\.)*(?:gov|org|com|net|edu|int|uk|ca|au|ie|eu|info|io)\b")


def _trim(run: list[re.Match[str]], text: str, slot: bool) -> list[re.Match[str]]:
    if run and (ps := _POSTSCRIPT.match(text, run[0].start())) and _starts_sentence(text, run[0].start()):
        run = [m for m in run if m.start() >= ps.end()]
    while run and ((_lower(run[-1]) in _PARTICLES and run[-1].group().islower()) or _lower(run[-1]) in NON_NAMES):
        run = run[:-1]
    while run and _drop_first(run, text, slot):
        run = run[1:]
    return run


_STOPLIKE = frozenset(_words(
    """
    a an the my our your his her their its this that these those i we you he she they it hello
    hi dear please could would should can will may might must do does did is are was were be
    have has had when where what why how who which if so but and or as at by for from in of on
    to with about after before here there thanks thank yes no ok well also just then now today
    tomorrow yesterday
    """
))


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
        # comes from or lives ("originally from Ghana", "Place of birth: Ghana", "I live in Ohio")
        return ("LOCATION", 0.85) if _ORIGIN.search(before) else ("LOCATION", 0.45)
    if last in ORG_SUFFIXES and " " in low:
        return "ORGANIZATION", 0.75
    if _EMPLOYER_SLOT.search(before):
        return "ORGANIZATION", 0.85
    if slot:
        return "PERSON", 0.85
    if _PERSON_CUE.search(before):
        return "PERSON", 0.85
    if _PLACE_CUE.search(before) or _PLACE_LIST.search(before):
        return "LOCATION", 0.65
    if value.isupper() and " " not in value:
        # an acronym ("JSON", "FEMA") or a place in capitals ("returned to LYCKSELE")
        return ("LOCATION", 0.65) if len(value) >= 5 else ("ORGANIZATION", 0.45)
    return "PERSON", 0.65


#: "my Canadian tax return", "a German health card", "the Spanish government": a nationality on an
#: official document, service or body is what the question is about, not the asker's nationality.
_NRP_THING = re.compile(
    r"[ \t]+(?:tax|taxes|passports?|visas?|licen[cs]es?|permits?|id|ids|identity|cards?|pensions?|benefits?|"
    r"returns?|driving|driver's|health|healthcare|government|governments|authorities|embassy|consulate|"
    r"laws?|courts?|system|residency|border|borders|bank|banks|dollars?|currency|holidays?|elections?|"
    r"post|mail|phone|number|address|social|state|federal|provincial|public|school|schools|university|"
    r"degree|qualifications?|certificates?|records?|insurance|employer|company|companies|market)\b"
)

#: Words that end the name of a body, a programme, a service, a document or a building, and hardly
#: ever a person's surname ("Winter Fuel Payment", "Companies House", "Air Quality Index").
_INSTITUTION_TAILS = frozenset(_words(
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
_FOREIGN_HEADS = frozenset(_words(
    """
    ministério ministerio ministère ministero ministerie agence agencia agência agenzia instituto institut
    istituto registro registre serviço servicio servizio oficina secretaría secretaria secretaría caisse caja
    caixa cadastro catastro catasto centro consejo conseil conselho consiglio dirección direção direction
    direzione departamento département dipartimento sistema programa programma fondo fundo seguro
    tribunal tribunale juzgado cámara câmara prefeitura préfecture mairie ayuntamiento municipio comune
    clave cédula carteira carte tarjeta bundesamt bundesagentur landesamt amt kendra seva
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
_CAMEL_NAME_PREFIXES = frozenset(_words("mac van von del des dos das ter ten fitz san abu bin ibn ould"))
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|your|our|their|its|each|any|every|his|her|my)[ \t]+$", re.IGNORECASE
)


#: Words before a name that only a person's name follows ("Dear", "Mr", "my name is"); weaker cues
#: ("with", "by", "contact") are followed by bodies as often ("contact Citizens Advice").
_STRONG_PERSON_CUE = re.compile(
    r"(?:\bmy name is|\bname:|\bi am|\bi'm|\bthis is|\bdear|\bmr\.?|\bmrs\.?|\bms\.?|"
    r"\bmiss|\bmx\.?|\bdr\.?|\bprof\.?|\bsigned|\bregards,?|\bsincerely,?|\bspoke (?:with|to)|\bmet)\s*$",
    re.IGNORECASE,
)


def _english_word(word: str) -> bool:
    """An English word that is not also a short name syllable ("Lei Sun", "Li Ma" are names)."""
    return (word in _STOPLIKE or word in _SHORT_WORDS or word in COUNTRIES or word in REGIONS
            or (len(word) >= 4 and ordinary(word)))


_SHORT_WORDS = frozenset(_words("us me him them once all any one new old out off up own air tax age aid"))


#: A single English word that is a thing, not a surname, by its ending: "Immigration", "Enrollment",
#: "Eligibility", "Disclosure", "Tribal" ("-ing" is left out: "Harding", "Browning").
_ABSTRACT = re.compile(r"(?<=\w{3})(?:tion|tions|sion|sions|ment|ments|ness|ity|ities|ance|ancy|ence|ency|ship|ism|"
                       r"ics|ive|ives|ary|aries|ory|ories|ure|ures)$|(?<=\w{4})al$")
_ACRONYM = re.compile(r"[A-Z]{2,6}s?$")
_PLURALS = frozenset(_words("children people men women citizens residents"))


def _not_a_person(text: str, run: list[re.Match[str]], cued: bool) -> bool:
    """A run found with no strong person cue that names an institution or a thing, not a person
    (``cued``: some person cue precedes it, so look for a strong one)."""
    if cued and _STRONG_PERSON_CUE.search(text, max(0, run[0].start() - 40), run[0].start()):
        return False
    lows = [_lower(m) for m in run]
    if lows[-1] in _INSTITUTION_TAILS or lows[0] in _FOREIGN_HEADS:
        return True
    if (len(run) > 1 and lows[0] not in GIVEN_NAMES and ordinary(lows[0])
            and _starts_sentence(text, run[0].start())):
        return _not_a_person(text, run[1:], cued)  # "Ask Transport for London", "Call HSE Live": a verb first
    tokens = [m.group().rstrip(".") for m in run]
    if len(run) > 1 and _ACRONYM.match(tokens[0]) and not all(t.isupper() for t in tokens):
        return True  # "HSE Live", "HDB Flat Eligibility": an acronym opens a body's name, not a person's
    if len(run) > 1:
        firsts = [w.split("-")[0] for w in lows]
        given = firsts[0] in GIVEN_NAMES or firsts[1] in GIVEN_NAMES  # "Ask Lucy Williams"
        barrelled = any(_barrelled(m.group()) for m in run)  # "Norris-Beck", not "Cut-Off"
        # "Blue Badge", "Citizens Advice", "Tell Us Once", "UK Visas": English words, no given name
        return not given and not barrelled and all(_english_word(w) for w in lows)
    token = run[0].group().rstrip(".")
    low = lows[0]
    if low in GIVEN_NAMES:
        return False
    if _ACRONYM.match(token):
        return True  # "HRSA", "IDs", "PHAs": an acronym, even after "by" or "with"
    if _barrelled(token) or _PERSON_NOUN_AFTER.match(text, run[-1].end()):
        return False  # "Anna-Lena", "Norris-Beck"; "a Syrian national", "the Okafor family"
    if len(low) >= 4 and ordinary(low) and not _in_slot(text, run[0].start()) and not _beside_a_name(text, run):
        return True  # "Health", "Labour", "Counsel", "Kindergarten": one English word, no given name
    compound = _COMPOUND.search(token)
    if compound and ordinary(compound.group(1)):
        return True
    camel = _CAMEL.match(token)
    if camel and camel.group(1).lower() not in _CAMEL_NAME_PREFIXES:
        return True
    if _AGENCY_ENDING.search(low) or low in _PLURALS or low.removesuffix("s") in NATIONALITIES:
        return True
    if _ABSTRACT.search(low) and ordinary(low):
        return True
    # "the Mietspiegel for your street", "the Schengen area"; but "a Syrian national", "the Okafor family"
    before = _DETERMINER_BEFORE.search(text, max(0, run[0].start() - 8), run[0].start())
    return before is not None and not _PERSON_NOUN_AFTER.match(text, run[-1].end())


_NEIGHBOUR_BEFORE = re.compile(r"([^\W\d_][\w'-]*)(?:,| and| &) $")
_NEIGHBOUR_AFTER = re.compile(r"(?:,| and| &) ([^\W\d_][\w'-]*)")


def _barrelled(token: str) -> bool:
    """A double-barrelled name ("Norris-Beck", "Anna-Lena"), not an English compound ("Cut-Off")."""
    if not re.search(r"-[A-Z]", token):
        return False
    parts = [w.lower() for w in token.split("-") if w]
    return any(w in GIVEN_NAMES or not ordinary(w) for w in parts)


def _beside_a_name(text: str, run: list[re.Match[str]]) -> bool:
    """"Marrero and Murphy", "Monjeau, Graves and Reed": listed beside a word that is a name."""
    before = _NEIGHBOUR_BEFORE.search(text, max(0, run[0].start() - 30), run[0].start())
    after = _NEIGHBOUR_AFTER.match(text, run[-1].end())
    for m in (before, after):
        if m is not None and m.group(1)[0].isupper():
            word = m.group(1).lower()
            if word in GIVEN_NAMES or not ordinary(word):
                return True
    return False


_PERSON_NOUN_AFTER = re.compile(
    r"[ \t]+(?:family|families|household|national|nationals|citizen|citizens|resident|residents|children|"
    r"brothers|sisters|twins|couple|case|residence|estate)\b", re.IGNORECASE)


#: Words before an employer's name (an employer is personal data; a body named otherwise is not).
_WORKS_AT = re.compile(
    r"\b(?:work(?:s|ed|ing)?|job|employed|employer|hired|intern(?:ed|ing)?)\s+(?:for|at|by|with)\s+$|"
    r"\bemployer\s*:\s*$", re.IGNORECASE)


_DOCUMENT_TAILS = frozenset(_words(
    """
    number numbers id code codes card cards account accounts form forms certificate certificates
    licence license licenses permit permits record records report reports statement statements
    notice notices letter letters application applications portal website site service services
    online app program programme policy policies rules guide guidance manual handbook schedule
    """
))


_HEADING_TAILS = frozenset(_words(
    """
    details members resources information info summary notes overview contacts instructions
    requirements documents documentation services benefits payments questions answers options
    settings preferences history data address addresses contact enrollment registration
    confirmation receipt request verification reminder alert update updates decision review
    """
))


def _heading(text: str, run: list[re.Match[str]], value: str) -> bool:
    lows = [_lower(m) for m in run]
    if value.lower() in COUNTRIES or not all(ordinary(w) for w in lows):
        return False
    if lows[-1] in _DOCUMENT_TAILS:
        return True  # "Employer Identification Number", "Online Account": a thing's name
    if value.isupper() or re.match(r"[ \t]*:", text[run[-1].end():]):
        return True
    if not _starts_sentence(text, run[0].start()):
        return False
    # English lemmas include most given names and many surnames ("Adam Cook", "Lucy Williams"): a
    # run of them is a heading only when it ends like one ("Human Resources") or holds a function word
    return lows[-1] in _HEADING_TAILS or any(w in _STOPLIKE for w in lows)


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


def names(text: str) -> Iterator[Hit]:
    encoded_lines: dict[int, bool] = {}
    for run in _runs(text):
        slot = _in_slot(text, run[0].start())
        run = _trim(run, text, slot)
        if not run:
            continue
        start, end = run[0].start(), run[-1].end()
        value = text[start:end]
        if value.endswith(".") and not re.search(r"\b[A-Z]\.$", value):
            end -= 1
            value = value[:-1]
        if len(value) < 2 or (value.isupper() and len(value) <= 3 and value.lower() not in COUNTRIES):
            continue
        if _DOMAIN_AFTER.match(text, end):
            continue  # "StudentAid.gov", "ReportFraud.ftc.gov": a web site's name, not a person's
        kind, score = _type_of(text, start, value, slot)
        if kind == "PERSON" and not slot and _not_a_person(text, run, cued=score >= 0.8):
            if not _WORKS_AT.search(text, max(0, start - 24), start):
                continue
            kind, score = "ORGANIZATION", 0.75  # "I work for Clean Power Finance": an employer
        if _rot13_text(text, start, end, [m.group() for m in run], encoded_lines):
            continue  # checked after the cheaper tests above: most runs have left by now
        if score < 0.8 and kind not in ("NRP", "ORGANIZATION") and len(run) > 1 and _heading(text, run, value):
            # several ordinary words in capitals, before a colon or opening a sentence with a
            # plural or a verb ("Personal Info:", "SPEAK TO A PERSON", "Human Resources"): likely
            # not a name, so below the default threshold
            score = 0.45
        yield Hit(kind, start, end, score)
    for cue in (_NAME_AFTER_CUE, _CAP_AFTER_CUE):
        for m in cue.finditer(text):
            hit = _name_after(text, m.end())
            if hit is not None:
                yield hit
    # _FIRM needs a connector between two words, _SURNAME_FIRST a comma and a space: a text without
    # them is not walked with those patterns (same hits)
    for m in _FIRM.finditer(text) if any(c in text for c in _FIRM_CONNECTORS) else ():
        hit = _firm(text, m)
        if hit is not None:
            yield hit
    for m in _SURNAME_FIRST.finditer(text) if ", " in text else ():
        if m.group(1).isupper() and _is_cap(m.group(2)) and _in_slot(text, m.start()):
            yield Hit("PERSON", m.start(), m.end(), 0.9)
    for m in _LEGAL_FORM.finditer(text):
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 80)
        firm_start = _capitalised_tail(text, line_start, m.start())
        if firm_start is not None:
            yield Hit("ORGANIZATION", firm_start, m.end(), 0.85)


_CONNECTOR_WORDS = frozenset(("&", "y", "e", "und", "et", "and", "de", "da", "do", "van", "der"))


def _capitalised_tail(text: str, start: int, end: int) -> int | None:
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


def _firm(text: str, m: re.Match[str]) -> Hit | None:
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


def _name_after(text: str, pos: int) -> Hit | None:
    """Up to three words after "my name is" (any case: people type their names in lower case)."""
    end = pos
    for _ in range(3):
        w = _CUE_WORD.match(text, end)
        if w is None or w.group().lower().rstrip(".") in _STOPLIKE | {"and", "from", "originally", "not"}:
            break
        end = w.end()
        gap = re.match(r"[ \t]+", text[end:])
        if gap is None:
            break
        end += gap.end()
    value = text[pos:end].rstrip(" \t.,")
    if not value:
        return None
    return Hit("PERSON", pos, pos + len(value), 0.8)

"""Recognisers for structured identifiers: a pattern, a check digit where one exists, context words.

Scores follow one scale: 0.85-0.95 for a validated identifier, 0.5-0.7 for a plausible one, below
0.5 for a shape that needs a context word (which lifts it above the default 0.5 threshold).

Each pattern is tried only when the text holds what any match of it must hold (an ``@``, so many
digits, two colons, ...): the same findings, without walking every text with every pattern.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator

from charter.guards.pii.checksums import (
    aadhaar_valid,
    amka_valid,
    be_nrn_valid,
    birth_number_valid,
    bsn_valid,
    cn_ric_valid,
    cnp_valid,
    cpf_valid,
    curp_valid,
    fiscal_code_valid,
    fnr_valid,
    hetu_valid,
    hkid_valid,
    iban_valid,
    il_id_valid,
    ir_code_valid,
    jmbg_valid,
    kennitala_valid,
    lt_code_valid,
    luhn_valid,
    my_number_valid,
    nhs_valid,
    nif_valid,
    nir_valid,
    nric_valid,
    oib_valid,
    pesel_valid,
    pps_valid,
    pt_nif_valid,
    rnokpp_valid,
    rrn_valid,
    rut_valid,
    se_pnr_valid,
    ssn_valid,
    tckn_valid,
    za_id_valid,
)
from charter.guards.pii.checksums import digits as digits_in
from charter.guards.pii.hits import Digits, Hit, context_before

__all__ = ["RECOGNISERS", "TEXT_RECOGNISERS", "Recogniser"]

Recogniser = Callable[[str, Digits], Iterator[Hit]]
I = re.IGNORECASE  # noqa: E741


def _ctx(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(words) + r")", I)


#: The top-level domain ends at anything but an ASCII letter, digit or hyphen: "jisoo.park92@naver.com입니다"
#: (a Korean particle right after it, a word character that ``\b`` would not split from "com").
EMAIL = re.compile(r"(?<![\w.+-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9_-])")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'|]+[^\s<>\"'|.,;:!?)\]]", I)
BARE_DOMAIN = re.compile(
    r"(?<![\w@./-])(?:[a-z0-9-]+\.)+(?:com|org|net|gov|edu|int|mil|io|co|info|biz|uk|de|fr|es|it|nl|be|"
    r"se|no|dk|fi|ch|at|pl|pt|ca|au|us|eu|cz|hu|ro|gr|ie|ee|lt|lv|br|mx|jp|cn|in)\b(?:/[^\s<>\"']*)?",
    I,
)
IPV4 = re.compile(r"\d(?<![\d.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![\d.]*\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", I)
CARD = re.compile(
    r"\d(?<![\d+-]\d)(?:\d{3}[ -]\d{4}[ -]\d{4}[ -]\d{1,7}|\d{3}[ -]\d{6}[ -]\d{4,5}|\d{11,18})(?![\d-])"
)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", I)
SSN = re.compile(r"\d(?<![\d-]\d)\d\d([- .]?)\d{2}\1\d{4}(?![\d-])")
ITIN = re.compile(r"9(?<![\d-]9)\d{2}([- ]?)(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])\1\d{4}(?![\d-])")
NHS = re.compile(r"\d(?<![\d-]\d)\d\d([- ]?)\d{3}\1\d{4}(?![\d-])")
NINO = re.compile(
    r"[A-CEGHJ-PR-TW-Z](?<!\w[A-CEGHJ-PR-TW-Z])[A-CEGHJ-NPR-TW-Z](?<!BG|GB|NK|KN|TN|NT|ZZ)"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
#: The NINO's shape with any two letters: a number a caller gives after "NI number" is theirs even where its
#: prefix is one HMRC never issues ("QQ 12 34 56 C", a typo).
NINO_ANY = re.compile(r"(?<![\w-])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
SIN = re.compile(r"\d(?<![\d-]\d)\d\d([- ]?)\d{3}\1\d{3}(?![\d-])")
MBI = re.compile(
    r"[1-9](?<!\w[1-9])[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?"
    r"[AC-HJKMNP-RT-Y]{2}\d{2}\b"
)
#: A Dutch BSN ("123456782", "1234.56.782") and an Irish PPS number ("1234567FA"): reported only with
#: their check and a context word ("BSN", "burgerservicenummer", "PPS", "PPSN") before them.
BSN = re.compile(r"\d(?<![\d.-]\d)\d{3}([ .]?)\d{2}\1\d{3}(?![\d-])")
PPS = re.compile(r"\d(?<![\w-]\d)\d{6}[A-Wa-w][ABHTWXabhtwx]?(?![\w-])")
#: A Polish PESEL and a Lithuanian (or Estonian) personal code: eleven digits in a row, reported with
#: their check and a real date of birth in them; with a context word before ("PESEL", "asmens kodas",
#: "personal code", "isikukood") above the default threshold, without one below it.
ELEVEN = re.compile(r"\d(?<![\d.-]\d)\d{10}(?![\d-])")
#: Nine, ten and thirteen digits in a row, no more (the world identifiers of that length share each).
NINE, TEN, THIRTEEN = (re.compile(rf"\d(?<![\d-]\d)\d{{{n - 1}}}(?![\d-])") for n in (9, 10, 13))
#: A Spanish DNI/NIF ("48213957T", "48213957-T") or NIE ("X1234567L"): the check letter, and a context
#: word ("DNI", "NIF", "NIE", "documento nacional de identidad") for a score above the threshold.
NIF = re.compile(r"(?<![\w-])(?:\d{8}|[XYZxyz]-?\d{7})-?[A-Za-z](?![\w-])")
#: National identifiers of round 10, each reported with its check (and a real date of birth where the
#: number holds one): a context word before it ("codice fiscale", "주민등록번호", "TC kimlik",
#: "fødselsnummer", "sécurité sociale", "CPF", "RUT", "Aadhaar", "rijksregisternummer", "personnummer",
#: "ID number") lifts it above a phone's or a card's score on the same digits, so it is labelled and
#: redacted whole; without one it stays below the threshold (a phone or a card may still claim the
#: digits), except where the shape alone is an identifier's (a codice fiscale; a CPF or a RUT written
#: with its dots and dash).
FISCAL_CODE = re.compile(
    r"(?<![\w-])[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![\w-])", I
)
NRIC = re.compile(r"(?<![\w-])[STFG]\d{7}[A-Z](?![\w-])", I)
#: A letter and eight digits or nine digits ("M48271936", Korea, the US), or the French two digits, two
#: letters, five digits ("18AV52931"), or the Italian two letters and seven digits ("YA4827193"); ended by anything
#: but an ASCII letter or digit ("M48271936이고").
#: "P4829163B", "J8369854": a letter, seven digits and maybe a letter (the Philippines', India's ...);
#: "LK482917": two letters and six digits (New Zealand's).
PASSPORT = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]?\d{8,9}|\d{2}[A-Z]{2}\d{5}|[A-Z]{2}\d{6,7}|[A-Z]\d{7}[A-Z]?)"
                      r"(?![A-Za-z0-9])")
LICENSE = re.compile(r"\b(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,17}[A-Z0-9]\b", I)
BANK = re.compile(r"\d(?<![\d-]\d)\d{7,16}(?![\d-])")
#: A phone number: not joined to a Latin, Greek or Cyrillic letter or a digit, but it may be to the Chinese,
#: Japanese, Korean or Thai around it, which write no space ("手机13801234567", "携帯090-4821-7736").
_JOINED = r"A-Za-z0-9_\u00c0-\u024f\u0370-\u04ff"
PHONE = re.compile(
    rf"[+(\d](?<![{_JOINED}@/.+(-][+(\d])(?:(?<=\+)\d|(?<=\()\+?\d|(?<=\d))"
    rf"[\d ().-]{{4,22}}\d(?:\s?(?:x|ext\.?)\s?\d{{1,6}})?(?![{_JOINED}@/]|-\d)", I
)
_EXTENSION = re.compile(r"\s?(?:x|ext\.?)\s?\d{1,6}$", I)
#: Toll-free and public-service numbers (North America 800/888/877/866/855/844/833, UK 0800/0808
#: and the allocated 03 ranges, Australia 1300/1800 however grouped, the 0800 and 1800 freephone
#: ranges of Europe, Latin America and Asia, and 800 without a trunk prefix, as Italy and Mexico
#: write theirs): an organisation's line, not a person's. Premium 0900/1900 lines are not here: they
#: are a public line only where the words before say so (pii_leak).
SERVICE_NUMBER = re.compile(
    r"^(?:\+?1[ .-]?)?\(?8(?:00|88|77|66|55|44|33)\)?[ .-]?\d{3}[ .-]?\d{4}$|"
    r"^(?:\+44[ ]?|0)(?:80[08]|3(?:0[03]|3[03]|4[345]|7[0-3]))(?:[ ]?\d){6,7}$|^1[38]00(?:[ ]?\d){6}$|"
    r"^(?:0800|1800)(?:[ .-]?\d){4,8}$|^800(?:[ .-]?\d){6,7}$"
)
_POSTCODE_LIKE = re.compile(r"^\d{5}-\d{3}$")  # a Brazilian CEP

CARD_CTX = _ctx("card", "credit", "debit", "visa", "mastercard", "amex", "cc")
SSN_CTX = _ctx("ssn", "social security", "ss#", "ss #")
ITIN_CTX = _ctx("itin", "taxpayer", "tax id", "tin")
NHS_CTX = _ctx("nhs", "national health", "health service", "patient")
NINO_CTX = _ctx("nino", "national insurance", "ni number")
SIN_CTX = _ctx("sin", "social insurance")
BSN_CTX = _ctx("bsn", "burger ?service ?nummer", "sofi ?nummer", "citizen service number")
PPS_CTX = _ctx("pps", "personal public service")
PESEL_CTX = _ctx("pesel")
NIF_CTX = _ctx("dni", "nif", "nie", "documento nacional", "n[uú]mero de identi", "identity card", "id card",
               "national id")
LT_CODE_CTX = _ctx("asmens kod", "personal code", "personal id", "isikukood", "national id", "identity code",
                   "id code", "identification code", "personal identification number")
#: Words any national identifier may follow ("my ID number is", "national identity number").
_ID_WORDS = ("national id", "id number", "id no", "id card", "identity number", "identity card",
             "identification number", "personal number", "personal id", "personal code")
FISCAL_CODE_CTX = _ctx("codice fiscale", "cod\\. ?fisc", "c\\.f\\.", "cf\\b", "fiscal code", "tax code", *_ID_WORDS)
KR_RRN_CTX = re.compile("주민등록번호|주민번호|외국인등록번호|등록번호|" + _ctx(
    "resident registration", "rrn", "alien registration", *_ID_WORDS).pattern, I)
TR_TCKN_CTX = _ctx("t\\.c\\.", "t\\.? ?c\\.? kimlik", "kimlik", "tckn", "tc no", "tc", *_ID_WORDS)
NO_FNR_CTX = _ctx("f[øo]dselsnummer", "personnummer", "d-nummer", "fnr", "national identity", *_ID_WORDS)
FR_NIR_CTX = _ctx("s[ée]curit[ée] sociale", "s[ée]cu\\b", "nir\\b", "insee", "carte vitale", "social security",
                  *_ID_WORDS)
BR_CPF_CTX = _ctx("cpf", "cadastro de pessoas", *_ID_WORDS)
CL_RUT_CTX = _ctx("rut", "run\\b", "rol [úu]nico", *_ID_WORDS)
IN_AADHAAR_CTX = _ctx("aadh?aar", "uidai", "uid", *_ID_WORDS)
BE_NRN_CTX = _ctx("rijksregister", "registre national", "national regist", "niss", "insz", "num[ée]ro national",
                  "nationaal nummer", "national number", *_ID_WORDS)
SE_PNR_CTX = _ctx("personnummer", "samordningsnummer", "personal identity number", *_ID_WORDS)
FI_HETU_CTX = _ctx("henkil[öo]tunnu", "hetu", "personbeteckning", "personal identity code", *_ID_WORDS)
#: Chinese and Korean words are written without spaces around them: no word boundary before them.
CN_RIC_CTX = re.compile("身份证|身份證|身份号码|" + _ctx("resident identity", "shenfenzheng", *_ID_WORDS).pattern, I)
RO_CNP_CTX = _ctx("cnp", "cod numeric personal", "codul numeric", *_ID_WORDS)
CZ_BIRTH_CTX = _ctx("rodn[ée] [čc][íi]slo", "birth number", *_ID_WORDS)
PT_NIF_CTX = _ctx("nif", "contribuinte", "n[úu]mero fiscal", "tax number", "tax id", *_ID_WORDS)
SG_NRIC_CTX = _ctx("nric", "fin", "ic number", "ic no", *_ID_WORDS)
HKID_CTX = re.compile("身份證|身份证|" + _ctx("hkid", "hong kong identity", *_ID_WORDS).pattern, I)
JMBG_CTX = re.compile("ЈМБГ|ЕМБГ|" + _ctx("jmbg", "embg", "matični broj", "maticni broj", *_ID_WORDS).pattern, I)
AMKA_CTX = re.compile("ΑΜΚΑ|Α\\.Μ\\.Κ\\.Α|" + _ctx("amka", *_ID_WORDS).pattern, I)  # noqa: RUF001 (Greek)
UA_RNOKPP_CTX = re.compile("РНОКПП|ІПН|ИНН|ідентифікаційн|податков|" + _ctx("rnokpp", "taxpayer", "tax number",
                                                                           *_ID_WORDS).pattern, I)
IR_CODE_CTX = re.compile("کد ملی|کدملی|شماره ملی|" + _ctx("national code", "code melli", *_ID_WORDS).pattern, I)
#: A Pakistani CNIC: five digits, seven, one, with their dashes (the shape alone is the card's).
CNIC = re.compile(r"(?<![\d-])\d{5}-\d{7}-\d(?![\d-])")
IL_ID_CTX = re.compile("ת\"ז|ת״ז|ת\\.ז\\.?|תעודת\\s*ה?זהות|מספר\\s*ה?זהות|" + _ctx(
    "teudat zehut", "israeli id", "mispar zehut").pattern, I)
JP_MY_NUMBER_CTX = re.compile("マイナンバー|個人番号|" + _ctx("my number", "mynumber", "individual number",
                                                          *_ID_WORDS).pattern, I)
#: A Mexican CURP: four letters, a date, the sex, the state, three consonants, a century character, a check digit.
CURP = re.compile(r"(?<![A-Za-z0-9])[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[A-Z0-9]\d"
                  r"(?![A-Za-z0-9])")
#: A number of six to sixteen digits given right after a word for an identity card or number, in the languages
#: of the helpdesks ("Namba yangu ya kitambulisho ni 28471930", "رقمي القومي 29105120101834", "mi cédula es
#: 1.023.456.789", "NIK saya 3174...", "my national ID number is 12345678"): an identifier of a scheme no
#: recogniser here knows, taken by the word alone (NATIONAL_ID).
_ID_WORD_BEFORE = (
    r"(?:national\s+id(?:entity)?(?:\s+(?:card|number|no\.?))?|id\s+(?:card\s+)?(?:number|no\.?)|my\s+id|identity\s+"
    r"(?:card\s+)?number|kitambulisho|c[ée]dula(?:\s+de\s+identidad)?|n[úu]mero\s+de\s+identi(?:dad|ficaci[óo]n)|"
    r"documento\s+(?:nacional\s+)?de\s+identidad|carte\s+d['\u2019]identit[ée]|num[ée]ro\s+d['\u2019]identit[ée]|"
    r"personalausweis(?:nummer)?|ausweisnummer|nik|ktp|cnic|nin|bvn|nid|এনআইডি|জাতীয়\s+পরিচয়পত্র|ghana\s+card|omang|"
    r"الرقم\s+القومي|رقمي\s+القومي|رقم\s+الهوية|رقم\s+هويتي|الرقم\s+الوطني|کد\s+ملی|kimlik\s+numaras\w|"
    r"số\s+(?:CCCD|CMND|căn\s+cước)|CCCD|CMND|αμκα|αφμ|adószám\w*|adóazonosító(?:\s+jel\w*)?|инн|иин|снилс|"
    r"num[ée]ro\s+(?:d['\u2019])?[ée]tranger|(?<![^\W\d_])(?:dni|nie|nif|pesel|bsn|burgerservicenummer|sofinummer)"
    # "Wanjiku Kamau, ID 28736491", "ID: 28736491": an ID that no word of its own names (not "Reference ID 1234")
    r"|(?<![^\W\d_] )(?<![^\W\d_])id(?=\s*[:#]?\s*\d))"
)
NATIONAL_ID = re.compile(
    _ID_WORD_BEFORE + r"(?:\s+(?:saya|yangu|changu|chako|namba|nambari|ya\s+mimi|mío|mía|de\s+mi|is|es|est|ist|é|"
    r"μου|είναι|"
    r"ni|no\.?|number|numer|nomor|nummer|nr\.?|من|নম্বর|नंबर|номер|broj|numaras\w|رقم|شماره|:|#|-))*"
    # not "0752 000 058": a line opens with 0 and is grouped; an identifier that opens with 0 is one run
    # a check letter may end it ("DNI 48291736K")
    r"\s*[:#]?\s*(?:\*\*)?([1-9](?:[ .-]?\d){5,15}(?:[A-Z](?![\w-]))?|0\d{8,15})(?![\d-])", I)
DE_TAX_ID_CTX = _ctx("steuer-?id", "steuerliche identifikationsnummer", "identifikationsnummer", "idnr",
                     "steuer-identifikationsnummer", "tax id")
IN_PAN_CTX = _ctx("pan", "permanent account number")
#: An Indian PAN: three letters, the holder's kind (P: a person), a letter, four digits, a check letter.
IN_PAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z](?![A-Za-z0-9])")
IS_KENNITALA_CTX = _ctx("kennitala", "kennitölu", "kt\\.", *_ID_WORDS)
HR_OIB_CTX = _ctx("oib", "osobni identifikacijski", "personal identification number", *_ID_WORDS)
#: A Hong Kong identity card number: one or two letters, six digits, the check digit (or A) in brackets or not.
HKID = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{1,2}\d{6}(?:\([0-9A]\)|[0-9A])(?![A-Za-z0-9-])")
ZA_ID_CTX = _ctx("south african id", "sa id", "identity document", *_ID_WORDS)
PASSPORT_CTX = re.compile("여권|护照|護照|パスポート|旅券|جواز|паспорт|" + _ctx(
    "passport", "passeport", "reisepass", "pasaporte", "passaporte", "passaporto", "paszport", "paspoort",
    "pasaport", "paspor", "pass(?:nummer|nr)").pattern, I)
LICENSE_CTX = _ctx("driver", "driving", "licen[cs]e", "dl#", "dl ", "permit")
BANK_CTX = _ctx("account", "acct", "bank", "routing", "aba", "checking", "savings")
IBAN_CTX = _ctx("iban", "account", "transfer", "bank")
PHONE_CTX = re.compile("手机|手機|电话|電話|携帯|휴대폰|핸드폰|전화|נייד|טלפון|هاتف|جوال|" + _ctx(
    "phone", "tel", "call", "mobile", "cell", "fax", "office", "number", "registered", "contact",
    "reach", "text me", "whatsapp", "landline", "home",
).pattern, I)
ZIP_CTX = _ctx("zip", "postal", "post code", "postcode")


def emails(text: str, digits: Digits) -> Iterator[Hit]:
    if "@" not in text:
        return
    for m in EMAIL.finditer(text):
        yield Hit("EMAIL_ADDRESS", m.start(), m.end(), 0.95)


#: Web sites of public bodies are not personal data (irs.gov, gov.uk/..., canada.ca, europa.eu).
PUBLIC_HOST = re.compile(
    r"^(?:https?://)?(?:[\w-]+\.)*(?:gov|mil|int|gov\.[a-z]{2}|gc\.ca|canada\.ca|europa\.eu|gouv\.fr|"
    r"bund\.de|overheid\.nl|gob\.[a-z]{2}|govt\.nz|gov\.au|admin\.ch|who\.int|un\.org|unicef\.org|"
    r"unhcr\.org|studentaid\.gov|disasterassistance\.gov)(?:[/:?#]|$)",
    I,
)


#: What a match of BARE_DOMAIN must hold (same flags, so it matches wherever BARE_DOMAIN does).
_DOT_LETTER = re.compile(r"\.[a-z]", I)
_DIGIT_DOT_DIGIT = re.compile(r"\d\.\d")  # ... of IPV4
#: Runs of digits that any match of a pattern holds: SSN, ITIN, NHS and SIN (9 digits or more, one
#: separator at most between two), cards (12), passport and bank numbers (8 in a row). The
#: recognisers now ask ``hits.Digits`` (its groups of digits and longest run, counted once a text),
#: which says as much and where; these stay as the plain statement the tests check it against.
_NINE_DIGITS = re.compile(r"\d(?:[- .]?\d){8}")
_TWELVE_DIGITS = re.compile(r"\d(?:[ -]?\d){11}")
_EIGHT_DIGITS = re.compile(r"\d{8}")
#: What every IBAN holds: two letters then two digits (a letter that IGNORECASE matches to ``[A-Z]``
#: is a ``[^\W\d_]``); found from its digits, so the scan jumps between digits in C.
_LETTERS_DIGITS = re.compile(r"\d\d(?<=[^\W\d_]{2}\d\d)")
#: ... and every IPv6 address: two of its colons with at most four hex digits between them.
_TWO_COLONS = re.compile(r":[0-9a-f]{0,4}:", I)


def urls(text: str, digits: Digits) -> Iterator[Hit]:
    if "://" in text or "www." in text.lower():
        for m in URL.finditer(text):
            if not PUBLIC_HOST.match(m.group()):
                yield Hit("URL", m.start(), m.end(), 0.7)
    if _DOT_LETTER.search(text) is None:
        return
    for m in BARE_DOMAIN.finditer(text):
        if not PUBLIC_HOST.match(m.group()):
            yield Hit("URL", m.start(), m.end(), 0.5)


def ips(text: str, digits: Digits) -> Iterator[Hit]:
    colons = _TWO_COLONS.search(text, text.find(":")) if text.count(":") >= 2 else None
    patterns = ((IPV4,) if _DIGIT_DOT_DIGIT.search(text) else ()) + ((IPV6,) if colons else ())
    for pattern in patterns:
        # IPv4 starts with a digit, IPv6 at most four hex digits before the first two colons it holds
        start = digits.start() if pattern is IPV4 else max(0, colons.start() - 4) if colons else 0
        for m in pattern.finditer(text, start):
            value = m.group()
            if value.count(":") >= 2 and not any(c.isalpha() for c in value) and len(value) < 8:
                continue  # a time such as 12:13:52
            try:
                ipaddress.ip_address(value)
            except ValueError:
                continue
            yield Hit("IP_ADDRESS", m.start(), m.end(), 0.9)


def cards(text: str, digits: Digits) -> Iterator[Hit]:
    at = digits.group(12) if digits.total >= 12 else -1  # twelve digits or more, in one group
    if at < 0:
        return
    for m in CARD.finditer(text, at):
        number = digits_in(m.group())
        if 12 <= len(number) <= 19 and luhn_valid(number) and len(set(number)) > 1:
            score = 0.9 if number[0] in "2345" or context_before(text, m.start(), CARD_CTX) else 0.8
            yield Hit("CREDIT_CARD", m.start(), m.end(), score)


def ibans(text: str, digits: Digits) -> Iterator[Hit]:
    if digits.longest < 2:
        return
    found = _LETTERS_DIGITS.search(text, digits.start())
    if found is None:
        return
    for m in IBAN.finditer(text, found.start() - 2):  # two letters, then two digits
        value = m.group()
        while value:
            if iban_valid(value):
                yield Hit("IBAN_CODE", m.start(), m.start() + len(value), 0.95)
                break
            cut = value.rfind(" ")
            value = value[:cut] if cut > 0 else ""
        else:
            if context_before(text, m.start(), IBAN_CTX) and " " not in m.group():
                yield Hit("IBAN_CODE", m.start(), m.end(), 0.6)


_COUNTRY_CODE = re.compile(r"(?:\+\d{1,3}|\(\+?\d{1,3}\))[ -]?$")
_ROUTING = re.compile(r"\b(?:routing|aba|sort code|transit|bank code|bic|swift)\b[^\n\d]{0,16}$", I)


def national_ids(text: str, digits: Digits) -> Iterator[Hit]:
    n = digits.total  # SSN, ITIN, SIN and BSN have 9 digits, NHS 10, PPS 7, NINO 6, MBI at least 5
    at = digits.start()  # each of them starts with a digit, NINO with two letters and a space
    # SSN, ITIN, SIN and BSN: nine digits in one group (hits.Digits.group), NHS ten, PPS and NIF seven
    nine = digits.group(9) if n >= 9 else -1
    for m in SSN.finditer(text, nine) if nine >= 0 else ():
        ctx = context_before(text, m.start(), SSN_CTX)  # "SSN 123-45-6789": a sample the caller calls theirs
        if not ssn_valid(digits_in(m.group()), samples=ctx):
            continue
        if not ctx and m.group(1) != "-" and SERVICE_NUMBER.match(m.group()):
            continue  # "Centrum Wsparcia on 800 70 2222": a toll-free line grouped 3-2-4, not an SSN
        if not _COUNTRY_CODE.search(text, max(0, m.start() - 6), m.start()):
            score = 0.85 if m.group(1) == "-" or ctx else (0.6 if m.group(1) else 0.3)
            yield Hit("US_SSN", m.start(), m.end(), min(0.95, score + (0.1 if ctx else 0.0)))
    for m in ITIN.finditer(text, nine) if nine >= 0 else ():
        ctx = context_before(text, m.start(), ITIN_CTX)
        yield Hit("US_ITIN", m.start(), m.end(), 0.9 if ctx else (0.55 if m.group(1) else 0.3))
    for m in NHS.finditer(text, digits.group(10)) if n >= 10 and digits.group(10) >= 0 else ():
        if nhs_valid(digits_in(m.group())):
            yield Hit("UK_NHS", m.start(), m.end(), 0.9 if context_before(text, m.start(), NHS_CTX) else 0.4)
    for m in NINO.finditer(text, max(0, at - 3)) if n >= 6 else ():
        yield Hit("UK_NINO", m.start(), m.end(), 0.95 if context_before(text, m.start(), NINO_CTX) else 0.8)
    for m in NINO_ANY.finditer(text, max(0, at - 3)) if n >= 6 else ():
        if not NINO.fullmatch(m.group()) and context_before(text, m.start(), NINO_CTX):
            yield Hit("UK_NINO", m.start(), m.end(), 0.85)
    for m in SIN.finditer(text, nine) if nine >= 0 else ():
        if luhn_valid(digits_in(m.group())):
            yield Hit("CA_SIN", m.start(), m.end(), 0.9 if context_before(text, m.start(), SIN_CTX) else 0.3)
    for m in MBI.finditer(text, at) if n >= 5 else ():
        yield Hit("US_MBI", m.start(), m.end(), 0.85)
    for m in BSN.finditer(text, nine) if nine >= 0 else ():
        if bsn_valid(digits_in(m.group())) and context_before(text, m.start(), BSN_CTX):
            yield Hit("NL_BSN", m.start(), m.end(), 0.9)
    seven = digits.group(7) if n >= 7 else -1
    for m in PPS.finditer(text, seven) if seven >= 0 else ():
        if pps_valid(m.group()) and context_before(text, m.start(), PPS_CTX):
            yield Hit("IE_PPS", m.start(), m.end(), 0.9)
    for m in ELEVEN.finditer(text, digits.run(text, 11)) if n >= 11 and digits.longest >= 11 else ():
        number = m.group()
        if pesel_valid(number):
            yield Hit("PL_PESEL", m.start(), m.end(), 0.9 if context_before(text, m.start(), PESEL_CTX) else 0.4)
        if lt_code_valid(number):
            yield Hit("LT_PERSONAL_CODE", m.start(), m.end(),
                      0.9 if context_before(text, m.start(), LT_CODE_CTX) else 0.4)
    for m in NIF.finditer(text, max(0, seven - 2)) if seven >= 0 else ():  # "X-" before the digits
        if nif_valid(m.group()):
            yield Hit("ES_NIF", m.start(), m.end(), 0.9 if context_before(text, m.start(), NIF_CTX) else 0.4)


#: (type, pattern, check, context words, digits a match holds, score without a context word, digits at
#: least in the group of digits (``hits.Digits.group``) a match opens in, digits in a row it opens with)
_WORLD_IDS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool], re.Pattern[str], int, float, int, int], ...] = (
    ("KR_RRN", re.compile(r"\d(?<![\d-]\d)\d{5}-?\d{7}(?![\d-])"), rrn_valid, KR_RRN_CTX, 13, 0.4, 13, 6),
    ("TR_TCKN", ELEVEN, tckn_valid, TR_TCKN_CTX, 11, 0.4, 11, 11),
    ("NO_FNR", ELEVEN, fnr_valid, NO_FNR_CTX, 11, 0.4, 11, 11),
    ("FR_NIR", re.compile(r"[1-478](?<![\w-][1-478]) ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?![\d-])", I),
     nir_valid, FR_NIR_CTX, 13, 0.4, 6, 1),
    ("BR_CPF", re.compile(r"\d(?<![\d.-]\d)\d\d(\.?)\d{3}\1\d{3}-?\d{2}(?![\d-])"),
     cpf_valid, BR_CPF_CTX, 11, 0.4, 11, 3),
    ("CL_RUT", re.compile(r"\d(?<![\d.-]\d)\d?(\.?)\d{3}\1\d{3}-[\dkK](?![\w-])"), rut_valid, CL_RUT_CTX, 7, 0.4, 7, 1),
    ("IN_AADHAAR", re.compile(r"[2-9](?<![\d-][2-9])\d{3}( ?)\d{4}\1\d{4}(?![\d-])"),
     aadhaar_valid, IN_AADHAAR_CTX, 12, 0.4, 12, 4),
    ("BE_NRN", re.compile(r"\d(?<![\d.-]\d)\d\.?\d{2}\.?\d{2}[-. ]?\d{3}[.-]?\d{2}(?![\d-])"),
     be_nrn_valid, BE_NRN_CTX, 11, 0.4, 11, 2),
    ("SE_PERSONNUMMER", re.compile(r"(?<![\d-])(?:19|20)?\d{6}[-+]?\d{4}(?![\d-])"),
     se_pnr_valid, SE_PNR_CTX, 10, 0.4, 10, 6),
    ("ZA_ID", re.compile(r"\d(?<![\d-]\d)\d{5} ?\d{4} ?\d{3}(?![\d-])"), za_id_valid, ZA_ID_CTX, 13, 0.4, 13, 6),
    ("FI_HETU", re.compile(r"\d(?<![\w-]\d)\d{5}[-+A-FU-Y]\d{3}[0-9A-Y](?![\w-])", I),
     hetu_valid, FI_HETU_CTX, 9, 0.6, 6, 6),
    ("CN_RIC", re.compile(r"\d(?<![\d-]\d)\d{16}[\dXx](?![\w-])"), cn_ric_valid, CN_RIC_CTX, 17, 0.4, 17, 17),
    ("RO_CNP", THIRTEEN, cnp_valid, RO_CNP_CTX, 13, 0.4, 13, 13),
    ("CZ_BIRTH_NUMBER", re.compile(r"\d(?<![\d/-]\d)\d{5}/?\d{4}(?![\d/-])"),
     birth_number_valid, CZ_BIRTH_CTX, 10, 0.4, 10, 6),
    ("PT_NIF", re.compile(r"\d(?<![\d.-]\d)\d{8}(?![\d-])"), pt_nif_valid, PT_NIF_CTX, 9, 0.4, 9, 9),
    # no date or place in it: one eleven-digit number in ten passes the check, so only a word makes it an OIB
    ("HR_OIB", ELEVEN, oib_valid, HR_OIB_CTX, 11, 0.3, 11, 11),
    # one nine-digit number in ten passes the check: only a word makes it an Israeli identity number
    ("IL_ID", NINE, il_id_valid, IL_ID_CTX, 9, 0.3, 9, 9),
    ("JP_MY_NUMBER", re.compile(r"\d(?<![\d-]\d)\d{3}([ -]?)\d{4}\1\d{4}(?![\d-])"), my_number_valid,
     JP_MY_NUMBER_CTX, 12, 0.3, 12, 4),
    ("RS_JMBG", THIRTEEN, jmbg_valid, JMBG_CTX, 13, 0.4, 13, 13),
    ("GR_AMKA", ELEVEN, amka_valid, AMKA_CTX, 11, 0.3, 11, 11),
    ("IS_KENNITALA", re.compile(r"\d(?<![\d-]\d)\d{5}-?\d{4}(?![\d-])"), kennitala_valid, IS_KENNITALA_CTX, 10, 0.3,
     10, 6),
    # the German Steuer-ID has the OIB's check (ISO 7064 mod 11,10): only its word makes eleven digits one
    ("DE_TAX_ID", ELEVEN, oib_valid, DE_TAX_ID_CTX, 11, 0.3, 11, 11),
    ("UA_RNOKPP", TEN, rnokpp_valid, UA_RNOKPP_CTX, 10, 0.3, 10, 10),
    ("IR_NATIONAL_CODE", TEN, ir_code_valid, IR_CODE_CTX, 10, 0.3, 10, 10),
)
#: A run of six digits or more, with a number's separators: where NATIONAL_ID's number can be.
_SIX_DIGITS = re.compile(r"\d(?:[ .-]?\d){5,}")
#: How far before its number an identity word and the words between them can start: theirs are short ("my
#: national ID number is"); an identity word more than this before its number (twenty filler words) is not read.
_ID_REACH = 100


def _national_id_matches(text: str) -> Iterator[re.Match[str]]:
    """NATIONAL_ID's matches, searched only in windows that end just after a run of six digits or more and
    start :data:`_ID_REACH` characters before it (merged where they meet): its many-word alternation, tried at
    every position of a long text, cost more than the rest of the identifiers together."""
    w0 = w1 = -1
    for run in _SIX_DIGITS.finditer(text):
        start, end = max(0, run.start() - _ID_REACH), min(len(text), run.end() + 1)
        if start <= w1:
            w1 = end
            continue
        if w1 >= 0:
            yield from NATIONAL_ID.finditer(text, w0, w1)
        w0, w1 = start, end
    if w1 >= 0:
        yield from NATIONAL_ID.finditer(text, w0, w1)


def _placeholder(number: str) -> bool:
    """Digits that show a format, not someone's number: a counting run ("123456789", "987654321") or one digit
    repeated ("000000000"), with at most one more digit after it."""
    body = number[:-1] if len(number) > 6 else number
    return len(set(body)) == 1 or body in "01234567890123456789" or body in "98765432109876543210"


#: A code the text itself calls invalid, right after it: "La CURP … no es válida", "… is not valid".
_SAID_INVALID = re.compile(r"[\s*]*(?:no\s+es\s+v[áa]lid|is\s+(?:not\s+valid|invalid)|n['\u2019]est\s+pas\s+valide|"
                           r"ist\s+ung[üu]ltig|non\s+[èe]\s+valid|não\s+é\s+válid)", I)
_CURP_WORD = re.compile(r"\bCURP\b[\s:*]*$", I)
#: Identifiers of schemes with no check here, by their shape: a Ghana Card PIN ("GHA-718394052-6") and a
#: Japanese residence card number ("AB12345678CD"), each its own shape; a Kenyan KRA PIN ("A014729385K"), a
#: PhilSys number ("4821-7730-5914-2386"), a Maltese identity card ("418592M"), these three only after their
#: word (:data:`_SHAPED_ID_WORDS`).
_SHAPED_IDS = re.compile(r"(?<![\w-])(?:(?P<own>GHA-\d{9}-\d|[A-Z]{2}\d{8}[A-Z]{2})|[AP]\d{9}[A-Z]|"
                         r"\d{4}-\d{4}-\d{4}-\d{4}|\d{3,7}[MGAPLHBZ])(?![\w-])")
_SHAPED_ID_WORDS = _ctx("kra pin", "pin", "philsys", "psn", "pcn", "national id", "id card", "identity card",
                        "karta tal-identità", "id")
#: "GOMA910725KJ3": a Mexican RFC (Registro Federal de Contribuyentes) of a person (a company's has three letters).
_GENERIC_RFC = frozenset({"XAXX010101000", "XEXX010101000"})
MX_RFC = re.compile(r"(?<![\w-])[A-ZÑ&]{4}(\d{6})[A-Z\d]{3}(?![\w-])")
#: A CPF written "384.716.092-31" or a RUT "14.582.396-K": dots and a dash around a valid check are an
#: identifier's shape, not a phone's, with no word before it.
_DOTTED_ID = re.compile(r"^\d{1,3}\.\d{3}\.\d{3}-[\dkK]{1,2}$")


def world_ids(text: str, digits: Digits) -> Iterator[Hit]:
    """National identifiers of round 10 (:data:`_WORLD_IDS`), and the Italian codice fiscale (its
    shape of letters and digits and its check letter are an identifier's with no word before it)."""
    n = digits.total
    runs: dict[int, int] = {}  # where the first run of so many digits in a row is
    for kind, pattern, valid, words, needs, score, group, row in _WORLD_IDS:
        if n < needs or digits.longest < row:
            continue
        at = digits.group(group)  # each opens with a digit, in a group of so many digits
        if at < 0:
            continue
        if row > 1:
            run = runs.get(row)
            if run is None:
                run = runs[row] = digits.run(text, row)
            at = max(at, run)
        for m in pattern.finditer(text, at):
            value = m.group()
            if not valid(value if kind in ("FR_NIR", "CL_RUT", "FI_HETU", "CN_RIC") else digits_in(value)):
                if (context_before(text, m.start(), words) and not _SAID_INVALID.match(text, m.end())
                        and not _placeholder(digits_in(value))):
                    # "TC 38519274650", "my Aadhaar is 5827 3619 4024": the caller's number after its word, though
                    # its check fails (a typo): an identifier, not that scheme's
                    yield Hit("NATIONAL_ID", m.start(), m.end(), 0.7)
                continue
            if context_before(text, m.start(), words):
                yield Hit(kind, m.start(), m.end(), 0.95)
            elif _DOTTED_ID.match(value):
                yield Hit(kind, m.start(), m.end(), 0.75)
            else:
                yield Hit(kind, m.start(), m.end(), score)
    six = digits.group(6) if n >= 7 else -1  # a Hong Kong identity card: letters, six digits, the check
    for m in HKID.finditer(text, max(0, six - 2)) if six >= 0 else ():
        if hkid_valid(m.group()):
            bracketed = m.group().endswith(")")
            yield Hit("HK_HKID", m.start(), m.end(),
                      0.95 if context_before(text, m.start(), HKID_CTX) else 0.8 if bracketed else 0.4)
    for m in CURP.finditer(text) if n >= 7 else ():
        if curp_valid(m.group()):
            yield Hit("MX_CURP", m.start(), m.end(), 0.9)
        elif _CURP_WORD.search(text, max(0, m.start() - 16), m.start()) and not _SAID_INVALID.match(text, m.end()):
            yield Hit("NATIONAL_ID", m.start(), m.end(), 0.7)  # "CURP RASL850617HJCMTS09": its word, a wrong check
    for m in _SHAPED_IDS.finditer(text) if n >= 7 else ():
        # a Ghana Card's PIN, a residence card's number, a KRA PIN, a PhilSys number: a scheme's own shape, or
        # its word before it
        if _placeholder(digits_in(m.group())):
            continue  # "GHA-123456789-0": the format, as an answer shows it
        if m.group("own") or context_before(text, m.start(), _SHAPED_ID_WORDS):
            yield Hit("NATIONAL_ID", m.start(), m.end(), 0.85)
    for m in MX_RFC.finditer(text) if n >= 6 else ():
        # a Mexican RFC of a person: four letters, the date of birth (YYMMDD), three of the homoclave
        # (not the generic RFCs everyone uses for sales to the public and to foreigners: "XAXX010101000")
        if 1 <= int(m.group(1)[2:4]) <= 12 and 1 <= int(m.group(1)[4:]) <= 31 and m.group() not in _GENERIC_RFC:
            yield Hit("NATIONAL_ID", m.start(), m.end(), 0.85)
    for m in _national_id_matches(text) if n >= 6 else ():
        yield Hit("NATIONAL_ID", m.start(1), m.end(1), 0.75)
    for m in CNIC.finditer(text) if n >= 13 else ():
        yield Hit("PK_CNIC", m.start(), m.end(), 0.85)
    for m in IN_PAN.finditer(text) if n >= 4 else ():
        personal = m.group()[3] == "P"
        if context_before(text, m.start(), IN_PAN_CTX):
            yield Hit("IN_PAN", m.start(), m.end(), 0.9)
        elif personal:
            yield Hit("IN_PAN", m.start(), m.end(), 0.6)
    nric = digits.group(7) if n >= 7 else -1  # a Singapore NRIC or FIN: a letter, seven digits, a check letter
    if nric >= 0:
        for m in NRIC.finditer(text, max(0, nric - 1)):
            worded = context_before(text, m.start(), SG_NRIC_CTX)
            if nric_valid(m.group()):
                yield Hit("SG_NRIC", m.start(), m.end(), 0.95 if worded else 0.6)
            elif worded and not _SAID_INVALID.match(text, m.end()):
                # "my NRIC S8842175H": the caller's number, though its check letter is wrong (a typo): an
                # identifier, not a valid NRIC
                yield Hit("NATIONAL_ID", m.start(), m.end(), 0.7)
    # a codice fiscale holds a digit (or an omocodia letter) at most 15 characters after its start, and is
    # 16 letters and digits (no white space): a text whose words are all shorter holds none
    if n >= 1 and max(map(len, text.split())) >= 16:
        for m in FISCAL_CODE.finditer(text, digits.start(15)):
            if fiscal_code_valid(m.group()):
                yield Hit("IT_FISCAL_CODE", m.start(), m.end(),
                          0.95 if context_before(text, m.start(), FISCAL_CODE_CTX) else 0.85)


def _context_distance(text: str, start: int, words: re.Pattern[str], window: int = 48) -> int | None:
    """How far before ``start`` the nearest context word ends (None: none in the window)."""
    last = None
    for m in words.finditer(text, max(0, start - window), start):
        last = m
    return None if last is None else start - last.end()


_WORD_PART = re.compile(r"(?:^|-)[a-z]{3,}(?:-|$)")


def _may_name_a_licence(text: str) -> bool:
    """False only where :data:`LICENSE_CTX` cannot match: an ASCII text (where IGNORECASE matches
    ASCII letters only) holding none of its words' first letters in lower case."""
    if not text.isascii():
        return True
    low = text.lower()
    return "driv" in low or "licen" in low or "dl" in low or "permit" in low


def contextual_numbers(text: str, digits: Digits) -> Iterator[Hit]:
    """Shapes that are only identifiers when a context word says so; when several context words
    precede a number ("driver's license D123, bank account 0001"), the nearest one decides.
    Bank numbers hold eight digits in a row, passport numbers five: a text without them is not walked with
    those patterns; a passport number starts at most four characters before its first five digits in a
    row, a bank number with them. A licence number may start a long run of letters before its first digit, so its
    pattern walks the whole text, only when the text holds a licence's context word (without
    one there is no candidate)."""
    kinds: tuple[tuple[str, re.Pattern[str], re.Pattern[str], float, int], ...]
    if digits.longest < 8:  # no eight digits in a row: no bank number, and a passport only in the shorter shapes
        kinds = (("US_DRIVER_LICENSE", LICENSE, LICENSE_CTX, 0.8, 0),)
        if digits.longest >= 5 and PASSPORT_CTX.search(text) is not None:  # "18AV52931"
            kinds += (("US_PASSPORT", PASSPORT, PASSPORT_CTX, 0.8, max(0, digits.run(text, 5) - 4)),)
    else:
        eight = digits.run(text, 8)
        kinds = (("US_PASSPORT", PASSPORT, PASSPORT_CTX, 0.8, max(0, digits.run(text, 5) - 4)),
                 ("US_DRIVER_LICENSE", LICENSE, LICENSE_CTX, 0.8, 0),
                 ("US_BANK_NUMBER", BANK, BANK_CTX, 0.75, eight))
    candidates: list[tuple[int, Hit]] = []
    for kind, pattern, words, score, start in kinds:
        if pattern is LICENSE and (not _may_name_a_licence(text) or words.search(text) is None):
            continue
        for m in pattern.finditer(text, start):
            if kind == "US_BANK_NUMBER" and _ROUTING.search(text, max(0, m.start() - 24), m.start()):
                continue  # a routing number names a bank, not a person
            if kind == "US_DRIVER_LICENSE" and _WORD_PART.search(m.group()):
                continue  # "a free TV licence for over-75s": a word and an age, not a licence number
            distance = _context_distance(text, m.start(), words)
            if distance is not None:
                candidates.append((distance, Hit(kind, m.start(), m.end(), score)))
    for distance, hit in candidates:
        nearer = any(d < distance and h.start < hit.end and hit.start < h.end for d, h in candidates)
        yield hit._replace(score=0.55) if nearer else hit


_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
_TRUNK_DIALLED = re.compile(r"0[1-9]\d{8,9}")  # a national number with its trunk 0, 10 or 11 digits
_DATEISH = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$|^\d{1,2}:\d{2}")


def phones(text: str, digits: Digits) -> Iterator[Hit]:
    if digits.total < 7:  # a phone number is reported with 7 digits or more
        return
    for m in PHONE.finditer(text, digits.start(2)):  # "(+" at most before the first digit
        value = m.group()
        start, end = m.start(), m.end()
        if value.count("(") != value.count(")"):
            if value.startswith("(") and ")" not in value and value[1:2].isdigit():
                value, start = value[1:], start + 1  # "311 (416-392-2489 from outside Toronto)": the aside's bracket
            elif value.startswith("("):
                continue
            if "(" in value:
                cut = value.rfind("(")
                head = value[:cut].rstrip(" .-")
                if len(digits_in(head)) >= 7 or not value[cut + 1:cut + 2].isdigit():
                    value, end = head, start + len(head)
                else:  # "call 311 (416-392-2489 from outside": the number after the aside's bracket
                    value, start = value[cut + 1:], start + cut + 1
        main = _EXTENSION.sub("", value)
        n = len(digits_in(main))
        if not 7 <= n <= 15 or _DATEISH.match(value) or _SSN_SHAPE.fullmatch(value):
            continue
        if SERVICE_NUMBER.match(main) or _POSTCODE_LIKE.match(main):
            continue
        separated = bool(re.search(r"[ ().-]", main.strip()))
        if not separated and n < 10:
            continue
        ctx = context_before(text, start, PHONE_CTX, window=40, end=end, after=16)
        score = (0.55 if separated else 0.4) + (0.3 if ctx else 0.0) + (0.1 if value.startswith("+") else 0.0)
        if not (separated or ctx) and _TRUNK_DIALLED.fullmatch(main):
            score = 0.5  # "Thandiwe Mokoena, 0821234567": a trunk-dialled number is a phone with no word before it
        yield Hit("PHONE_NUMBER", start, end, min(score, 0.9))


RECOGNISERS: tuple[Recogniser, ...] = (
    emails, urls, ips, cards, ibans, national_ids, world_ids, contextual_numbers, phones,
)
#: The ones that can match a text without digits (the others are skipped for such a text).
TEXT_RECOGNISERS: tuple[Recogniser, ...] = (emails, urls)

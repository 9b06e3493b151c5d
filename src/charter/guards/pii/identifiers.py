"""Recognisers for national identifiers: a person's number in a state's scheme (an SSN, a NINO, a
PESEL, a codice fiscale, a CURP, ...), reported with its check digit or letter where the scheme has one,
a real date of birth where the number holds one, and the words that name it before it.

:func:`national_ids` reads the US, UK, Canadian, Dutch, Irish, Polish, Lithuanian and Spanish ones;
:func:`world_ids` those of round 10 (:data:`_WORLD_IDS`, one row a scheme) and the ones taken by
their shape or their word alone: a number right after an identity word of a scheme no recogniser
here knows (:data:`NATIONAL_ID`), a number after its scheme's word though its check fails, and schemes
with no check here (a Ghana Card PIN, a KRA PIN, a Mexican RFC, ...).

They are apart from patterns.py (e-mails, URLs, IPs, cards, IBANs, phones) because they are most of
the engine's patterns and grow by scheme: a new one is a pattern, its context words and a check in
checksums.py. They build on patterns.py's context words and public-service numbers; patterns.py does
not import them, and the engine puts both modules' recognisers in one order (``engine.RECOGNISERS``).
Scores follow patterns.py's scale, and each pattern starts where the first group or run of digits it
needs is (``hits.Digits``), or not at all.
"""

from __future__ import annotations

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
    counts_up,
    cpf_valid,
    curp_valid,
    de_svnr_valid,
    fiscal_code_valid,
    fnr_valid,
    hetu_valid,
    hkid_valid,
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
    th_id_valid,
    tw_id_valid,
    za_id_valid,
)
from charter.guards.pii.checksums import digits as digits_in
from charter.guards.pii.hits import Digits, Hit, context_before, windows
from charter.guards.pii.patterns import SERVICE_NUMBER, context_words

__all__ = ["national_ids", "world_ids"]

I = re.IGNORECASE  # noqa: E741

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
SSN_CTX = context_words("ssn", "social security", "ss#", "ss #")
ITIN_CTX = context_words("itin", "taxpayer", "tax id", "tin")
NHS_CTX = context_words("nhs", "national health", "health service", "patient")
NINO_CTX = context_words("nino", "national insurance", "ni number")
SIN_CTX = context_words("sin", "social insurance")
BSN_CTX = context_words("bsn", "burger ?service ?nummer", "sofi ?nummer", "citizen service number")
PPS_CTX = context_words("pps", "personal public service")
PESEL_CTX = context_words("pesel")
NIF_CTX = context_words("dni", "nif", "nie", "documento nacional", "n[uú]mero de identi", "identity card",
                        "id card", "national id")
LT_CODE_CTX = context_words("asmens kod", "personal code", "personal id", "isikukood", "national id",
                            "identity code", "id code", "identification code", "personal identification number")
#: Words any national identifier may follow ("my ID number is", "national identity number").
_ID_WORDS = ("national id", "id number", "id no", "id card", "identity number", "identity card",
             "identification number", "personal number", "personal id", "personal code")
FISCAL_CODE_CTX = context_words("codice fiscale", "cod\\. ?fisc", "c\\.f\\.", "cf\\b", "fiscal code", "tax code",
                                *_ID_WORDS)
KR_RRN_CTX = re.compile("주민등록번호|주민번호|외국인등록번호|등록번호|" + context_words(
    "resident registration", "rrn", "alien registration", *_ID_WORDS).pattern, I)
TR_TCKN_CTX = context_words("t\\.c\\.", "t\\.? ?c\\.? kimlik", "kimlik", "tckn", "tc no", "tc", *_ID_WORDS)
NO_FNR_CTX = context_words("f[øo]dselsnummer", "f[øo]dselsnr", "personnummer", "d-nummer", "fnr", "national identity",
                           *_ID_WORDS)
FR_NIR_CTX = context_words("s[ée]curit[ée] sociale", "s[ée]cu\\b", "nir\\b", "insee", "carte vitale",
                           "social security", *_ID_WORDS)
BR_CPF_CTX = context_words("cpf", "cadastro de pessoas", *_ID_WORDS)
CL_RUT_CTX = context_words("rut", "run\\b", "rol [úu]nico", *_ID_WORDS)
IN_AADHAAR_CTX = context_words("aadh?aar", "uidai", "uid", *_ID_WORDS)
BE_NRN_CTX = context_words("rijksregister", "registre national", "national regist", "niss", "insz",
                           "num[ée]ro national", "nationaal nummer", "national number", *_ID_WORDS)
SE_PNR_CTX = context_words("personnummer", "samordningsnummer", "personal identity number", *_ID_WORDS)
FI_HETU_CTX = context_words("henkil[öo]tunnu", "hetu", "personbeteckning", "personal identity code", *_ID_WORDS)
#: Chinese and Korean words are written without spaces around them: no word boundary before them.
CN_RIC_CTX = re.compile("身份证|身份證|身份号码|" + context_words(
    "resident identity", "shenfenzheng", *_ID_WORDS).pattern, I)
RO_CNP_CTX = context_words("cnp", "cod numeric personal", "codul numeric", *_ID_WORDS)
CZ_BIRTH_CTX = context_words("rodn[ée] [čc][íi]slo", "r\\.\\s?[čc]\\.", "r[čc]\\b", "birth number", *_ID_WORDS)
PT_NIF_CTX = context_words("nif", "contribuinte", "n[úu]mero fiscal", "tax number", "tax id", *_ID_WORDS)
SG_NRIC_CTX = context_words("nric", "fin", "ic number", "ic no", *_ID_WORDS)
HKID_CTX = re.compile("身份證|身份证|" + context_words("hkid", "hong kong identity", *_ID_WORDS).pattern, I)
#: Taiwan writes 身分證 ("identity card", with 分), 統一編號 its number; the mainland's 身份证 too.
TW_ID_CTX = re.compile("身分證|身份證|身分证|身份证|統一編號|统一编号|" + context_words(
    "taiwan id", "roc id", "national id", *_ID_WORDS).pattern, I)
JMBG_CTX = re.compile("ЈМБГ|ЕМБГ|" + context_words(
    "jmbg", "embg", "matični broj", "maticni broj", *_ID_WORDS).pattern, I)
#: "เลขบัตร", "เลขบัตรประชาชน", "เลขประจำตัวประชาชน": Thai for "card number", "ID card number", "personal ID number".
TH_ID_CTX = re.compile("เลขบัตร|บัตรประชาชน|เลขประจำตัว|" + context_words("thai id", *_ID_WORDS).pattern, I)
AMKA_CTX = re.compile("ΑΜΚΑ|Α\\.Μ\\.Κ\\.Α|" + context_words("amka", *_ID_WORDS).pattern, I)  # noqa: RUF001 (Greek)
UA_RNOKPP_CTX = re.compile("РНОКПП|ІПН|ИНН|ідентифікаційн|податков|" + context_words(
    "rnokpp", "taxpayer", "tax number", *_ID_WORDS).pattern, I)
#: A German pension or social insurance number's words ("Versicherungsnummer", "Rentenversicherungsnummer",
#: "SV-Nummer").
DE_SVNR_CTX = context_words("versicherungsnummer", "rentenversicherungsnummer", "sozialversicherungsnummer",
                            "sv-?nummer", "rv-?nummer", "rvnr", "svnr", "vsnr", "versicherungsnr")
#: A Mexican social security number (NSS, IMSS): eleven digits with a Luhn check, only after its word.
MX_NSS_CTX = re.compile(context_words("nss", "imss", "n[uú]mero de seguridad social", "seguro social").pattern, I)
IR_CODE_CTX = re.compile("کد ملی|کدملی|شماره ملی|" + context_words(
    "national code", "code melli", *_ID_WORDS).pattern, I)
#: A Pakistani CNIC: five digits, seven, one, with their dashes (the shape alone is the card's).
CNIC = re.compile(r"(?<![\d-])\d{5}-\d{7}-\d(?![\d-])")
IL_ID_CTX = re.compile("ת\"ז|ת״ז|ת\\.ז\\.?|תעודת\\s*ה?זהות|מספר\\s*ה?זהות|" + context_words(
    "teudat zehut", "israeli id", "mispar zehut").pattern, I)
JP_MY_NUMBER_CTX = re.compile("マイナンバー|個人番号|" + context_words(
    "my number", "mynumber", "individual number", *_ID_WORDS).pattern, I)
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
    r"số\s+(?:CCCD|CMND|căn\s+cước)|CCCD|CMND|αμκα|αφμ|afm|егн|egn|steuer\s+id|adószám\w*|adóazonosító(?:\s+jel\w*)?|инн|иин|снилс|"
    r"num[ée]ro\s+(?:d['\u2019])?[ée]tranger|(?<![^\W\d_])(?:dni|nie|nif|pesel|bsn|burgerservicenummer|sofinummer|v-nummer|vreemdelingennummer|crn|iqama|bpjs|"
    r"customer\s+reference\s+number)"
    # "Wanjiku Kamau, ID 28736491", "ID: 28736491": an ID that no word of its own names (not "Reference ID 1234")
    r"|(?<![^\W\d_] )(?<![^\W\d_])id(?=\s*[:#]?\s*\d))"
)
NATIONAL_ID = re.compile(
    _ID_WORD_BEFORE + r"(?:\s+(?:saya|yangu|changu|chako|namba|nambari|ya\s+mimi|mío|mía|de\s+mi|is|es|est|ist|é|"
    r"μου|είναι|"
    r"ni|no\.?|number|numer|nomor|nummer|nr\.?|من|নম্বর|नंबर|номер|broj|numaras\w|رقم|شماره|:|#|-))*"
    # not "0752 000 058": a line opens with 0 and is grouped; an identifier that opens with 0 is one run
    # a check letter may end it ("DNI 48291736K")
    # its digits may be Bengali, Arabic-Indic, Persian or Devanagari ("এনআইডি নম্বর ১৯৯২৬৭১২৫৪৩০০০১২৩")
    # (a Bangladeshi NID has 17)
    r"\s*[:#]?\s*(?:\*\*)?([1-9\u09e7-\u09ef\u0661-\u0669\u06f1-\u06f9\u0967-\u096f](?:[ .-]?\d){5,16}"
    r"(?:[A-Z](?![\w-]))?|0\d{8,15})"
    r"(?![\d-])", I)
DE_TAX_ID_CTX = context_words("steuer-?id", "steuer id", "steuerliche identifikationsnummer", "identifikationsnummer",
                              "idnr", "steuer-identifikationsnummer", "tax id")
IN_PAN_CTX = context_words("pan", "permanent account number")
#: An Indian PAN: three letters, the holder's kind (P: a person), a letter, four digits, a check letter.
#: (Its first letter is matched before the look-behind that no letter or digit precedes it: a pattern that opens
#: with a class of letters is scanned for them in C, one that opens with a look-behind is tried at every position.)
IN_PAN = re.compile(r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z]{2}[PCHFATBLJG][A-Z]\d{4}[A-Z](?![A-Za-z0-9])")
IS_KENNITALA_CTX = context_words("kennitala", "kennitölu", "kt\\.", *_ID_WORDS)
HR_OIB_CTX = context_words("oib", "osobni identifikacijski", "personal identification number", *_ID_WORDS)
#: A Hong Kong identity card number: one or two letters, six digits, the check digit (or A) in brackets or not.
HKID = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{1,2}\d{6}(?:\([0-9A]\)|[0-9A])(?![A-Za-z0-9-])")
#: A Taiwanese identity number: a letter, 1, 2, 8 or 9, eight digits (tw_id_valid checks it).
TW_ID = re.compile(r"(?<![A-Za-z0-9-])[A-Z][1289]\d{8}(?![A-Za-z0-9-])")
# "ID 4305120734085": "ID" alone before thirteen digits (after a name: "my gogo Nomvula Dlamini ID …")
ZA_ID_CTX = context_words("south african id", "sa id", "identity document", "id", *_ID_WORDS)

#: Runs of digits that any match of a pattern holds: SSN, ITIN, NHS and SIN (9 digits or more, one
#: separator at most between two). The recognisers now ask ``hits.Digits`` (its groups of digits and
#: longest run, counted once a text), which says as much and where; this stays as the plain statement
#: the tests check it against.
_NINE_DIGITS = re.compile(r"\d(?:[- .]?\d){8}")
_COUNTRY_CODE = re.compile(r"(?:\+\d{1,3}|\(\+?\d{1,3}\))[ -]?$")


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
    # a Thai identity number: thirteen digits, written whole or "1-1037-00458-21-2"
    ("TH_ID", re.compile(r"[1-8](?<![\d-][1-8])([ -]?)\d{4}\1\d{5}\1\d{2}\1\d(?![\d-])"), th_id_valid, TH_ID_CTX,
     13, 0.4, 13, 1),
    ("IS_KENNITALA", re.compile(r"\d(?<![\d-]\d)\d{5}-?\d{4}(?![\d-])"), kennitala_valid, IS_KENNITALA_CTX, 10, 0.3,
     10, 6),
    # the German Steuer-ID has the OIB's check (ISO 7064 mod 11,10): only its word makes eleven digits one
    ("DE_TAX_ID", ELEVEN, oib_valid, DE_TAX_ID_CTX, 11, 0.3, 11, 11),
    ("UA_RNOKPP", TEN, rnokpp_valid, UA_RNOKPP_CTX, 10, 0.3, 10, 10),
    ("IR_NATIONAL_CODE", TEN, ir_code_valid, IR_CODE_CTX, 10, 0.3, 10, 10),
    # one eleven-digit number in ten passes the Luhn check: only "NSS" or "IMSS" before it makes it one
    ("MX_NSS", ELEVEN, luhn_valid, MX_NSS_CTX, 11, 0.3, 11, 11),
    # a German Versicherungsnummer: area, birth date, the birth name's letter, serial and check ("65 150861 W 040")
    ("DE_SVNR", re.compile(r"\d(?<![\d-]\d)\d ?[0-7]\d[01]\d{3} ?[A-Za-z] ?\d{3}(?![\w-])"), de_svnr_valid, DE_SVNR_CTX,
     11, 0.4, 2, 2),
)
#: A run of six digits or more, with a number's separators: where NATIONAL_ID's number can be.
_SIX_DIGITS = re.compile(r"\d(?:[ .-]?\d){5,}")
#: How far before its number an identity word and the words between them can start: theirs are short ("my
#: national ID number is"); an identity word more than this before its number (twenty filler words) is not read.
_ID_REACH = 100


#: The first letters an identity word of :data:`_ID_WORD_BEFORE` can open with in ASCII text (a test derives them
#: from the pattern): the ASCII search below tries its alternation only where one of them is.
_ID_WORD_ASCII_FIRST = "abcdegikmnopsv"
#: :data:`NATIONAL_ID` for ASCII text put in lower case: the same pattern, its upper-case letters in lower case and
#: no IGNORECASE. Python's IGNORECASE folds every character it compares, at every branch of the many-word
#: alternation and every position of a window: on ASCII text in lower case the plain pattern finds the same
#: spans (``str.lower`` keeps an ASCII text's length; a test checks the two agree) in a third of the time.
_NATIONAL_ID_ASCII = re.compile(
    f"(?=[{_ID_WORD_ASCII_FIRST}])"
    + NATIONAL_ID.pattern.replace("CCCD", "cccd").replace("CMND", "cmnd").replace("[A-Z]", "[a-z]"))


def _national_id_matches(text: str) -> Iterator[re.Match[str]]:
    """NATIONAL_ID's matches (only their group 1's span is read), searched only in windows that end just after
    a run of six digits or more and start :data:`_ID_REACH` characters before it (merged where they meet): its
    many-word alternation, tried at every position of a long text, cost more than the rest of the identifiers
    together. An ASCII text is searched in lower case with :data:`_NATIONAL_ID_ASCII`."""
    pattern, haystack = (_NATIONAL_ID_ASCII, text.lower()) if text.isascii() else (NATIONAL_ID, text)
    for w0, w1 in windows(text, _SIX_DIGITS, _ID_REACH, 1):
        yield from pattern.finditer(haystack, w0, w1)


def _placeholder(number: str) -> bool:
    """Digits that show a format, not someone's number: a counting run ("123456789", "987654321") or one digit
    repeated ("000000000"), with at most one more digit after it."""
    return counts_up(number[:-1] if len(number) > 6 else number)


#: A code the text itself calls invalid, right after it: "La CURP … no es válida", "… is not valid".
_SAID_INVALID = re.compile(r"[\s*]*(?:no\s+es\s+v[áa]lid|is\s+(?:not\s+valid|invalid)|n['\u2019]est\s+pas\s+valide|"
                           r"ist\s+ung[üu]ltig|non\s+[èe]\s+valid|não\s+é\s+válid)", I)
_CURP_WORD = re.compile(r"\bCURP\b(?:\s+(?:es|is))?[\s:*]*$", I)  # "CURP GAHL…", "mi CURP es GAHL…"
#: Identifiers of schemes with no check here, by their shape: a Ghana Card PIN ("GHA-718394052-6") and a
#: Japanese residence card number ("AB12345678CD"), each its own shape; a Kenyan KRA PIN ("A014729385K"), a
#: PhilSys number ("4821-7730-5914-2386"), a Maltese identity card ("418592M"), these three only after their
#: word (:data:`_SHAPED_ID_WORDS`).
_SHAPED_IDS = re.compile(r"(?<![\w-])(?:(?P<own>GHA-\d{9}-\d|[A-Z]{2}\d{8}[A-Z]{2})|[AP]\d{9}[A-Z]|"
                         r"\d{4}-\d{4}-\d{4}-\d{4}|\d{3,7}[MGAPLHBZ])(?![\w-])")
_SHAPED_ID_WORDS = context_words("kra pin", "pin", "philsys", "psn", "pcn", "national id", "id card",
                                 "identity card", "karta tal-identità", "id", "uan")
#: "A-number A212-345-678", "A# 212 345 678", "alien number A-098765432": a US alien registration number after its word.
US_A_NUMBER = re.compile(r"(?<![^\W\d_])(?:A-number|A-#|A#|alien\s+(?:registration\s+)?number|USCIS\s+number)\s*:?\s*"
                         r"(A?[ -]?\d{3}[ -]?\d{3}[ -]?\d{3})(?![\w-])", I)
#: "mi NIE es Y3928471-L": a Spanish foreigner's number (X, Y or Z, seven digits, a letter) after its word.
ES_NIE_WORDED = re.compile(r"(?<![^\W\d_])N\.?I\.?E\.?(?:\s+(?:es|is|number|n[úu]mero|:))*\s*:?\s*([XYZ]-?\d{7}-?[A-Z])"
                           r"(?![\w-])", re.IGNORECASE)
#: "BRP ZX1234567", "BRP number: RK9041837": a UK biometric residence permit, two letters and seven characters.
UK_BRP = re.compile(r"\bBRP(?:\s+(?:number|no\.?))?\s*[:#]?\s*([A-Z]{2}[\dX]\d{6})(?![\w-])")
#: "GOMA910725KJ3": a Mexican RFC (Registro Federal de Contribuyentes) of a person (a company's has three letters).
_GENERIC_RFC = frozenset({"XAXX010101000", "XEXX010101000"})
#: (Its first letter before the look-behind, as IN_PAN.)
MX_RFC = re.compile(r"[A-ZÑ&](?<![\w-][A-ZÑ&])[A-ZÑ&]{3}(\d{6})[A-Z\d]{3}(?![\w-])")
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
            if not valid(value if kind in ("FR_NIR", "CL_RUT", "FI_HETU", "CN_RIC", "DE_SVNR") else digits_in(value)):
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
    six = digits.group(6) if n >= 6 else -1  # a Hong Kong identity card: letters, six digits, the check (a digit or A)
    for m in HKID.finditer(text, max(0, six - 2)) if six >= 0 else ():
        if hkid_valid(m.group()):
            bracketed = m.group().endswith(")")
            yield Hit("HK_HKID", m.start(), m.end(),
                      0.95 if context_before(text, m.start(), HKID_CTX) else 0.8 if bracketed else 0.4)
    tw = digits.run(text, 9, 1) if n >= 9 else -1  # its nine digits in a row, one letter before them
    for m in TW_ID.finditer(text, tw) if tw >= 0 else ():
        if tw_id_valid(m.group()) and not counts_up(m.group()[1:]):  # not the textbooks' "A123456789"
            yield Hit("TW_ID", m.start(), m.end(), 0.95 if context_before(text, m.start(), TW_ID_CTX) else 0.4)
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
    for m in UK_BRP.finditer(text) if n >= 6 and "BRP" in text else ():
        if not _placeholder(digits_in(m.group(1))):
            yield Hit("NATIONAL_ID", m.start(1), m.end(1), 0.85)  # a UK biometric residence permit's number
    for m in US_A_NUMBER.finditer(text) if n >= 8 else ():
        if not _placeholder(digits_in(m.group(1))):
            yield Hit("NATIONAL_ID", m.start(1), m.end(1), 0.85)  # "A-number A212-345-678": USCIS's number
    for m in ES_NIE_WORDED.finditer(text) if n >= 7 and "NIE" in text.upper() else ():
        if not nif_valid(m.group(1).replace("-", "")):
            yield Hit("NATIONAL_ID", m.start(1), m.end(1), 0.7)  # "mi NIE es Y3928471-L": its word, a typo's check
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
            elif context_before(text, m.start(), FISCAL_CODE_CTX) and not _SAID_INVALID.match(text, m.end()):
                yield Hit("NATIONAL_ID", m.start(), m.end(), 0.7)  # "codice fiscale FRRLSN85C52F205X": a typo's

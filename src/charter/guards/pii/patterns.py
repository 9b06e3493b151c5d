"""Recognisers for structured personal data other than national identifiers: e-mail addresses, URLs,
IP addresses, payment cards, IBANs, phone numbers, and the passport, driving-licence and bank account
numbers that only a context word makes one (:func:`contextual_numbers`): a pattern, a check digit
where one exists, context words. Also what identifiers.py (the national identifiers) builds on:
:func:`context_words`, and :data:`SERVICE_NUMBER` (a public line is neither a person's phone nor an
SSN). Nothing here imports identifiers.py; the engine orders both modules' recognisers.

Scores follow one scale: 0.85-0.95 for a validated identifier, 0.5-0.7 for a plausible one, below
0.5 for a shape that needs a context word (which lifts it above the default 0.5 threshold).

Each pattern is tried only when the text holds what any match of it must hold (an ``@``, so many
digits, two colons, ...): the same findings, without walking every text with every pattern.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from charter.guards.pii.checksums import digits as digits_in
from charter.guards.pii.checksums import iban_valid, luhn_valid
from charter.guards.pii.hits import Digits, Hit, context_before

__all__ = ["SERVICE_NUMBER", "cards", "context_words", "contextual_numbers", "emails", "ibans", "ips", "phones", "urls"]

I = re.IGNORECASE  # noqa: E741


def context_words(*words: str) -> re.Pattern[str]:
    """One pattern for the context words that, found before a match (``hits.context_before``), make it
    the identifier they name: case-insensitive, each word starting at a word boundary."""
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
    r"^(?:0800|1800)(?:[ .-]?\d){4,8}$|^800(?:[ .-]?\d){6,7}$|"
    # a Dutch information line of four digits after 0900: "0900 8020" (not a mobile of eleven digits, "0917 …")
    r"^0900[ .-]?\d{4}$|"
    # a Vietnamese service line: 1900 or 1800 and four or six digits ("1900 6179", "1800 1567")
    r"^1[89]00[ .-]?\d{4}(?:[ .-]?\d{2})?$|"
    # a Chilean shared-cost line: 600 and seven digits ("600 600 26 26", ChileAtiende; a Spanish mobile "600 123 456"
    # has six)
    r"^600(?:[ .-]?\d){7}$"
)
_POSTCODE_LIKE = re.compile(r"^\d{5}-\d{3}$")  # a Brazilian CEP
#: An area code in brackets and three digits: a service's short code as dialled from a mobile ("PLN 123 … (0251) 123
#: untuk Bogor"); a subscriber's own number has more digits than that.
_AREA_AND_SHORT_CODE = re.compile(r"\(0?\d{2,4}\)[ .-]?\d{3}\s*")

CARD_CTX = context_words("card", "credit", "debit", "visa", "mastercard", "amex", "cc")
PASSPORT_CTX = re.compile("여권|护照|護照|パスポート|旅券|جواز|паспорт|" + context_words(
    "passport", "passeport", "reisepass", "pasaporte", "passaporte", "passaporto", "paszport", "paspoort",
    "pasaport", "paspor", "pass(?:nummer|nr)").pattern, I)
LICENSE_CTX = context_words("driver", "driving", "licen[cs]e", "dl#", "dl ", "permit")
BANK_CTX = context_words("account", "acct", "bank", "routing", "aba", "checking", "savings")
IBAN_CTX = context_words("iban", "account", "transfer", "bank")
PHONE_CTX = re.compile("手机|手機|电话|電話|携帯|휴대폰|핸드폰|전화|נייד|טלפון|هاتف|جوال|"
                       # "mobile", "phone" in Hindi, Bengali, Urdu, Tamil and Thai ("मोबाइल 9415738260")
                       "मोबाइल|फ़ोन|फोन|মোবাইল|ফোন|موبائل|فون|கைபேசி|தொலைபேசி|மொபைல்|โทร|มือถือ|" + context_words(
    "phone", "tel", "call", "mobile", "cell", "fax", "office", "number", "registered", "contact",
    "reach", "text me", "whatsapp", "landline", "home",
).pattern, I)


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
#: Runs of digits that any match of a pattern holds: cards (12 digits, one separator at most between
#: two), passport and bank numbers (8 in a row). The recognisers now ask ``hits.Digits`` (its groups
#: of digits and longest run, counted once a text), which says as much and where; these stay as the
#: plain statement the tests check it against.
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


_ROUTING = re.compile(r"\b(?:routing|aba|sort code|transit|bank code|bic|swift)\b[^\n\d]{0,16}$", I)


def _context_distance(text: str, start: int, words: re.Pattern[str], window: int = 48) -> int | None:
    """How far before ``start`` the nearest context word ends (None: none in the window)."""
    last = None
    for m in words.finditer(text, max(0, start - window), start):
        last = m
    return None if last is None else start - last.end()


_WORD_PART = re.compile(r"(?:^|-)[a-z]{3,}(?:-|$)")
#: A form's number: up to four letters, a hyphen and up to four digits ("I-765", "N-400", "DS-160", "SS-5", the New
#: York DMV's "MV-44" and "MV-285", "IT-201"): no licence number is that short.
_FORM = re.compile(r"[A-Z]{1,4}-\d{1,4}[A-Z]?", re.IGNORECASE)
#: A quantity with its unit ("1800cc", "150kW", "2000kg"): an engine's or a load's size, not a licence number.
_QUANTITY = re.compile(r"\d+(?:cc|ccm|kw|hp|ps|kg|km|mm|cm|ml|kwh)", re.IGNORECASE)


def _may_name_a_licence(text: str) -> bool:
    """False only where :data:`LICENSE_CTX` cannot match: an ASCII text (where IGNORECASE matches
    ASCII letters only) holding none of its words' first letters in lower case."""
    if not text.isascii():
        return True
    low = text.lower()
    return "driv" in low or "licen" in low or "dl" in low or "permit" in low


def _may_name_a_passport(text: str) -> bool:
    """False only where :data:`PASSPORT_CTX` cannot match: an ASCII text without "pas" in any case (every one of
    its words in ASCII holds it; its words in other scripts cannot be in an ASCII text)."""
    return not text.isascii() or "pas" in text.lower()


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
        if digits.longest >= 5 and _may_name_a_passport(text) and PASSPORT_CTX.search(text) is not None:  # "18AV52931"
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
            if kind == "US_DRIVER_LICENSE" and (_WORD_PART.search(m.group()) or _QUANTITY.fullmatch(m.group())
                                                or _FORM.fullmatch(m.group())):
                continue  # "a free TV licence for over-75s", "a private car 1800cc", "permit renewal I-765"
            distance = _context_distance(text, m.start(), words)
            if distance is not None:
                candidates.append((distance, Hit(kind, m.start(), m.end(), score)))
    for distance, hit in candidates:
        nearer = any(d < distance and h.start < hit.end and hit.start < h.end for d, h in candidates)
        yield hit._replace(score=0.55) if nearer else hit


_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
_TRUNK_DIALLED = re.compile(r"0[1-9]\d{8,9}")  # a national number with its trunk 0, 10 or 11 digits
_DATEISH = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$|^\d{1,2}:\d{2}")


_YEARS = re.compile(r"((?:19|20)\d\d)\s*[-/\u2013]\s*((?:19|20)\d\d)")


def _year_range(value: str) -> bool:
    """"2025-2026", "2024/2025": a school or tax year, not a phone number."""
    m = _YEARS.fullmatch(value.strip())
    return m is not None and 0 <= int(m.group(2)) - int(m.group(1)) <= 10


#: A law's or a decree's word, then its number's sign, right before a number: the law's number.
_LAW_NUMBER_BEFORE = re.compile(
    r"\b(?:d[ée]cret|decreto|loi|ley|lei|legge|law|act|arr[êe]t[ée]|ordonnance|ordinance|regulation|reglamento|"
    r"regolamento|circulaire|circular|directive|directiva|decree|dekret|verordnung)\s+"
    r"(?:n[°º]\s*|no\.?\s*|nr\.?\s*|n[úu]m\.?\s*|n[úu]mero\s+|num[ée]ro\s+|number\s+)?$", re.IGNORECASE)


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
        if not 7 <= n <= 15 or _DATEISH.match(value) or _SSN_SHAPE.fullmatch(value) or _year_range(value):
            continue
        if SERVICE_NUMBER.match(main) or _POSTCODE_LIKE.match(main):
            continue
        if _AREA_AND_SHORT_CODE.fullmatch(main):
            continue  # "(0251) 123": a service's short code dialled after a town's area code, no subscriber's number
        if _LAW_NUMBER_BEFORE.search(text, max(0, start - 28), start):
            continue  # "décret n° 2002-120", "Decreto 1072 de 2015": a law's number, no one's phone
        separated = bool(re.search(r"[ ().-]", main.strip()))
        if not separated and n < 10:
            continue
        ctx = context_before(text, start, PHONE_CTX, window=40, end=end, after=16)
        score = (0.55 if separated else 0.4) + (0.3 if ctx else 0.0) + (0.1 if value.startswith("+") else 0.0)
        if not (separated or ctx) and _TRUNK_DIALLED.fullmatch(main):
            score = 0.5  # "Thandiwe Mokoena, 0821234567": a trunk-dialled number is a phone with no word before it
        yield Hit("PHONE_NUMBER", start, end, min(score, 0.9))

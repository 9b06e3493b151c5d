"""Street addresses: a core (house number and street, street and number, a flat or studio line and
its street, a military address, a street corner), then the unit, city, region, postcode and country
lines that follow it. A core never spans a line break: a date at a line's end and a heading on the
next ("1938\nPlace of birth") are not an address."""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.calendar_words import calendar_word
from charter.guards.pii.hits import Digits, Hit
from charter.guards.pii.lexicon import (
    DAYS,
    MONTHS,
    STREET_MORPHEMES,
    STREET_SUFFIXES,
    STREET_TYPES,
    ordinary,
    word_list,
)

__all__ = ["addresses"]

I = re.IGNORECASE  # noqa: E741
_W = r"[^\W\d_][\w'\u2019.-]*"  # a word that starts with a letter


def _lower_class() -> str:
    """A character class of the lower-case letters of the Latin, Greek and Cyrillic blocks ("à", "é",
    "ł", "ệ"), which ``[^\\W\\d_a-z]`` alone lets through as capitals ("2 à 3" read as a street)."""
    spans: list[tuple[int, int]] = []
    for code in (*range(0xDF, 0x530), *range(0x1E00, 0x1F00)):
        if chr(code).islower():
            if spans and spans[-1][1] == code - 1:
                spans[-1] = (spans[-1][0], code)
            else:
                spans.append((code, code))
    return "a-z" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in spans)


_LOWER = _lower_class()
_CAPW = rf"[^\W\d_{_LOWER}][\w'\u2019.-]*"  # ... with a capital (any script)
_NUM = r"\d{1,6}[A-Za-z]?(?:[/-]\d{1,4}[A-Za-z]?)?"
_SP = r"[ \t]+"
#: Postcodes: US ZIP, most of Europe (4-5 digits, 12-345, 123 45), Brazil (12345-678, 12345678),
#: Canada (K1A 0B1), the UK (SW1A 1AA), the Netherlands (1234 AB), Ireland (D02 X285).
POSTCODE = (
    r"(?:\d{5}-\d{3,4}|\d{8}|\d{4,6}|\d{2}-\d{3}|\d{3} \d{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|"
    r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2}|[A-Z]\d[\dW] ?[0-9A-Z]{4}|H-\d{4})"
)
_CITYW = rf"(?:St\.|Ste\.|Mt\.|[^\W\d_{_LOWER}][\w'\u2019-]*)"  # a capitalised word, no sentence's full stop
_CITY = rf"{_CITYW}(?:[ -]+(?:{_CITYW}|de|do|da|dos|das|del|la|le|les|los|las|sur|am|an|im|upon|on|the|y|e|i)){{0,4}}"

NUMBER_WORDS_NUMBER = re.compile(rf"\b\d{{1,6}}{_SP}(?:{_CAPW}{_SP}){{1,3}}\d{{1,5}}[A-Za-z]?\b")

#: 123 Main Street / 0896 69 Farnell Street / 12 N. Oak Ave / 672/094 Davis Entrance: a number, then
#: up to five words of which the last that is a street suffix ends the core (checked in Python: one
#: cheap pattern instead of an alternation of three hundred suffixes).
#: ("1427 W 37th Pl", "350 5th Ave": a numbered street's ordinal is one of the words.)
_ORDINAL = r"\d{1,3}(?:st|nd|rd|th)\b"
NUMBER_STREET = re.compile(rf"\b{_NUM}(?:[ -]{_NUM})?{_SP}(?:{_CAPW}|{_ORDINAL})(?:{_SP}(?:{_W}|{_ORDINAL})){{0,4}}")
#: "H.No. 212, Gali No. 4, Bhajanpura", "House No. 27, Ngong Road", "Plot No. 14, Sector 5", "Plot 112, Nyali
#: Road": a house or plot number (India, Kenya, Nigeria, Pakistan), then its lane or street and locality after commas.
_BARE_PLOT = re.compile(r"Plot(?![ \t]+No)")
HOUSE_NO = re.compile(rf"\b(?:H\.[ \t]?No\.?|House[ \t]+No\.?|Plot(?:[ \t]+No\.?)?|Hse[ \t]+No\.?)[ \t]*{_NUM}"
                      rf"(?:,[ \t]*(?:{_CAPW}(?:{_SP}No\.?)?(?:{_SP}(?:{_CAPW}|\d{{1,5}}\b))*)){{1,3}}")
#: "str. Memorandumului nr. 8, ap. 3", "Bd. Unirii nr. 12, bl. A2": a Romanian street with its "nr." (house
#: number) and the block, staircase, floor and flat after it.
#: A Romanian street's or village's name (words with capitals, "de" or "din" between them) and its house number, with
#: "nr." before it or none ("str. Dorobanților 45, ap. 12").
_RO_NAME_NUMBER = rf"{_CAPW}(?:{_SP}(?:de{_SP}|din{_SP})?{_CAPW}){{0,3}},?{_SP}(?:nr\.?[ \t]*)?\d{{1,4}}[A-Za-z]?"
RO_STREET = re.compile(rf"\b(?:[Ss]tr|[Bb]d|[Bb]dul|[Cc]alea|[Șș]os|[Ss]os|[Aa]leea|[Pp]iața)\.?{_SP}{_RO_NAME_NUMBER}"
                       rf"(?:,?[ \t]*(?:bl|sc|et|ap)\.?[ \t]*[\w]{{1,4}})*")
#: What each match of :data:`RO_STREET` holds (the text is not walked without one of them): "nr", or a street's word
#: with what follows it ("str" alone is in "registration").
_RO_STREET_WORDS = ("nr", "Bdul", "bdul", "Calea", "calea", "Aleea", "aleea", "Piața", "piața",
                    *(word + after for word in ("Str", "str", "Bd", "bd", "Șos", "șos", "Sos", "sos")
                      for after in (".", " ", "\t")))
#: A village's house: "din satul Horodnic de Sus nr. 214" (from the village of), the house its group 1.
RO_VILLAGE = re.compile(rf"\b(?:satul|sat|comuna)[ \t]({_RO_NAME_NUMBER}"
                        rf"(?:,?[ \t]*(?:bl|sc|et|ap)\.?[ \t]*[\w]{{1,4}})*)")
#: "Jl. Melati No. 27, Sleman", "Jalan Sudirman No. 5": an Indonesian or Malaysian street and its "No.".
JALAN = re.compile(rf"\bJ(?:l|alan)\.?{_SP}{_CAPW}(?:{_SP}{_CAPW}){{0,3}},?{_SP}No\.?[ \t]*\d{{1,4}}[A-Za-z]?")
#: "No. 12, Jalan SS2/24, Petaling Jaya": a Malaysian house number before its "Jalan" and the town after it.
NO_JALAN = re.compile(rf"\bNo\.?[ \t]*\d{{1,5}}[A-Za-z]?,[ \t]*(?:Jalan|Jln\.?|Lorong|Persiaran|Lebuh)[ \t]+[\w/-]+"
                      rf"(?:[ \t]+[\w/-]+){{0,3}}(?:,[ \t]*{_CAPW}(?:[ \t]+{_CAPW}){{0,2}})?")
#: "บ้านเลขที่ 99/12 หมู่ 5 ต.บางพูด อ.ปากเกร็ด จ.นนทบุรี": a Thai house number up to its province (จ.).
TH_HOUSE = re.compile(r"บ้านเลขที่\s*\d{1,5}(?:/\d{1,4})?(?:\s+\S+){0,6}?\s+จ\.\s*[\u0e01-\u0e4e]+")
#: "서울시 마포구 월드컵로 190, 101동 1203호": a Korean city, district, road and building number, and the flat.
KO_ADDRESS = re.compile(r"(?:[\uac00-\ud7a3]{1,5}(?:시|도)|서울|부산|대구|인천|광주|대전|울산|세종)\s+"
                        r"[\uac00-\ud7a3]{1,5}(?:구|군)\s+"
                        # "월드컵북로 12길 34": a road, the numbered side road off it (길), the building
                        r"[\uac00-\ud7a3\d]{1,10}(?:로|길)(?:\s*\d{1,4}번?길)?\s*\d{1,4}(?:-\d{1,4})?"
                        # the flat: "101동 1203호", "502호"
                        r"(?:,?\s*(?:\d{1,4}동\s*)?\d{1,5}호)?")
#: "गांव पिपलिया, तहसील बस्सी, जिला जयपुर": an Indian village with its tehsil or district (a word of Devanagari
#: letters: not the danda, "।", that ends a sentence).
_DEVA = r"[\u0900-\u0963\u0966-\u097f]+"
HI_VILLAGE = re.compile(rf"गांव\s+{_DEVA}(?:,?\s*(?:तहसील|ब्लॉक)\s+{_DEVA})?,?\s*(?:जिला|ज़िला)\s+{_DEVA}"
                        rf"|गांव\s+{_DEVA},?\s*(?:तहसील|ब्लॉक)\s+{_DEVA}")
#: "ברחוב דיזנגוף 210 דירה 7": a Hebrew street, its number and the flat (דירה); a geresh inside a name ("ז'בוטינסקי").
HE_STREET = re.compile(r"ב?רחוב\s+[\u05d0-\u05ea][\u05d0-\u05ea'\u05f3]*(?:\s+[\u05d0-\u05ea][\u05d0-\u05ea'\u05f3]*)?"
                       r"\s+\d{1,4}(?:\s+דירה\s+\d{1,4})?")
#: "οδό Ηπείρου 22", "Οδός Ερμού 15": a Greek street (its word, one or two words in Greek capitals) and the number.
GR_STREET = re.compile(r"(?<![^\W\d_])[\u03bf\u039f]\u03b4(?:[\u03cc\u03bf]\u03c2?|\u03bf\u03cd|\.)"
                       r"\s+[\u0386-\u03ab][\u0370-\u03ff]+"
                       r"(?:\s+[\u0386-\u03ab][\u0370-\u03ff]+)?\s+\d{1,4}[\u03b1-\u03c9]?")
#: "Αγίου Δημητρίου 184, Θεσσαλονίκη": one to three words in Greek capitals, a house number, a comma and a town in
#: Greek capitals (a street without its "οδός"; not a law's article, "Άρθρο 5", nor a law, "Νόμος").
GR_STREET_TOWN = re.compile(r"(?<![^\W\d_])(?!Άρθρ|Αρθρ|Νόμ|ΦΕΚ)[\u0386-\u03ab][\u0370-\u03ff]+"
                            r"(?:\s+[\u0386-\u03ab][\u0370-\u03ff]+){0,2}\s+\d{1,4}[\u03b1-\u03c9]?,\s*"
                            r"[\u0386-\u03ab][\u0370-\u03ff]+")
#: "вул. Городоцька 145, кв. 12", "ул. Ленина 5": a Ukrainian or Russian street, its number and the flat (кв.).
_CYR_CAP = r"[\u0410-\u042f\u0404\u0406\u0407\u0490]"  # a capital of the Russian or Ukrainian alphabet
CYR_STREET = re.compile(rf"(?<![^\W\d_])(?:вул|ул|просп|пров|бульв)\.\s*{_CYR_CAP}[\w'\u2019-]+"
                        rf"(?:\s+{_CYR_CAP}[\w'\u2019-]+)?,?\s*\d{{1,4}}[\u0430-\u044f\u0410-\u042f]?"
                        r"(?:,?\s*(?:кв|квартира)\.?\s*\d{1,4})?")
#: Flat 31 / Studio 08w, then the street on the same or the next line.
UNIT_STREET = re.compile(rf"\b(?:Flat|Studio|Apartment|Apt\.?|Unit|Suite|Room){_SP}\d{{1,4}}[A-Za-z]?"
                         rf"(?:,[ \t]*|[ \t]*\n[ \t]*)(?:{_NUM}{_SP})?{_CAPW}(?:{_SP}{_W}){{0,3}}")
#: Calle Mayor 5, ulica Majowa 76, Strada Armani, 0 (after a street type found in Python).
_PARTICLE = r"(?:de|del|della|di|da|do|dos|das|du|des|la|le|los|las|l'|d')"
TYPE_TAIL = re.compile(rf"{_SP}(?:{_PARTICLE}{_SP})*{_CAPW}(?:{_SP}{_W}){{0,4}}?,?{_SP}{_NUM}(?:{_SP}\d{{1,4}}\b)?")
_CAP_BEFORE = re.compile(rf"{_CAPW}{_SP}$")
#: 825, boulevard de François (a number before a street type).
NUMBER_TYPE = re.compile(rf"\b{_NUM},?{_SP}$")
TYPE_NAME = re.compile(rf"{_SP}(?:(?:de|du|des|la|le|l'|d'|da|do|dos|das|del|y|yr){_SP}?)*{_W}"
                       rf"(?:[ \t-]+{_CAPW}){{0,3}}")
_WORD = re.compile(r"(?<![\w-])[^\W\d_][\w'\u2019.]*")

CORES: tuple[tuple[re.Pattern[str], float], ...] = (
    # 1593 Pagari 18 (house number, one to three capitalised words, street number)
    (NUMBER_WORDS_NUMBER, 0.65),
    # PSC 3294, Box 9168 / APO AA 61487 and USS Lorenzen / FPO AE 25990
    (re.compile(r"\b(?:PSC|Unit|CMR)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:\s*\n\s*|,?\s+)"
                r"[AFD]PO\s+A[AEP]\s+\d{5}\b", I),
     0.9),
    (re.compile(r"\b(?:USNS|USNV|USCGC|USS)\s+[^\W\d_]+(?:\s+[^\W\d_]+)?(?:\s*\n\s*|,?\s+)FPO\s+A[AEP]\s+\d{5}\b",
                I), 0.9),
    # the corner of X and Y
    (re.compile(r"\b[Tt]he corner of [^\n,!?]{2,60}? and [^\n,!?.]{2,40}"), 0.85),
    # "C/ Río Segura 14, 3ºB": Spanish "calle" written "C/", a capitalised name, the number and the floor and door
    (re.compile(r"(?<![\w/])C/\s?[A-ZÁÉÍÓÚÑ][\w'\u2019-]*(?:\s+(?:de|del|la|las|los|el|[A-ZÁÉÍÓÚÑ][\w'\u2019-]*)){0,4}"
                r",?\s+\d{1,4}[A-Za-z]?(?:,\s*\d{1,2}\s?[ºª°]\s?[A-Za-z0-9]{0,3})?"), 0.8),
    # "abito in via dello Scalo 41": an Italian street in lower case, known by its article (not "via email")
    (re.compile(r"(?<![\w'\u2019])via\s+(?:del|della|dello|dei|degli|delle|di|dell['\u2019])\s*[A-Z][\w'\u2019]+"
                r"(?:\s+[A-Z][\w'\u2019]+){0,3},?\s+\d{1,4}[A-Za-z]?\b"), 0.8),
    # "Cumhuriyet Mah. Atatürk Cad. No:12 Çankaya/Ankara": a Turkish quarter, its street, the number, district/city
    (re.compile(r"(?!Adres)[A-ZÇĞİÖŞÜ][\w]+(?:\s[A-ZÇĞİÖŞÜ][\w]+)?\sMah(?:allesi|\.)?,?\s+(?:[A-ZÇĞİÖŞÜ0-9][\w.]*\s){1,3}?"
                r"(?:Cad(?:desi|\.)?|Cd\.|Sok(?:a\u011f\u0131|ak|\.)?|Sk\.|Bulvar\u0131|Blv\.)\s*,?\s*No\s*:?\s*\d{1,4}(?:/\d{1,4})?"
                r"(?:\s+[A-ZÇĞİÖŞÜ][\w]+(?:\s*/\s*[A-ZÇĞİÖŞÜ][\w]+)?)?"), 0.85),
)
#: What any match of each of CORES must hold (in the text lower-cased: "box", "fpo"; as written:
#: "he corner of "), so that a text without it is not walked with that pattern (same hits).
_CORE_NEEDS: tuple[tuple[str, bool], ...] = (("", False), ("box", True), ("fpo", True), ("he corner of ", False),
                                             ("C/", False), ("via ", False), ("Mah", False))
_UNIT_WORDS = ("Flat", "Studio", "Apartment", "Apt", "Unit", "Suite", "Room")  # UNIT_STREET's first words

UNIT = re.compile(
    r"[ \t]*,?[ \t]*(?:\n[ \t>]*)?(?i:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.?|room|rm\.?|#|box|"
    r"piano|bl\.|sc\.|ap\.|edif\.|depto\.|piso|puerta|interior|int\.|appartamento|m\.|lok\.)"
    r"[ \t]*\d{1,5}[A-Za-z]?\b(?:[ \t]*(?:\d{1,4}[A-Za-z]?\b))?"
)
#: A place after a core, on its line or the next: a postcode then a city, or a city with a region
#: code and a postcode after it; then a province in brackets or after a slash ("(MI)", "/ SP").
_CODE_CITY = rf"{POSTCODE},?[ \t]+{_CITY}"
_CITY_CODE = rf"{_CITY}(?:,?[ \t]+[A-Z]{{2,4}}\b)?(?:,?[ \t]+{POSTCODE}\b)?"
_PROVINCE = r"(?:[ \t]*\([A-Z]{2}\)|[ \t]*/[ \t]*[A-Z]{2}\b)?"
SAME_LINE = re.compile(rf"[ \t]*,?[ \t]*(?:(?:{_CODE_CITY})|{_CITY_CODE}){_PROVINCE}(?=[\s.,;!?)]|$)")
SAME_LINE_CODE = re.compile(rf"[ \t]*,?[ \t]*(?:[A-Z]{{2,4}},?[ \t]+)?{POSTCODE}\b(?:[ \t]+{_CITY})?")
NEXT_LINE = re.compile(
    rf"[ \t]*\n[ \t>]*,?[ \t]*(?:{_CODE_CITY}|{_CITY_CODE}|{POSTCODE}){_PROVINCE}"
    r"(?=[ \t]*(?:\n|$|[.,;:!?)](?:\s|$))|[ \t]+[a-z])"
)
#: A label that ends an address's place lines, in English and the words for a telephone elsewhere ("Köln,
#: Telefon 0157 ...": "Telefon" is no town, "0157" no postcode), and an identifier's.
_LABEL = re.compile(r"\b(?:phone|e-?mail|website|address|name|date|fax|tel|dear|payments?|re|subject|telefon|"
                    r"telefono|teléfono|telefone|téléphone|tél|telf|tfno|tlf|puh|puhelin|mobil|handy|cell|"
                    # an identifier's label after the address ("…, Los Angeles 90018, SSN 512-…"): no region's code
                    r"ssn|sin|nino|ppsn?|dni|nie|cpf|cnp|pesel|bsn|nif|iban|dob|tfn)\b", I)
_CITY_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
_CONTINUES = re.compile(r"[ \t]+[a-z]")
_DIGIT = re.compile(r"\d")


def _extend(text: str, end: int) -> int:
    for _ in range(8):
        for pattern, max_len in ((UNIT, 28), (SAME_LINE_CODE, 40), (SAME_LINE, 56), (NEXT_LINE, 56)):
            m = pattern.match(text, end)
            if not m or m.end() <= end or m.end() - end > max_len or _LABEL.search(m.group()):
                continue
            # a line that goes on as a sentence ("Payments from the ...") is not a city
            if (pattern is NEXT_LINE and _CONTINUES.match(text, m.end()) and _DIGIT.search(m.group()) is None
                    and all(ordinary(w.lower()) for w in _CITY_WORD.findall(m.group()))):
                continue
            end = m.end()
            break
        else:
            return end
    return end


#: A quarter's direction after a hyphen ("Ringbaan-Oost", "Hauptstraße-Nord"): the street's word is before it.
_DIRECTION_PART = re.compile(r"-(?:oost|west|noord|zuid|nord|süd|sud|ost|est|ouest)$")


def _street_word(word: str) -> bool:
    low = word.lower()
    if "-" in low:
        low = _DIRECTION_PART.sub("", low)
    return low in STREET_SUFFIXES or low.endswith(STREET_MORPHEMES)


#: A three-digit service line (311, 211, 112, 999): "via" before one is the English word.
_SERVICE_CODE = re.compile(r"[1-9]11|112|999|000")


def _english_not_a_street(word: str) -> bool:
    """"bring 2 photos", "Spring 2025": an English word that only ends like a street ("-ring") is none;
    the street word itself ("Ring 2", "Hof 3") still is."""
    return word not in STREET_SUFFIXES and word not in STREET_MORPHEMES and ordinary(word)


def _dated(value: str) -> bool:
    """"10 April 2016" has the shape of "1593 Pagari 18" but is a date."""
    return any(w.lower().rstrip(".,") in MONTHS or w.lower().rstrip(".,") in DAYS for w in value.split())


def _day_month_year(value: str) -> bool:
    """A day, one word and a year: "15 Ιουλίου 2025", "3 Março 2024" (a month in any language)."""
    parts = value.split()
    return (len(parts) == 3 and parts[0].isdigit() and 1 <= int(parts[0]) <= 31 and parts[2].isdigit()
            and len(parts[2]) == 4 and 1900 <= int(parts[2]) <= 2099)


def _suffix_end(text: str, m: re.Match[str], first: int) -> int | None:
    """End of the last street suffix among the words of ``m`` from word ``first`` on, all capitalised
    before it ("12 N. Oak Ave"); None when there is none."""
    words = list(_WORD.finditer(text, m.start(), m.end()))
    end = None
    for w in words[first:]:
        token = w.group()
        if token == "via":  # noqa: S105 (a word, no password)
            break  # "by 15 March. Pay via …": the Italian street word opens a street's name, never ends one
        if token.lower() in STREET_SUFFIXES:  # "Ave.", "St.": an abbreviation keeps its full stop
            end = w.end()
        elif token.lower().rstrip(".") in STREET_SUFFIXES:  # "Kallang Road. Registration ...": a sentence's
            end = w.start() + len(token.rstrip("."))  # full stop, which no town's name follows
        if not token[0].isupper():
            break
    return end


#: "6 Points of ID", "3 Forms of identification": a count of things, not a number and a street.
_COUNT_OF = re.compile(rf"\d{{1,6}}{_SP}(?:{_CAPW}s{_SP}of\b|(?i:hours?|days?|weeks?|months?|years?|minutes?)\b)")


def _street_cores(text: str, digits: Digits) -> Iterator[Hit]:
    unit = any(w in text for w in _UNIT_WORDS)
    for pattern, score in ((NUMBER_STREET, 0.8), (UNIT_STREET, 0.8)):
        if pattern is UNIT_STREET and not unit:
            continue
        for m in pattern.finditer(text, 0 if pattern is UNIT_STREET else digits.start()):
            end = _suffix_end(text, m, 1 if pattern is UNIT_STREET else 0)
            if end is not None and not (pattern is NUMBER_STREET and _COUNT_OF.match(text, m.start())):
                yield Hit("STREET_ADDRESS", m.start(), _extend(text, end), score)
    # most texts hold no street type: told by one set test over the words, without a match object each
    types = not STREET_TYPES.isdisjoint(map(str.lower, _WORD.findall(text)))
    for w in _WORD.finditer(text) if types else ():
        if w.group().lower() not in STREET_TYPES:
            continue
        if _CAP_BEFORE.search(text, max(0, w.start() - 40), w.start()):
            continue  # "Clarke Avenue": the end of a street's name, not a type before one
        if w.group() == "via" and not _VIA_BEFORE.search(text, max(0, w.start() - 12), w.start()):
            continue  # "made via M-Pesa Paybill 222111": the English preposition, not the Italian street
        if w.group() == "av" and not _CAPITAL_AFTER.match(text, w.end()):
            continue  # "90 av dem", "en av de": the Nordic "of", not an avenue (whose name has a capital)
        tail = TYPE_TAIL.match(text, w.end())
        if tail and not _not_a_house_number(text, tail):
            yield Hit("STREET_ADDRESS", w.start(), _extend(text, tail.end()), 0.75)
        number = NUMBER_TYPE.search(text, max(0, w.start() - 12), w.start())
        name = TYPE_NAME.match(text, w.end())
        if number and name:
            yield Hit("STREET_ADDRESS", number.start(), _extend(text, name.end()), 0.75)


#: "<word> <number>": a street when the word is a street suffix or ends like one (Koskikatu 25,
#: Beiteveien 2, Stensås terrasse 38); up to two capitalised words before it join (Brucker
#: Bundesstrasse 31). Checked in Python: one cheap pattern instead of a costly alternation.
WORD_NUMBER = re.compile(
    rf"\b({_W}){_SP}{_NUM}\b(?![:.-]\d|[ \t]?[ap]\.?m\b|[ \t]?(?:%|percent|years?|days?|hours?|minutes?))"
)
LEFT_WORDS = re.compile(rf"(?:{_CAPW}{_SP}){{1,2}}$")
_SPACE_DIGIT = re.compile(r"[ \t]\d")
#: What comes before an Italian street written in small letters: "in via Roma 5", "abita nella via", "Roma, via
#: Nazionale 12", a line's or a text's start.
_VIA_BEFORE = re.compile(r"(?:^|\n|[,(:]|\b(?:in|di|della|nella|sulla|alla|dalla|la|una|sede|presso))\s*$",
                         re.IGNORECASE)
#: Pronouns before a street's word: the word is a verb ("I ring 000").
_PRONOUNS = frozenset(("i", "we", "you", "they", "u"))
#: Street words that also name a service's line: a number after them is the line's.
_LINE_WORDS = frozenset(("center", "centre", "line"))
_WORD_CHAR = re.compile(r"[\w'\u2019.-]")  # what a word of WORD_NUMBER is made of
#: A season before a year ("fall 2025") is a term; "Fall" is also a street suffix.
_SEASONS = frozenset(("fall", "spring", "summer", "winter", "autumn"))
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")
#: A law's word right before a word and a number: the law's name and its year, no street.
_LAW_WORD_BEFORE = re.compile(r"\b(?:wet|gesetz|act|law|loi|ley|lei|legge|lov|lag|laki)[ \t]+$", re.IGNORECASE)
#: A capital right after a street type ("av Paulista"): the street's name.
_CAPITAL_AFTER = re.compile(r"\.?[ \t]+[^\W\d_a-z]")


#: Words between a street's name and a number that make the number something else: a time ("rue Victor Hugo depuis 5
#: jours", "Passeig de Gràcia el dia 18", "Calle Mayor desde 2019").
_NOT_BEFORE_HOUSE = frozenset(word_list("""
    depuis desde since seit sinds dal dalla dia día el pendant durante during hasta until fins jusqu'au jusqu'à
    depois ago pour for le
"""))
#: A count of time units after the number: "5 jours", "18 días", "3 Tage" (a house number has no unit after it).
_TIME_UNIT_AFTER = re.compile(
    r"[ \t]+(?:jours?|ans|années?|mois|semaines?|heures?|d[ií]as|años|meses|semanas|horas|dies|anys|setmanes|"
    r"giorni|anni|mesi|settimane|ore|tage?n?|jahren?|monaten?|wochen|stunden|dagen|jaar|maanden|weken|uur|"
    r"dias|anos|dni|lat|miesięcy|tygodni|godzin)\b", re.IGNORECASE)


def _not_a_house_number(text: str, tail: re.Match[str]) -> bool:
    """The number after a street's name (``tail``: TYPE_TAIL's match) is a time's, not a house's: a time word comes
    between ("depuis", "el dia") or a time unit after it ("5 jours")."""
    words = _WORD.findall(tail.group())
    named = next((i for i, w in enumerate(words) if w[0].isupper()), len(words))  # the name's first word
    return (any(w.lower() in _NOT_BEFORE_HOUSE for w in words[named + 1:])
            or _TIME_UNIT_AFTER.match(text, tail.end()) is not None)


def _word_number_start(text: str) -> int:
    """Where WORD_NUMBER can first match: at the word before the text's first run of spaces that
    ends at a digit (a match is a word, such a run and a number; one ending at a later digit
    starts later still). The text's end when it has none."""
    found = _SPACE_DIGIT.search(text)
    if found is None:
        return len(text)
    at = found.start()
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    while at > 0 and _WORD_CHAR.match(text, at - 1):
        at -= 1
    return at


#: "Piotrkowska 212 m. 8", "Długa 5 lok. 3": a street's name and house number with a flat after a
#: Polish flat marker ("m.", mieszkanie; "lok.", lokal), the street word left out.
FLAT_MARKED = re.compile(rf"\b({_CAPW}(?:{_SP}{_CAPW})?){_SP}\d{{1,4}}[A-Za-z]?{_SP}(?:m|lok)\.[ \t]*\d{{1,4}}\b")
#: "Świętojańska 48/5, Gdynia", "Nerudova 12/3, Praha": a street's name, a house and flat number written
#: with a slash and a town after them (Polish, Czech, Slovak, Hungarian), the street word left out.
FLAT_SLASH = re.compile(rf"\b({_CAPW}(?:{_SP}{_CAPW})?){_SP}\d{{1,4}}[A-Za-z]?/\d{{1,4}}[A-Za-z]?,[ \t]*{_CAPW}")
#: "lives at Piotrkowska 212", "my home address is Lipowa 9": a capitalised name and a number right
#: after a word of living there is an address, with or without a street word.
_LIVING_AT = (r"(?:(?i:lives?|lived|living|resides?|resided|residing)[ \t]+(?:(?i:now|still)[ \t]+)?(?i:at)"
              # "bydlím Husova 221" (Czech, or typed "bydlim"), "bývam", "mieszkam przy" (Polish): I live at
              r"|(?i:bydl[íi]m|bydl[íi]me|bydl[íi]|b[ýy]vam|b[ýy]vame|mieszkam(?:[ \t]+(?:przy|na|w))?"
              r"|mieszkamy(?:[ \t]+(?:przy|na|w))?)"
              # "bor i Nedre Moen 7" (Norwegian, Swedish, Danish: I live in / at), "wohne in", "woon op", "locuiesc în"
              r"|(?i:bor|bur)[ \t]+(?i:i|på|pa)|(?i:wohne|wohnen)[ \t]+(?i:in|an|am)"
              r"|(?i:woon|wonen)[ \t]+(?i:in|op|aan)"
              r"|(?i:locuiesc|locuim)[ \t]+(?i:în|in|la|pe)"
              r"|(?i:home|my|his|her|their)[ \t]+(?i:address)[ \t]*(?:(?i:is)|:))")
LIVES_AT = re.compile(rf"\b{_LIVING_AT}{_SP}({_CAPW}(?:{_SP}{_CAPW}){{0,2}}{_SP}{_NUM})\b")


#: What each match of :data:`LIVES_AT_STREET` holds in lower case (the text is not walked without one).
_LIVE_NEEDLES = ("vivo", "vivimos", "moro", "moramos", "resid")
#: "vivo en av. de las americas 1450 int 3", "moro na rua das flores 120 apto 42": Spanish and Portuguese "I live
#: at", a street's word (in any case: callers type in lower case) and its name, the house number and a flat after
#: it; what a street word and a number already say with capitals is found by the street recognisers.
LIVES_AT_STREET = re.compile(
    r"\b(?i:vivo|vivimos|moro|moramos|resido|residimos)[ \t]+(?i:en|na|no|em)[ \t]+"
    r"((?i:av\.?|avda\.?|avenida|calle|c/|calz\.?|calzada|blvd\.?|bulevar|boulevard|rua|r\.|travessa|tv\.|"
    r"camino|paseo|carrera|cra\.?|diagonal|transversal|privada|cerrada|andador)"
    r"[ \t]+[^\d\n,.;:!?]{1,40}?[ \t]+(?:n[º°o]\.?[ \t]*|#[ \t]*)?\d{1,5}[A-Za-z]?"
    r"(?:,?[ \t]+(?i:int|interior|depto|dpto|apto|apt|ap|piso|casa|bloco|bl)\.?[ \t]*[\w-]{1,5})?)(?!\w)")


def _may_live_at(text: str, low: str) -> bool:
    """Whether LIVES_AT can match ``text`` (``low``: it lower-cased): each match holds "liv", "resid", "address",
    "bor", "bur", "wohn", "woon", "wonen", "locui" or (Czech, Polish) "byd", "býv", "byv", "mieszk" in some case. Only
    an ASCII text is told by ``low``; in another, IGNORECASE also matches letters that ``lower`` does not map there
    (dotless i, long s), so it is always walked (same hits)."""
    return not text.isascii() or any(w in low for w in _LIVE_WORDS)


_LIVE_WORDS = ("liv", "resid", "address", "bor", "bur", "wohn", "woon", "wonen", "locui", "byd", "byv", "mieszk")


def _english_name(value: str) -> bool:
    """Every word of ``value`` is an ordinary English word ("Take 5 m. 8", "Windows 10"): no street's name."""
    return all(ordinary(w.lower()) for w in _CITY_WORD.findall(value))


#: The words between a law's numbers ("§ 9 Abs. 1 Nr. 4", "Art. 5 Abs. 2", "s. 12 Para 3").
_CITATION_WORDS = frozenset((
    "abs", "absatz", "satz", "nr", "art", "artikel", "article", "lit", "ziff", "buchst", "hs", "halbsatz",
    "unterabs", "abschnitt", "kap", "kapitel", "para", "paragraph", "sec", "section", "chapter", "rule", "regel",
    "pkt", "ust", "ods", "odst", "al", "alinea", "inciso"))


def _cited(text: str, m: re.Match[str]) -> bool:
    """Whether a number, words and a number (NUMBER_WORDS_NUMBER) cite a law: a "§" or "Art." just before
    them, or only a citation's words between the numbers ("9 Abs. 1 Nr."; test28, blind)."""
    if re.search(r"(?:§§?|\b[Aa]rt\.?)[ \t\u00a0]*$", text[max(0, m.start() - 6):m.start()]):
        return True
    return all(w.rstrip(".").lower() in _CITATION_WORDS for w in m.group().split()[1:-1])


#: "Eircode H91 E2K3", "Co. Galway H54 X2F7": an Irish Eircode (a routing key, a space, a unique identifier of four
#: letters and digits holding both), which pins one building, unlike a postcode: a street address. Written with
#: its space it is taken anywhere (no other code has this shape); without it, only after its word.
EIRCODE = re.compile(r"(?<![\w-])(?:[AC-FHKNPRTV-Y]\d{2}|D6W)( ?)(?=[0-9AC-FHKNPRTV-Y]{0,3}\d)"
                     r"(?=[0-9AC-FHKNPRTV-Y]{0,3}[AC-FHKNPRTV-Y])[0-9AC-FHKNPRTV-Y]{4}(?![\w-])")
_EIRCODE_WORD = re.compile(r"(?i:eircode)\s*(?:is|:)?\s*$")
#: "digital address AK-039-5817": a GhanaPost GPS code (region and district letters, area, the spot), which pins one
#: house; taken after its word ("digital address", "GPS address", "GhanaPost GPS").
GH_GPS = re.compile(r"(?<![\w-])[A-Z]{2}-\d{3,4}-\d{4}(?![\w-])")
_GPS_LABEL = re.compile(r"(?:[Aa]ddress|GPS)(?:\s+is|\s*:)?\s*$")
#: The word after a number ("1. december", "3 januar"): a month there makes the number a date's day.
_WORD_AFTER = re.compile(r"\.?[ \t]+([^\W\d_]+)")


def _cores(text: str, digits: Digits) -> Iterator[Hit]:
    yield from _street_cores(text, digits)
    low = text.lower()
    for (pattern, score), (need, lowered) in zip(CORES, _CORE_NEEDS, strict=True):
        if need and need not in (low if lowered else text):
            continue
        for m in pattern.finditer(text, digits.start() if pattern is NUMBER_WORDS_NUMBER else 0):
            if pattern is NUMBER_WORDS_NUMBER and (_dated(m.group()) or _day_month_year(m.group())
                                                   or not all(w[0].isupper() for w in m.group().split()[1:-1])
                                                   or _cited(text, m)):
                # a date, words of a script without capitals ("5 سنوات هي 50": "5 years is 50"), a law's
                # citation ("§ 9 Abs. 1 Nr. 4 EStG")
                continue
            yield Hit("STREET_ADDRESS", m.start(), _extend(text, m.end()), score)
    for m in WORD_NUMBER.finditer(text, _word_number_start(text)):
        word = m.group(1).lower()
        if _street_word(word) and not _english_not_a_street(word) and not calendar_word(word):
            # ("31 martie 2025": the Romanian March ends like the Finnish "tie", a road)
            left = LEFT_WORDS.search(text, max(0, m.start() - 60), m.start())
            if word in STREET_SUFFIXES and not word.endswith(STREET_MORPHEMES) and (
                left is None or all(ordinary(w.lower().split("'")[0]) for w in left.group().split())
            ):
                continue  # "Route 9", "I'll turn 23": an English word before a number is no street
            if left is None and m.group(1).islower() and (word in STREET_MORPHEMES or word in STREET_SUFFIXES):
                continue  # "ring 113" (Norwegian: call), "weg 5": a street word alone, in lower case, names none
            if left is not None and all(w.lower() in _PRONOUNS for w in left.group().split()):
                continue  # "do I ring 000", "We Ring 112": a verb after a pronoun, not the German "Ring"
            if word in _LINE_WORDS:
                continue  # "Hubungi Care Center 165", "Contact Centre 1300": a centre's line, not a street
            if word == "via" and _SERVICE_CODE.fullmatch(m.group()[len(m.group(1)):].strip()):
                continue  # "the Tenant Helpline via 311": a city's service line, not an Italian street
            if word in _SEASONS and _YEAR_NUMBER.fullmatch(m.group()[len(m.group(1)):].strip()):
                continue  # "OSAP fall 2025", "the Fall 2026 intake": a term, not a street
            if _LAW_WORD_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "Wet inburgering 2021" (Dutch: the civic integration act), whose noun ends like "Ring"
            after = _WORD_AFTER.match(text, m.end())
            if after is not None and ((month := after.group(1).lower()) in MONTHS or calendar_word(month)):
                continue  # "på nørrebrogade 1. december": the street, then a date's day and month, no house
            start = left.start() if left else m.start()
            yield Hit("STREET_ADDRESS", start, _extend(text, m.end()), 0.75)
    for m in RO_STREET.finditer(text) if any(w in text for w in _RO_STREET_WORDS) else ():
        yield Hit("STREET_ADDRESS", m.start(), _extend(text, m.end()), 0.8)
    for m in RO_VILLAGE.finditer(text) if "sat" in text or "comuna" in text else ():
        yield Hit("STREET_ADDRESS", m.start(1), _extend(text, m.end(1)), 0.8)
    for m in JALAN.finditer(text) if "J" in text and "No" in text else ():
        yield Hit("STREET_ADDRESS", m.start(), _extend(text, m.end()), 0.8)
    for m in NO_JALAN.finditer(text) if "No" in text and ("J" in text or "L" in text or "P" in text) else ():
        yield Hit("STREET_ADDRESS", m.start(), m.end(), 0.8)
    for m in HOUSE_NO.finditer(text) if "No" in text or "Plot" in text else ():
        if _BARE_PLOT.match(m.group()) and not any(_street_word(w.lower()) for w in _CITY_WORD.findall(m.group())):
            continue  # "Plot 3, Figure 2": a plot without "No." is a house's only on a named road or street
        yield Hit("STREET_ADDRESS", m.start(), _extend(text, m.end()), 0.8)
    for m in FLAT_MARKED.finditer(text) if " m." in text or " lok." in text else ():
        if not _english_name(m.group(1)):
            yield Hit("STREET_ADDRESS", m.start(), _extend(text, m.end()), 0.75)
    for m in FLAT_SLASH.finditer(text) if "/" in text else ():
        if not _english_name(m.group(1)) and not _dated(m.group()):
            yield Hit("STREET_ADDRESS", m.start(), _extend(text, m.end() - len(m.group().rsplit(",", 1)[1])), 0.75)
    for m in GH_GPS.finditer(text) if ("ddress" in text or "GPS" in text) and "-" in text else ():
        if _GPS_LABEL.search(text, max(0, m.start() - 24), m.start()) is not None:
            yield Hit("STREET_ADDRESS", m.start(), m.end(), 0.85)
    for m in LIVES_AT.finditer(text) if _may_live_at(text, low) else ():
        if not _dated(m.group(1)) and not _english_name(m.group(1)):
            yield Hit("STREET_ADDRESS", m.start(1), _extend(text, m.end(1)), 0.8)
    # (its routing key's letter stands right before the text's first digit at the earliest)
    for m in EIRCODE.finditer(text, max(0, digits.first - 1)) if digits.total >= 3 else ():
        if m.group(1) or _EIRCODE_WORD.search(text, max(0, m.start() - 16), m.start()):
            yield Hit("STREET_ADDRESS", m.start(), m.end(), 0.85)
    for m in LIVES_AT_STREET.finditer(text) if any(w in low for w in _LIVE_NEEDLES) else ():
        yield Hit("STREET_ADDRESS", m.start(1), m.end(1), 0.8)


#: A Japanese address ("大阪市北区中之島3丁目2-14-805": a city or ward, a district, the chōme and the block, house
#: and flat numbers) or a Chinese one ("朝阳区建国路88号", "中山路12号3单元501室").
CJK_ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{1,8}[都道府県市区町村][\u4e00-\u9fff\u30a0-\u30ff]{0,12}\d{1,3}丁目\d{1,4}(?:[-\uff0d]\d{1,4}){0,3}"
    # the same without 丁目: "横浜市港北区日吉本町3-12-7" (a ward, a district, then chōme, block and house)
    r"|[\u4e00-\u9fff]{1,8}[市区町村][\u4e00-\u9fff\u30a0-\u30ff]{1,12}\d{1,3}[-\uff0d]\d{1,4}(?:[-\uff0d]\d{1,4}){0,2}"
    # Sapporo's grid: "札幌市北区北24条西5丁目2-10" (a street of the grid, 条, then the block, 丁目)
    r"|[\u4e00-\u9fff]{1,8}[市区][\u4e00-\u9fff]{0,6}\d{1,2}条[東西南北]?\d{1,2}丁目(?:\d{1,4}(?:[-\uff0d]\d{1,4}){0,2})?"
    # "中山路12号3单元501室", "张杨路1388弄5号602室" (a lane, 弄, between the road and the house)
    r"|[\u4e00-\u9fff]{2,8}[路街道巷弄]\d{1,5}(?:弄\d{1,4})?号(?:\d{1,4}(?:栋|幢|号楼|单元|楼|室))*"
    # Taiwan's: "文心路三段241號", "忠孝東路四段100巷5弄3號2樓" (a road's section, lane and alley, 號, the floor);
    # Hong Kong's: "寶琳北路23號寶盈花園3座18樓C室" (an estate or a building, its block, floor and flat)
    r"|[\u4e00-\u9fff]{2,8}[路街](?:[一二三四五六七八九十]{1,2}段)?(?:\d{1,4}巷)?(?:\d{1,4}弄)?\d{1,5}號"
    r"(?:之\d{1,3})?(?:[\u4e00-\u9fff]{1,6}(?:花園|苑|邨|大廈|中心|閣|廣場|城|軒|居))?(?:\d{1,3}座)?"
    r"(?:\d{1,3}樓(?:之\d{1,3})?)?(?:[A-Z\d]{1,4}室)?")


#: Addresses in scripts other than Latin, each with the words one of which any match holds (a text without
#: them is not walked with its pattern).
_SCRIPT_ADDRESSES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (CJK_ADDRESS, ("",)),
    (TH_HOUSE, ("บ้านเลขที่",)),
    (KO_ADDRESS, ("로", "길")),
    (HI_VILLAGE, ("गांव",)),
    (HE_STREET, ("רחוב",)),
    (CYR_STREET, (".",)),
    (GR_STREET, ("δ",)),
    (GR_STREET_TOWN, (",",)),
)


def _cjk_addresses(text: str) -> Iterator[Hit]:
    """Addresses written in Chinese, Japanese, Korean, Thai, Devanagari, Hebrew or Cyrillic (:data:`_SCRIPT_ADDRESSES`);
    the caller walks only a text that is not ASCII."""
    for pattern, needles in _SCRIPT_ADDRESSES:
        for m in pattern.finditer(text) if any(n in text for n in needles) else ():
            yield Hit("STREET_ADDRESS", m.start(), m.end(), 0.8)


def addresses(text: str, digits: Digits) -> Iterator[Hit]:
    """One hit per address block: overlapping or touching cores are merged."""
    if not digits.total and "corner of" not in text and "गांव" not in text:  # a village has no number
        return
    merged: list[Hit] = []
    cores = list(_cores(text, digits))
    if not text.isascii():
        cores.extend(_cjk_addresses(text))
    for hit in sorted(cores, key=lambda h: (h.start, -h.end)):
        if merged and hit.start <= merged[-1].end and not text[merged[-1].end:hit.start].strip():
            last = merged[-1]
            merged[-1] = Hit(last.type, last.start, max(last.end, hit.end), max(last.score, hit.score))
        else:
            merged.append(hit)
    yield from merged

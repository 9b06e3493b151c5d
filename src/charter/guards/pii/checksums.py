"""Check digits that tell a real identifier from a number that only looks like one."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

__all__ = [
    "SSN_SAMPLES",
    "aadhaar_valid",
    "amka_valid",
    "be_nrn_valid",
    "birth_number_valid",
    "bsn_valid",
    "cn_ric_valid",
    "cnp_valid",
    "counts_up",
    "cpf_valid",
    "curp_valid",
    "de_svnr_valid",
    "digits",
    "fiscal_code_valid",
    "fnr_valid",
    "hetu_valid",
    "hkid_valid",
    "iban_valid",
    "il_id_valid",
    "ir_code_valid",
    "jmbg_valid",
    "kennitala_valid",
    "lt_code_valid",
    "luhn_valid",
    "my_number_valid",
    "nhs_valid",
    "nif_valid",
    "nir_valid",
    "nric_valid",
    "oib_valid",
    "pesel_valid",
    "pps_valid",
    "pt_nif_valid",
    "rnokpp_valid",
    "rrn_valid",
    "rut_valid",
    "se_pnr_valid",
    "ssn_valid",
    "tckn_valid",
    "th_id_valid",
    "tw_id_valid",
    "verhoeff_valid",
    "za_id_valid",
]


def digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def counts_up(number: str) -> bool:
    """Digits that show a format, not someone's: one digit repeated ("000000000"), or a run counting up or down
    ("123456789", "987654321")."""
    return len(set(number)) == 1 or number in "01234567890123456789" or number in "98765432109876543210"


def _weighted(number: str, weights: Iterable[int]) -> int:
    """The weighted digit sum most national check digits start from (``number``: as many digits as
    ``weights``)."""
    return sum(int(d) * w for d, w in zip(number, weights, strict=True))


def luhn_valid(number: str) -> bool:
    """Luhn (mod 10): payment cards and Canadian SINs."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return len(number) > 1 and total % 10 == 0


def nhs_valid(number: str) -> bool:
    """UK NHS number: ten digits, mod-11 check digit (10 is never issued)."""
    if len(number) != 10:
        return False
    total = _weighted(number[:9], range(10, 1, -1))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


def iban_valid(value: str) -> bool:
    """ISO 13616 IBAN: move the first four characters to the end, letters to numbers, mod 97 == 1."""
    compact = "".join(value.split()).replace("-", "").upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = "".join(str(int(ch, 36)) for ch in rearranged)
    except ValueError:
        return False
    return int(number) % 97 == 1


def bsn_valid(number: str) -> bool:
    """Dutch burgerservicenummer: nine digits, the 11-check (weights 9..2 and -1, sum divisible by 11)."""
    if len(number) != 9 or number == "000000000":
        return False
    total = _weighted(number, (9, 8, 7, 6, 5, 4, 3, 2, -1))
    return total % 11 == 0


_PPS_LETTERS = "WABCDEFGHIJKLMNOPQRSTUV"  # the check letter of a weighted sum mod 23


def pps_valid(value: str) -> bool:
    """Irish PPS number: seven digits, a check letter, and an optional second letter; since 2013 the
    second letter A, B or H enters the check (weight 9), before it W, T or X did not."""
    value = value.upper()
    if not (8 <= len(value) <= 9 and value[:7].isdigit() and value[7] in _PPS_LETTERS):
        return False
    second = value[8:]
    if second and second not in "ABHWTX":
        return False
    total = sum(int(d) * (8 - i) for i, d in enumerate(value[:7]))
    if second in ("A", "B", "H"):
        total += 9 * _PPS_LETTERS.index(second)
    return value[7] == _PPS_LETTERS[total % 23]


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def lt_code_valid(number: str) -> bool:
    """Lithuanian asmens kodas (and Estonian isikukood, the same scheme): eleven digits, the first 1-6
    (sex and century: 1-2 the 1800s, 3-4 the 1900s, 5-6 the 2000s), a real date YYMMDD, a check digit
    (weights 1-9,1 mod 11; when that gives 10, weights 3-9,1-3; 10 again gives 0)."""
    if len(number) != 11 or not number.isdigit() or number[0] not in "123456":
        return False
    century = 1800 + 100 * ((int(number[0]) - 1) // 2)
    if not _real_date(century + int(number[1:3]), int(number[3:5]), int(number[5:7])):
        return False
    check = _weighted(number[:10], (1, 2, 3, 4, 5, 6, 7, 8, 9, 1)) % 11
    if check == 10:
        check = _weighted(number[:10], (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)) % 11
        check = 0 if check == 10 else check
    return check == int(number[10])


#: PESEL's month carries the century: +80 the 1800s, +0 the 1900s, +20 the 2000s, +40 the 2100s, +60 the 2200s.
_PESEL_CENTURY = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}


def pesel_valid(number: str) -> bool:
    """Polish PESEL: eleven digits, a real date YYMMDD (the month carries the century), a check digit
    (weights 1,3,7,9 repeated; the check is 10 less the sum's last digit, mod 10)."""
    if len(number) != 11 or not number.isdigit():
        return False
    month = int(number[2:4])
    offset = (month - 1) // 20 * 20 if month else -1
    if offset not in _PESEL_CENTURY or not _real_date(_PESEL_CENTURY[offset] + int(number[:2]), month - offset,
                                                      int(number[4:6])):
        return False
    total = _weighted(number[:10], (1, 3, 7, 9, 1, 3, 7, 9, 1, 3))
    return (10 - total % 10) % 10 == int(number[10])


_NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def nif_valid(value: str) -> bool:
    """Spanish DNI/NIF (eight digits and a check letter, the number mod 23) and NIE (X, Y or Z for 0, 1
    or 2, seven digits, the same letter)."""
    compact = value.replace("-", "").replace(" ", "").upper()
    if len(compact) != 9 or not compact[-1].isalpha():
        return False
    body = compact[:8]
    if body[0] in "XYZ":
        body = str("XYZ".index(body[0])) + body[1:]
    if not body.isdigit():
        return False
    return compact[-1] == _NIF_LETTERS[int(body) % 23]


#: Numbers printed in advertisements and wallets (123-45-6789, 078-05-1120, 219-09-9999), never issued.
SSN_SAMPLES = frozenset({"123456789", "078051120", "219099999"})


def ssn_valid(number: str, *, samples: bool = False) -> bool:
    """US SSN: area not 000, 666 or 9xx; group not 00; serial not 0000; not a well-known sample unless
    ``samples`` (a number the text calls an SSN: masking a sample costs nothing, passing one on
    teaches a caller that their number got through)."""
    if len(number) != 9 or len(set(number)) == 1:
        return False
    area, group, serial = number[:3], number[3:5], number[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return samples or number not in SSN_SAMPLES


#: Codice fiscale: what a character at an odd position (1st, 3rd, ...) adds to the sum (digits 0-9 and
#: letters A-J share a value: the same table for both), and the digits an "omocodia" letter replaces.
_CF_ODD = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23)
_CF_MONTHS = "ABCDEHLMPRST"
_CF_OMOCODE = "LMNPQRSTUV"


def _cf_value(ch: str) -> int:
    return ord(ch) - 48 if ch.isdigit() else ord(ch) - 65


def fiscal_code_valid(value: str) -> bool:
    """Italian codice fiscale: six letters (surname, name), the year, a month letter, the day (+40 for
    women, 1-31 or 41-71), a place code, a check letter (odd positions by a table, even ones by their
    value, the sum mod 26). A digit may be written as a letter (omocodia: L-V for 0-9)."""
    code = value.upper()
    if len(code) != 16 or not code.isascii() or not code[:6].isalpha() or code[8] not in _CF_MONTHS:
        return False
    numeric = code[6:8] + code[9:11] + code[12:15]
    plain = "".join(str(_CF_OMOCODE.index(c)) if c in _CF_OMOCODE else c for c in numeric)
    if not plain.isdigit() or not code[11].isalpha() or not code[15].isalpha():
        return False
    day = int(plain[2:4])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    total = sum(_CF_ODD[_cf_value(c)] if i % 2 == 0 else _cf_value(c) for i, c in enumerate(code[:15]))
    return code[15] == chr(65 + total % 26)


def _date_in_either_century(yy: int, month: int, day: int) -> bool:
    return _real_date(1900 + yy, month, day) or _real_date(2000 + yy, month, day)


def rrn_valid(number: str) -> bool:
    """Korean resident registration number: thirteen digits, a real date YYMMDD, a sex and century digit
    (1-8: 1-4 citizens, 5-8 foreigners; 9 and 0 the 1800s), a check digit (weights 2-9,2-5, 11 less the
    sum mod 11, mod 10)."""
    if len(number) != 13 or not number.isdigit():
        return False
    century = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000,
               "9": 1800, "0": 1800}[number[6]]
    if not _real_date(century + int(number[:2]), int(number[2:4]), int(number[4:6])):
        return False
    total = _weighted(number[:12], (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5))
    return (11 - total % 11) % 10 == int(number[12])


def tckn_valid(number: str) -> bool:
    """Turkish T.C. kimlik (identity) number: eleven digits, not opening with 0; the 10th is seven times the odd
    positions' sum less the even ones' (of the first nine), mod 10; the 11th the first ten's sum mod 10."""
    if len(number) != 11 or not number.isdigit() or number[0] == "0":
        return False
    d = [int(c) for c in number]
    return (sum(d[0:9:2]) * 7 - sum(d[1:8:2])) % 10 == d[9] and sum(d[:10]) % 10 == d[10]


def _mod11(number: str, weights: tuple[int, ...]) -> int:
    check = 11 - _weighted(number, weights) % 11
    return 0 if check == 11 else check


def fnr_valid(number: str) -> bool:
    """Norwegian fødselsnummer (and D-number, day + 40): eleven digits, a real date DDMMYY, two mod-11
    check digits (weights 3,7,6,1,8,9,4,5,2 then 5,4,3,2,7,6,5,4,3,2; a check of 10 is never issued)."""
    if len(number) != 11 or not number.isdigit():
        return False
    day = int(number[:2])
    day = day - 40 if day > 40 else day
    if not _date_in_either_century(int(number[4:6]), int(number[2:4]), day):
        return False
    k1 = _mod11(number[:9], (3, 7, 6, 1, 8, 9, 4, 5, 2))
    k2 = _mod11(number[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    return k1 == int(number[9]) and k2 == int(number[10])


def nir_valid(value: str) -> bool:
    """French NIR (numéro de sécurité sociale): sex (1, 2; 3, 4, 7, 8 for temporary numbers), year,
    month (01-12, or 20-99 when unknown), department (2A/2B in Corsica: 19 and 18 in the key), commune,
    order, then a key of 97 less the first thirteen digits mod 97."""
    compact = "".join(value.split()).upper()
    if len(compact) != 15 or compact[0] not in "123478":
        return False
    body = compact[:13].replace("2A", "19", 1) if compact[5:7] == "2A" else compact[:13]
    body = body.replace("2B", "18", 1) if compact[5:7] == "2B" else body
    if not body.isdigit() or not compact[13:].isdigit():
        return False
    month = int(body[3:5])
    if month == 0 or 13 <= month <= 19:
        return False
    return 97 - int(body) % 97 == int(compact[13:])


def cpf_valid(number: str) -> bool:
    """Brazilian CPF: eleven digits, not all alike, two check digits (weights 10..2, then 11..2; the sum
    times 10 mod 11, 10 giving 0)."""
    if len(number) != 11 or not number.isdigit() or len(set(number)) == 1:
        return False
    first = _weighted(number[:9], range(10, 1, -1)) * 10 % 11 % 10
    second = _weighted(number[:10], range(11, 1, -1)) * 10 % 11 % 10
    return first == int(number[9]) and second == int(number[10])


def rut_valid(value: str) -> bool:
    """Chilean RUT/RUN: seven or eight digits and a check character (weights 2-7 from the right, 11 less
    the sum mod 11; 11 gives 0, 10 gives K)."""
    compact = value.replace(".", "").replace("-", "").replace(" ", "").upper()
    body, check = compact[:-1], compact[-1:]
    if not 7 <= len(body) <= 8 or not body.isdigit() or not check or len(set(body)) == 1:
        return False
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(body)))
    expected = 11 - total % 11
    return check == {11: "0", 10: "K"}.get(expected, str(expected))


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_valid(number: str) -> bool:
    """The Verhoeff check (dihedral group D5): catches every single error and adjacent swap."""
    c = 0
    for i, ch in enumerate(reversed(number)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][ord(ch) - 48]]
    return len(number) > 1 and c == 0


def aadhaar_valid(number: str) -> bool:
    """Indian Aadhaar number: twelve digits, the first 2-9, the last a Verhoeff check digit."""
    return len(number) == 12 and number.isdigit() and number[0] not in "01" and verhoeff_valid(number)


def be_nrn_valid(number: str) -> bool:
    """Belgian national register number: YYMMDD (month and day may be 00 when unknown; +20 or +40 on
    the month for a bis number), a serial, and a check of 97 less the first nine digits mod 97 (with a
    2 in front for those born from 2000)."""
    if len(number) != 11 or not number.isdigit():
        return False
    month = int(number[2:4]) % 20 if int(number[2:4]) > 12 else int(number[2:4])
    day = int(number[4:6])
    if month > 12 or day > 31:
        return False
    check = int(number[9:])
    return 97 - int(number[:9]) % 97 == check or 97 - int("2" + number[:9]) % 97 == check


def se_pnr_valid(number: str) -> bool:
    """Swedish personnummer (and samordningsnummer, day + 60): ten digits YYMMDDNNNC (or twelve with the
    century), a real date, the last a Luhn check over the ten."""
    if len(number) == 12:
        number = number[2:]
    if len(number) != 10 or not number.isdigit():
        return False
    day = int(number[4:6])
    day = day - 60 if day > 60 else day
    return _date_in_either_century(int(number[:2]), int(number[2:4]), day) and luhn_valid(number)


def za_id_valid(number: str) -> bool:
    """South African identity number: thirteen digits, a real date YYMMDD, a citizenship digit (0 or 1),
    the last a Luhn check."""
    return (len(number) == 13 and number.isdigit() and number[10] in "01"
            and _date_in_either_century(int(number[:2]), int(number[2:4]), int(number[4:6])) and luhn_valid(number))


_HETU_CHECKS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_HETU_CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
                 "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}


def hetu_valid(value: str) -> bool:
    """Finnish henkilötunnus: DDMMYY, a century sign (+ the 1800s; - or U-Y the 1900s; A-F the 2000s),
    three digits and a check character (the nine digits mod 31)."""
    code = value.upper()
    if len(code) != 11 or code[6] not in _HETU_CENTURY or not (code[:6] + code[7:10]).isdigit():
        return False
    if not _real_date(_HETU_CENTURY[code[6]] + int(code[4:6]), int(code[2:4]), int(code[:2])):
        return False
    return code[10] == _HETU_CHECKS[int(code[:6] + code[7:10]) % 31]


def cn_ric_valid(value: str) -> bool:
    """Chinese resident identity card number: six digits of place, a real date YYYYMMDD, three digits,
    and a check character (ISO 7064 mod 11-2: 0-9 or X)."""
    code = value.upper()
    if len(code) != 18 or not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        return False
    if not _real_date(int(code[6:10]), int(code[10:12]), int(code[12:14])) or not 1900 <= int(code[6:10]) <= 2100:
        return False
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(code[:17]))
    return code[17] == "10X98765432"[total % 11]


def cnp_valid(number: str) -> bool:
    """Romanian CNP: a sex and century digit (1-8; 9 for foreigners), a real date YYMMDD, a county
    (01-52), a serial and a check digit (weights 2,7,9,1,4,6,3,5,8,2,7,9 mod 11; 10 gives 1)."""
    if len(number) != 13 or not number.isdigit() or number[0] == "0":
        return False
    century = {"1": 1900, "2": 1900, "3": 1800, "4": 1800, "5": 2000, "6": 2000}.get(number[0])
    yy, mm, dd = int(number[1:3]), int(number[3:5]), int(number[5:7])
    dated = _real_date(century + yy, mm, dd) if century else _date_in_either_century(yy, mm, dd)
    if not dated or not 1 <= int(number[7:9]) <= 52:
        return False
    total = _weighted(number[:12], (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9))
    check = total % 11
    return (1 if check == 10 else check) == int(number[12])


def birth_number_valid(number: str) -> bool:
    """Czech and Slovak rodné číslo (since 1954): ten digits YYMMDDXXXX (the month + 50 for women, + 20
    or + 70 from 2004), divisible by 11 (or the first nine mod 11 being 10 and the last 0)."""
    if len(number) != 10 or not number.isdigit():
        return False
    month = int(number[2:4])
    for offset in (70, 50, 20, 0):
        if month > offset:
            month -= offset
            break
    if not _date_in_either_century(int(number[:2]), month, int(number[4:6])):
        return False
    return int(number) % 11 == 0 or (int(number[:9]) % 11 == 10 and number[9] == "0")


def pt_nif_valid(number: str) -> bool:
    """Portuguese NIF (número de contribuinte): nine digits, the first 1-3, 5, 6, 8 or 9, a mod-11 check
    (weights 9..2; 10 and 11 give 0)."""
    if len(number) != 9 or not number.isdigit() or number[0] not in "1235689":
        return False
    check = 11 - _weighted(number[:8], range(9, 1, -1)) % 11
    return (0 if check >= 10 else check) == int(number[8])


_NRIC_LETTERS = {"S": "JZIHGFEDCBA", "T": "JZIHGFEDCBA", "F": "XWUTRQPNMLK", "G": "XWUTRQPNMLK"}


def nric_valid(value: str) -> bool:
    """Singapore NRIC/FIN: S, T, F or G, seven digits, a check letter (weights 2,7,6,5,4,3,2; T and G
    add 4)."""
    code = value.upper()
    if len(code) != 9 or code[0] not in _NRIC_LETTERS or not code[1:8].isdigit():
        return False
    total = _weighted(code[1:8], (2, 7, 6, 5, 4, 3, 2))
    total += 4 if code[0] in "TG" else 0
    return code[8] == _NRIC_LETTERS[code[0]][total % 11]



def hkid_valid(value: str) -> bool:
    """Hong Kong identity card number: one or two letters, six digits and a check digit or A, the check
    often in brackets ("K583901(7)"): the letters (A=10 ... Z=35; one letter counts a space, 36, before it)
    and digits weighted 9..2, the check making the sum divisible by 11 (A for 10)."""
    code = value.upper().replace("(", "").replace(")", "")
    letters = code[:2] if code[1].isalpha() else code[:1]
    body = code[len(letters):]
    if len(body) != 7 or not body[:6].isdigit() or not (body[6].isdigit() or body[6] == "A"):
        return False
    values = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters] + [int(d) for d in body[:6]]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return body[6] == ("A" if check == 10 else str(check))


#: The letter of a Taiwanese identity number's place of first registration, as its two-digit code (A=10 ... Z=33).
_TW_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))


def tw_id_valid(value: str) -> bool:
    """Taiwan national identification number (國民身分證統一編號): a letter, 1 or 2 (the sex; 8 or 9 on a
    resident certificate since 2021), seven digits and a check digit. The letter's code counts its tens once and
    its units nine times, the digits 8..1 and the check once: the sum is a multiple of 10."""
    code = value.upper()
    if len(code) != 10 or code[0] not in _TW_LETTERS or not code[1:].isdigit() or code[1] not in "1289":
        return False
    tens, units = divmod(_TW_LETTERS[code[0]], 10)
    total = tens + 9 * units + sum(int(d) * w for d, w in zip(code[1:9], range(8, 0, -1), strict=True)) + int(code[9])
    return total % 10 == 0


def oib_valid(number: str) -> bool:
    """Croatian OIB (osobni identifikacijski broj): eleven digits, the last an ISO 7064 MOD 11,10 check."""
    if len(number) != 11 or not number.isdigit():
        return False
    carry = 10
    for d in number[:10]:
        carry = (carry + int(d)) % 10 or 10
        carry = carry * 2 % 11
    return (11 - carry) % 10 == int(number[10])


def il_id_valid(number: str) -> bool:
    """Israeli identity number (mispar zehut): nine digits (fewer are padded with zeros), weights 1,2
    alternating, the digits of each product summed, the total divisible by 10."""
    if not 5 <= len(number) <= 9 or not number.isdigit():
        return False
    total = 0
    for i, d in enumerate(number.zfill(9)):
        product = int(d) * (1 + i % 2)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


_CURP_CHARS = "0123456789ABCDEFGHIJKLMN\u00d1OPQRSTUVWXYZ"


def curp_valid(value: str) -> bool:
    """Mexican CURP: four letters, a real date YYMMDD, H or M (or X), the state, three consonants, a letter
    or digit for the century, and a check digit (each character's value times 18 less its position, the
    total's last digit taken from 10)."""
    code = value.upper()
    if len(code) != 18 or not code[4:10].isdigit() or not code[17].isdigit():
        return False
    century = 1900 if code[16].isdigit() else 2000
    if not _real_date(century + int(code[4:6]), int(code[6:8]), int(code[8:10])):
        return False
    if any(c not in _CURP_CHARS for c in code[:17]):
        return False
    total = sum(_CURP_CHARS.index(c) * (18 - i) for i, c in enumerate(code[:17]))
    return (10 - total % 10) % 10 == int(code[17])


def my_number_valid(number: str) -> bool:
    """Japanese individual number (My Number): twelve digits, the last a check digit (from the right, the
    eleven digits weighted 2-7 then 2-6; 11 less the total mod 11, 0 for a remainder of 0 or 1)."""
    if len(number) != 12 or not number.isdigit():
        return False
    body = number[:11][::-1]
    total = sum(int(d) * (i + 2 if i < 6 else i - 4) for i, d in enumerate(body))
    remainder = total % 11
    return int(number[11]) == (0 if remainder <= 1 else 11 - remainder)


def jmbg_valid(number: str) -> bool:
    """JMBG (Serbia, Bosnia and Herzegovina, Montenegro, North Macedonia, former Yugoslavia): thirteen digits,
    a real date DDMMYYY (the millennium left out), a region, a serial and a mod-11 check (weights 7-2, twice)."""
    if len(number) != 13 or not number.isdigit():
        return False
    year = int(number[4:7])
    if not _real_date(year + (2000 if year < 100 else 1000), int(number[2:4]), int(number[:2])):
        return False
    check = 11 - _weighted(number[:12], (7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)) % 11
    return (0 if check > 9 else check) == int(number[12])


def th_id_valid(number: str) -> bool:
    """Thai national identification number (เลขประจำตัวประชาชน): thirteen digits, the first 1-8, a check (weights
    13-2 mod 11, eleven less the remainder, mod 10)."""
    if len(number) != 13 or not number.isdigit() or number[0] not in "12345678":
        return False
    return (11 - _weighted(number[:12], tuple(range(13, 1, -1))) % 11) % 10 == int(number[12])


def amka_valid(number: str) -> bool:
    """Greek AMKA (social security number): eleven digits, a real date DDMMYY first, Luhn."""
    if len(number) != 11 or not number.isdigit():
        return False
    return _date_in_either_century(int(number[4:6]), int(number[2:4]), int(number[:2])) and luhn_valid(number)


def rnokpp_valid(number: str) -> bool:
    """Ukrainian RNOKPP (taxpayer number, "ІПН"): ten digits, a check (weights -1,5,7,9,4,6,10,5,7 mod 11, mod 10)."""
    if len(number) != 10 or not number.isdigit():
        return False
    return _weighted(number[:9], (-1, 5, 7, 9, 4, 6, 10, 5, 7)) % 11 % 10 == int(number[9])


def ir_code_valid(number: str) -> bool:
    """Iranian national code (کد ملی): ten digits, not all the same, a check (weights 10-2 mod 11: the remainder
    itself under 2, else 11 less it)."""
    if len(number) != 10 or not number.isdigit() or len(set(number)) == 1:
        return False
    remainder = _weighted(number[:9], range(10, 1, -1)) % 11
    return int(number[9]) == (remainder if remainder < 2 else 11 - remainder)


def kennitala_valid(number: str) -> bool:
    """Icelandic kennitala: a real date DDMMYY, two digits, a check digit (weights 3,2,7,6,5,4,3,2; 11 less the
    total mod 11, 0 for 11, never 10) and the century (9: the 1900s, 0: the 2000s, 8: the 1800s)."""
    if len(number) != 10 or not number.isdigit() or number[9] not in "890":
        return False
    century = {"8": 1800, "9": 1900, "0": 2000}[number[9]]
    if not _real_date(century + int(number[4:6]), int(number[2:4]), int(number[:2])):
        return False
    check = 11 - _weighted(number[:8], (3, 2, 7, 6, 5, 4, 3, 2)) % 11
    return check != 10 and (0 if check == 11 else check) == int(number[8])


def de_svnr_valid(value: str) -> bool:
    """German Versicherungsnummer (pension and social insurance number, "65 150861 W 040"): two digits of the
    insurer's area, the birth date DDMMYY (the day may carry 50 more), the first letter of the birth name, two
    digits, a check digit: the letter read as its place in the alphabet (two digits), the eleven digits before the
    check weighted 2,1,2,5,7,1,2,1,2,1,2,1, each product's digits summed, the total mod 10."""
    v = value.replace(" ", "").upper()
    if len(v) != 12 or not (v[:8].isdigit() and v[8].isalpha() and v[8].isascii() and v[9:].isdigit()):
        return False
    day, month = int(v[2:4]) % 50, int(v[4:6])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    number = v[:8] + f"{ord(v[8]) - 64:02d}" + v[9:11]
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(number, (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1), strict=False))
    return total % 10 == int(v[11])

"""Check digits that tell a real identifier from a number that only looks like one."""

from __future__ import annotations

__all__ = [
    "SSN_SAMPLES", "bsn_valid", "digits", "iban_valid", "lt_code_valid", "luhn_valid", "nhs_valid", "nif_valid",
    "pesel_valid", "pps_valid", "ssn_valid",
]


def digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


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
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True))
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
    total = sum(int(d) * w for d, w in zip(number, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
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
    import datetime

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
    values = [int(d) for d in number[:10]]
    check = sum(v * w for v, w in zip(values, (1, 2, 3, 4, 5, 6, 7, 8, 9, 1), strict=True)) % 11
    if check == 10:
        check = sum(v * w for v, w in zip(values, (3, 4, 5, 6, 7, 8, 9, 1, 2, 3), strict=True)) % 11
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
    total = sum(int(d) * w for d, w in zip(number[:10], (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=True))
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

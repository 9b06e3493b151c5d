"""A vehicle's number plate after its word: "placa FQH2C47", "my number plate is AB12 CDE", "Kennzeichen
B-AB 1234", "kenteken 12-ABC-3", "plaque d'immatriculation AB-123-CD", "车牌号粤B12345".

``VEHICLE_PLATE``: the register of vehicles names the keeper from the plate (parking and traffic fines, tolls,
insurance), so a citizen's plate is personal data the helpdesk needs no more than their ID number. Only a plate
right after its word (and the filler words "number", "no.", "is", "do carro", a colon) is taken, and only one of
four to ten letters and digits holding both ("placa Mercosul" holds none; "registration form SA302" has no
plate word: "registration" alone is not one, a company's registration number is no plate).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.hits import Digits, Hit

__all__ = ["plates"]

#: A plate's word, then filler words; the plate is read from the end of the match.
_PLATE_WORD = re.compile(
    r"(?:\b(?:(?:(?:number|licen[cs]e|registration|reg|vehicle|car)\s+)?plates?|car\s+reg(?:istration)?|"
    r"vehicle\s+reg(?:istration)?|rego|placas?|plaques?(?:\s+d['\u2019]immatriculation)?|immatriculation|kenteken|"
    r"kennzeichen|autokennzeichen|targa|rekisterinumero|registreringsnummer|registreringsnr|rendsz[áa]m|spz|"
    r"numer\s+rejestracyjny|tablic[ay]\s+rejestracyjn[ae])|车牌号?码?|車牌號?碼?|번호판|ナンバー(?:プレート)?|"
    r"ทะเบียนรถ)"
    r"(?:\s*(?:number|no\.?|nr\.?|n[º°o]\.?|is|es|é|est|ist|(?:of|on)\s+(?:my|the|our)\s+(?:car|vehicle|van|motorbike)|"
    r"do\s+(?:meu\s+)?carro|del\s+coche|de\s+mi\s+coche|"
    r"d[eo]\s+(?:mi|meu|minha)\s+(?:auto|carro|moto)|:|#|\uff1a|是|는))*[ \t]*",
    re.IGNORECASE)
#: The plate words in lower case (each a part of one, in ASCII; then the other scripts'): a text without any of them
#: is not searched (a ``str`` search for each costs less than one pass of an alternation).
_NEEDLES = ("plate", "placa", "plaque", "immatriculation", "kenteken", "kennzeichen", "targa", "car reg",
            "vehicle reg", "rego", "rekisterinumero", "registrering", "rendsz", "spz", "rejestracyjn")
_WIDE_NEEDLES = ("车牌", "車牌", "번호판", "ナンバー", "ทะเบียนรถ")
#: One part of a plate: letters and digits (a Chinese plate opens with its province's character).
_PART = re.compile(r"[\u4e00-\u9fff]?[A-Za-z0-9]{1,8}")


def _plate_at(text: str, pos: int) -> tuple[int, int] | None:
    """The plate that starts at ``pos``: parts joined by a space or a hyphen, as long as each part holds a digit
    or is in capitals ("FQH2C47 mas" stops before "mas"; "placa nova 2024" holds none), with four to ten letters
    and digits in all, a letter and a digit among them."""
    end, chars, best = pos, 0, None
    while True:
        m = _PART.match(text, end)
        if m is None or not (any(c.isdigit() for c in m.group()) or m.group().isupper()):
            break
        chars += sum(c.isascii() and c.isalnum() for c in m.group())
        end = m.end()
        if chars > 10:
            break
        value = text[pos:end]
        if chars >= 4 and any(c.isdigit() for c in value) and any(c.isascii() and c.isalpha() for c in value):
            best = (pos, end)
        if end < len(text) and text[end] in " -" and end + 1 < len(text) and text[end + 1].isalnum():
            end += 1
            continue
        break
    if best is None:
        return None
    after = text[best[1]:best[1] + 2]
    if after[:1].isascii() and (after[:1].isalnum() or (after[:1] in "-_@/." and after[1:].isalnum())):
        return None  # "AB12CDEFG", "AB12-X9Z1Q", "ABC1/2024": longer than a plate, or part of something else
    return best


def plates(text: str, digits: Digits) -> Iterator[Hit]:
    if digits.total == 0:
        return
    low = text.lower()
    if not any(needle in low for needle in _NEEDLES) and (text.isascii() or not any(w in text for w in _WIDE_NEEDLES)):
        return
    for m in _PLATE_WORD.finditer(text):
        span = _plate_at(text, m.end())
        if span is not None:
            yield Hit("VEHICLE_PLATE", span[0], span[1], 0.85)

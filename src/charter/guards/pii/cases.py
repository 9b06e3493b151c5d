"""Case numbers (``CASE_NUMBER``): the number of a person's court case, claim, application or file at a
public body, and the customer or account number a body gives a person. A case number singles its party
out to anyone who can read the register it belongs to (court lists, a case-status page, the agency's own
files), so in the agency sense it is personal data, as an identifier is; an agency's helpdesk has no
more use for it than for the identifier (it cannot look the case up) and the caller gets it back when
the charter pseudonymises.

Two ways to find one:

* **its own shape**, where a register's numbers have one no ordinary text shares: a USCIS receipt number
  ("IOE0923456781": the service centre's three letters and ten digits), a Chinese court's case number
  ("(2024)京0105民初12345号"), a Korean one ("2024가소123456": the year, the kind of case, the number), an
  Indonesian one ("1234/Pdt.G/2025/PA.JP"), a Polish court's signature ("I C 1245/24": the division in
  Roman numerals, the register, number/year), a French court's "RG 23/04517" and a French planning file
  ("DP 044109 24 00312": the kind of permit, the commune's code, the year, the number), a Kenyan court's
  "CMCC E1187 of 2024";
* **after its word** (:data:`_CASE_WORDS`, in the helpdesks' languages: "case number", "claim", "file
  number", "receipt number", "numéro de dossier", "expediente", "Aktenzeichen", "Kundennummer",
  "sygnatura", "nomor perkara", "案号", "사건번호", ...), a code of letters and digits with at least three
  digits ("SA/2025/004517", "K7QZ4R21", "BN1070123456789", "962D481305").

Not a case number: a law's or a form's number (no case word before it, and no register's shape: "Act No.
5 of 2024", "Regulation (EU) 2016/679", "Form I-130"), a year or a date after a case word ("the claim
of 12/05/2024"), a number that only counts up or repeats one digit (a format an answer shows:
"123456789"), a bare "reference" or "ticket" (a helpdesk's own reference for a message, which an answer
gives out).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.checksums import counts_up
from charter.guards.pii.checksums import digits as digits_in
from charter.guards.pii.hits import Digits, Hit, windows

__all__ = ["case_numbers"]

_I = re.IGNORECASE

#: Case numbers by their register's shape (see the module's docstring). Each is searched only in a text that
#: holds what every match of it holds (:func:`case_numbers`); those that would open with a look-behind open
#: with their first character instead, so that Python scans for it in C.
_USCIS_RECEIPT = re.compile(r"[A-Z]{3}(?<=EAC|WAC|LIN|SRC|NBC|MSC|IOE|YSC|TSC|VSC|NSC|CSC)(?<![\w-][A-Z]{3})\d{10}"
                            r"(?![\w-])")
#: (year) court code, kind of case, number 号: a Chinese court's.
_CN_CASE = re.compile(r"[(\uff08](?:19|20)\d\d[)\uff09][\u4e00-\u9fff]{1,2}\d{0,4}[\u4e00-\u9fff]{1,4}\d{1,6}号")
#: Year, kind of case (가합 civil collegiate, 가단, 가소 small claims, 나 appeal, 구합 administrative, 드 family,
#: 고합/고단 criminal, 타경 auction, ...), number: a Korean court's.
_KR_CASE = re.compile(r"(?<!\d)(?:19|20)\d\d(?:가합|가단|가소|나|다|구합|구단|누|두|드합|드단|르|므|느합|느단|"
                      r"고합|고단|고정|노|도|카합|카단|타경|머|즈|하합|하단|회합|회단)\d{2,7}(?!\d)")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: Number/Pdt.G (civil) or Pid.B (criminal)/year/court: an Indonesian court's.
_ID_CASE = re.compile(r"\d(?<![\w/]\d)\d{0,5}/(?:Pdt|Pid)\.[A-Za-z.]{1,8}/(?:19|20)\d\d/[A-Z][A-Za-z.]{0,12}[A-Za-z]")
#: Division in Roman numerals, register, number/two-digit year: a Polish court's signature ("I C 1245/24").
_PL_CASE = re.compile(r"[IVX](?<![\w/][IVX])[IVX]{0,4} [A-Z][A-Za-z]{0,3} \d{1,6}/\d\d(?![\w/])")
#: A French court's "RG 23/04517", and a French planning file: permit kind, commune, year, number.
_FR_RG = re.compile(r"RG(?<!\wRG)\s*(?:n[°o]\s*)?:?\s*\d\d/\d{4,5}(?![\w/])")
_FR_PERMIT = re.compile(r"\b(?:DP|PC|PA|PD|CU[ab]?)\s?\d{3}\s?\d{3}\s?\d\d\s?[A-Z0-9]\d{4}(?!\w)")
#: Court and kind, number, "of" year: a Kenyan court's ("CMCC E1187 of 2024", "Succession Cause No. 12 of 2023").
_KE_CASE = re.compile(r"\b(?:CMCC|HCCC|MCCC|SPMCC|ELRC|ELC|HCCA|CMCR|MCSC|SCCC|HCCOMM|(?:Civil|Criminal|Succession|"
                      r"Divorce|Miscellaneous)\s+(?:Case|Cause|Suit|Appeal|Application))\s+(?:No\.?\s*)?E?\d{1,6}"
                      r"\s+of\s+(?:19|20)\d\d\b")


def _shaped(text: str, digits: Digits) -> Iterator[re.Match[str]]:
    if digits.longest >= 10:
        yield from _USCIS_RECEIPT.finditer(text)
    if not text.isascii():
        if "号" in text:
            yield from _CN_CASE.finditer(text)
        if _HANGUL.search(text):
            yield from _KR_CASE.finditer(text)
    if "/Pdt." in text or "/Pid." in text:
        yield from _ID_CASE.finditer(text)
    if "/" in text:
        yield from _PL_CASE.finditer(text)
        if "RG" in text:
            yield from _FR_RG.finditer(text)
    if "DP" in text or "PC" in text or "PA" in text or "PD" in text or "CU" in text:
        yield from _FR_PERMIT.finditer(text)
    if " of " in text:
        yield from _KE_CASE.finditer(text)


#: The words that make the code after them a case, claim, file or customer number, in the helpdesks'
#: languages. Not "reference" or "ticket" alone (a helpdesk's own reference for a message).
_CASE_WORDS = (
    r"case(?:\s+(?:number|no\.?|nr\.?|ref(?:erence)?|id))?|claim(?:\s+(?:number|no\.?|ref(?:erence)?))?|"
    r"(?:file|docket|matter|appeal|receipt|application|reference|customer)\s+(?:number|no\.?)|"
    r"council\s+tax\s+(?:account|reference)(?:\s+number)?|"
    # a farm's County Parish Holding number ("holding CPH 33/412/0087"), a farmer's register entry
    r"cph(?:\s+(?:number|no\.?))?|"
    r"num[ée]ro\s+(?:de\s+|du\s+)?(?:dossier|client|d['\u2019]allocataire|rg)|n[°o]\s+(?:de\s+)?dossier|"
    r"dossier(?:\s+n[°o])?|"
    r"(?:n[úu]mero\s+de\s+)?(?:expediente|radicado|solicitud|caso)|exp\.|folio|"
    r"(?:n[úu]mero\s+do\s+)?(?:processo|protocolo)|"
    r"aktenzeichen|az\.|kundennummer|bg-nummer|gesch[äa]ftszeichen|vorgangsnummer|antragsnummer|"
    r"(?:numero\s+di\s+)?pratica|numero\s+di\s+protocollo|zaaknummer|dossiernummer|klantnummer|"
    r"sygn(?:atura|\.)?(?:\s+akt)?|numer\s+sprawy|(?:nomor\s+)?perkara|"
    r"dosya\s+(?:no|numaras\w*)|esas\s+no|ba[şs]vuru\s+numaras\w*|"
    r"رقم\s+القضية|رقم\s+الملف|رقم\s+الطلب"
)
#: The word, the small words that may follow it ("my case number is", "dossier n° :"), the code. The code
#: is letters and digits joined by "/", "." or "-", with a digit in it (not "case on Monday 12"), and no space:
#: digits in groups after a word are a line's ("Help to Claim: 0800 144 8 444").
_WORDED = re.compile(
    r"(?<![^\W\d_])(?:" + _CASE_WORDS + r")(?:\s+(?:is|es|est|ist|é|nummer|number|n[°o]\.?|nr\.?))*"
    r"\s*[:#]?\s*(?:\*\*)?"
    r"((?=[a-z0-9/.-]*\d)[a-z0-9]+(?:[/.-][a-z0-9]+)*)(?![\w/-])", _I)
#: The first letters of :data:`_CASE_WORDS` in ASCII text (a test derives them from the pattern).
_CASE_WORD_ASCII_FIRST = "abcdefgkmnprsvz"
#: :data:`_WORDED` for ASCII text in lower case: no IGNORECASE (which folds every character it compares, at
#: every branch and position), its alternation tried only where one of its first letters is.
_WORDED_ASCII = re.compile(f"(?=[{_CASE_WORD_ASCII_FIRST}])" + _WORDED.pattern)
#: How far before a run of digits a case word can start, and how far after it a code can end: where
#: :data:`_WORDED` is searched.
_BEFORE, _AFTER = 64, 40
_DIGIT_RUN = re.compile(r"\d+")


def _worded(text: str) -> Iterator[re.Match[str]]:
    """:data:`_WORDED`'s matches (only group 1's span is read), in windows around the runs of digits."""
    pattern, haystack = (_WORDED_ASCII, text.lower()) if text.isascii() else (_WORDED, text)
    for w0, w1 in windows(text, _DIGIT_RUN, _BEFORE, _AFTER):
        yield from pattern.finditer(haystack, w0, w1)


#: The same words where a script has no spaces or capitals: Chinese, Japanese and Korean ("案号…", "사건번호 …").
_CJK_WORDED = re.compile(r"(?:案号|案件编号|受理编号|事件番号|受付番号|사건번호|접수번호)\s*[:\uff1a]?\s*"
                         r"([(\uff08]?[0-9A-Za-z\u4e00-\u9fff\uac00-\ud7a3()\uff08\uff09-]*\d[0-9A-Za-z\u4e00-\u9fff"
                         r"\uac00-\ud7a3-]*)")
#: A year, a date or a time: what a case word is sometimes followed by, and no case number.
_NOT_A_CODE = re.compile(r"(?:19|20)\d\d|\d{1,4}[./-]\d{1,2}(?:[./-]\d{2,4})?|\d{1,2}[:.]\d\d")
_CJK_CHARS = re.compile(r"[\u4e00-\u9fff\uac00-\ud7a3]")


def case_numbers(text: str, digits: Digits) -> Iterator[Hit]:
    if digits.total < 3:
        return
    for m in _shaped(text, digits):
        if counts_up(digits_in(m.group())):
            continue  # "Receipt numbers look like IOE1234567890": the format, as an answer shows it
        yield Hit("CASE_NUMBER", m.start(), m.end(), 0.85)
    for m in _worded(text):
        value = text[m.start(1):m.end(1)]
        number = digits_in(value)
        if len(value) < 5 or len(number) < 3 or _NOT_A_CODE.fullmatch(value) or counts_up(number):
            continue
        yield Hit("CASE_NUMBER", m.start(1), m.end(1), 0.8)
    for m in _CJK_WORDED.finditer(text) if not text.isascii() and _CJK_CHARS.search(text) else ():
        if len(digits_in(m.group(1))) >= 3:
            yield Hit("CASE_NUMBER", m.start(1), m.end(1), 0.8)

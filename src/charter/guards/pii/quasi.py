"""Quasi-identifiers: dates and times, ages, titles and postal codes, found by pattern and context."""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.hits import Digits, Hit, context_before, digits_of
from charter.guards.pii.lexicon import word_list

__all__ = ["MONTH_STEMS", "QUASI_RECOGNISERS", "QUASI_TEXT_RECOGNISERS", "all_dates", "dates", "is_birth_date"]

I = re.IGNORECASE  # noqa: E741


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORD = r"\d{1,2}(?:st|nd|rd|th)?"
ISO = re.compile(r"\d(?<!\w\d)\d{3}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
NUMERIC_DATE = re.compile(r"\d(?<!\w\d)\d?[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b")
#: A day, a month of Spanish, Portuguese, French, Italian, German or Dutch, and a year ("12 de julio de 1985").
FOREIGN_MONTH_DATE = re.compile(
    r"\b\d{1,2}\.?\s+(?:de\s+)?(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|janvier|"
    r"février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|gennaio|febbraio|aprile|"
    r"maggio|giugno|luglio|settembre|ottobre|dicembre|januar|februar|märz|juni|juli|oktober|dezember|januari|"
    r"februari|maart|mei|augustus)\s+(?:de\s+|del\s+)?\d{4}\b", re.IGNORECASE)
#: A date written in Chinese, Japanese or Korean: "1979年5月12日", "1979년 5월 12일".
CJK_DATE = re.compile(r"(?<![0-9])\d{4}\s?[年년]\s?\d{1,2}\s?[月월]\s?\d{1,2}\s?[日일]")
MONTH_DATE = re.compile(
    rf"\b(?:{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+{_ORD}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}})\b"
)
#: A month and a year, no day ("June 1959"): MONTH_DATE's third form.
_MONTH_YEAR = re.compile(rf"{_MONTH}\s+\d{{4}}")
#: What every match of MONTH_DATE holds: a month's first three letters, as _MONTH writes them.
MONTH_STEMS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_ALONE = re.compile(rf"\b(?:in|on|during|since|until|by|of|last|next|this)\s+({_MONTH[:-3]})\b")
WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b")
TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?\b|\b\d{1,2}\s?[ap]\.?m\.?(?!\w)", I)
YEAR = re.compile(
    r"(?:1(?<![\d.,$€£-]1)9|2(?<![\d.,$€£-]2)0)\d{2}(?![\d.,%-]\d)(?!\s?(?:%|percent|dollars|euros|km|kg))"
)
YEAR_CTX = re.compile(
    r"\b(?:in|since|of|year|born|from|until|till|by|before|after|during|circa|c\.|around|est\.?|"
    r"founded|class|a|the|early|late|mid|summer|winter|spring|autumn|fall)\s*$", I
)
AGE_AFTER = re.compile(r"\b(\d{1,3})(?:\s*|-)(?:years?|yrs?)(?:\s*|-)old\b|\b(\d{1,3})\s*y/?o\b", I)
_NOT_AN_AGE_AFTER = (
    r"(?!\s*(?:%|am\b|pm\b|a\.m|p\.m|[.:,/]\d|-\d|\$|(?:minutes?|hours?|days?|weeks?|months?|dollars?|euros?|"
    r"pounds?|cents?|percent|miles?|km|kg|lbs?|times|points?|people|of|out|in line)\b))"
)
AGE_BEFORE = re.compile(
    r"\b(?:aged?|age of|turned|turning|turn|when (?:he|she|i|they) (?:was|were)|"
    r"(?:i am|i'm|you are|you're|he is|he's|she is|she's|they are|we are)(?:\s+(?:now|only|just|almost|nearly|over))?)"
    r"\s+(\d{1,3})\b" + _NOT_AN_AGE_AFTER,
    I,
)
AGE_LABEL = re.compile(r"\bage\s*[:=]\s*(\d{1,3})\b", I)
#: "retirement age 67", "the minimum age of 16": an age in a rule, not a person's.
_RULE_AGE = re.compile(
    r"\b(?:retirement|pension|pensionable|minimum|maximum|legal|voting|drinking|eligibility|eligible|full|"
    r"school|working|qualifying|mandatory|required|normal|early|state|age)\s+$", I
)
_THING_AFTER = re.compile(
    r"[ \t]+(?:[a-z]+[ \t]+)?(?:house|home|building|property|roof|car|vehicle|truck|bridge|tree|apartment|"
    r"boiler|furnace|structure|elevator|lift|church|school|road|complex|tank|system|sewer|pipes?|windows?|"
    r"deck|fence|shed|garage|barn|law|program|programme|company|business|firm|record|records|policy|"
    r"monument|statue|dam|tunnel|station|library|hall|courthouse|park|facility|plant|boat|bus|machine)\b", I
)
_PERSON_AFTER = re.compile(
    r"[ \t]+(?:[a-z]+[ \t]+)?(?:female|male|man|woman|boy|girl|patient|child|kid|son|daughter|mother|father|"
    r"veteran|widow|widower|resident|tenant|applicant|claimant|client|person|individual|student|driver)\b", I
)
_PERSON_WORDS = frozenset(word_list(
    "he she his her him patient client claimant applicant son daughter child children kid kids baby wife "
    "husband mother father mom mum dad brother sister grandmother grandfather grandson granddaughter "
    "grandma grandpa grandchild man woman boy girl person resident tenant caller customer veteran student "
    "partner family member members spouse widow widower neighbour neighbor friend aunt uncle cousin niece "
    "nephew infant toddler teenager"
))
_FIRST_PERSON = frozenset(("i", "i'm", "me", "my", "we", "our", "us"))
_THING_WORDS = frozenset(word_list(
    "house home building buildings property roof car vehicle truck bridge tree apartment flat boiler furnace "
    "structure elevator lift church school road complex unit tank system sewer line pipe pipes window windows "
    "deck fence shed garage barn it law program programme company business firm site record records license "
    "licence permit passport card document loan account debt bill claim file case policy monument statue "
    "dam tunnel station library hall courthouse park facility plant boat bus machine"
))
_CLAUSE_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def _whose_age(text: str, start: int) -> str:
    """"person", "thing" or "" for the nearest noun before an age in its clause. With "is"/"was"
    before the age, "I" is not the subject ("the building I rent is 120 years old")."""
    clause = re.split(r"[.!?;\n]", text[max(0, start - 60):start])[-1]
    words = [w.lower() for w in _CLAUSE_WORD.findall(clause)]
    third = bool(words) and words[-1] in ("is", "was", "'s")
    for word in reversed(words):
        if word in _THING_WORDS:
            return "thing"
        if word in _PERSON_WORDS or (word in _FIRST_PERSON and not third):
            return "person"
    return ""
#: "aged 65 and over", "18 or older": an eligibility rule, not someone's age.
_OPEN_RANGE = re.compile(r"\s*(?:\+|(?:and|or)\s+(?:over|older|above|up|under|younger|below)\b)", I)
TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Hon)\.?(?=\s+[A-Z])")
ZIP = re.compile(r"\b\d{3,5}(?:-\d{3,4})?\b|\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
ZIP_CTX = re.compile(r"\b(?:zip|postal|post code|postcode)", I)


#: Words that make a full date a deadline or a public date, not an event of a person's life.
_DEADLINE = re.compile(
    r"\b(?:by|before|until|till|through|no later than|not later than|on or before|deadline(?: is| of)?|"
    r"due(?: on| by| date)?|expires?(?: on)?|closes?(?: on)?|opens?(?: on)?|ends?(?: on)?|"
    r"effective(?: from)?|as of|as from|starting(?: from| on)?|with effect from|in force from)"
    r"(?:\s+(?:the|on|of))?\s*[:,]?\s*$", I
)
#: A rule, a rate or an amount that applies from a date: "the minimum wage in Australia from 1 July 2024", "new
#: fees since 1 April 2025": the date is the rule's, no one's.
_APPLIES_FROM = re.compile(
    r"\b(?:appl(?:y|ies|ied)|wages?|rates?|fees?|laws?|rules?|changes?|increases?|rises?|pensions?|benefits?|"
    r"allowances?|thresholds?|limits?|amounts?|prices?|tax(?:es)?|levy|levies|payments?)\b[^.?!\n]{0,40}"
    r"\b(?:from|since)\s*$", I)
#: Someone's own event before a date ("My payments stopped from ...", "his pension since ..."): the date is theirs.
_SOMEONES = re.compile(r"\b(?:i|my|me|we|our|he|his|she|her|they|their)\b[^.?!\n]*$", I)
#: Words that make any date, even a month and day or a year alone, a date of birth.
#: A birth word before a date, in English and the helpdesks' other languages ("nascida em", "né le",
#: "geboren am", "nacido el", "nato il", "urodzona", "født", "född", "syntynyt", "sünniaeg", "生年月日").
_BIRTH = re.compile(r"(?:\b(?:born|birth|birthdate|birthday|dob|d\.o\.b|b\.|nascid[oa]s?|nascimento|n[ée]e|né|"
                    r"ne(?=\s+(?:le|en|à)\b)|"
                    r"naissance|geboren|geburtsdatum|nacid[oa]s?|nacimiento|nat[oa]|nascita|urodzon[ya]|urodzenia|"
                    r"født|fødselsdato|född|födelsedatum|geboortedatum|syntynyt|syntymäaika|sünniaeg|sündinud|"
                    r"doğum|lahir|tanggal\s+lahir|ngày\s+sinh|narozen[áa]?|rođen[ai]?|születés\w*|született)\b"
                    r"|生年月日|出生|生日|생년월일|出生日期)[^.!?\n]{0,24}$", I)
#: "people born in 1960 or later": a rule about a cohort, not someone's date of birth.
_COHORT = re.compile(
    r"\b(?:people|those|anyone|persons|individuals|children|workers|applicants|citizens|residents|everyone|"
    r"someone|babies|taxpayers|if you were|if you're|those who were)\s+(?:were\s+)?born\b[^.!?\n]{0,24}$"
    # the same elsewhere: "Wer vor 1953 geboren ist", "Geburtsjahrgänge", "les personnes nées", "los nacidos",
    # "i nati", "osoby urodzone", "de som er født"
    r"|\b(?:wer|alle|personen|jahrg[äa]ng\w*|geburtsjahrg[äa]ng\w*|personnes|ceux|celles|los|las|quienes|"
    r"i|le|coloro|osoby|de\s+som|dem\s+som|those)\b[^.!?\n]{0,30}\b(?:geboren|née?s|nacid[oa]s|nat[ie]|"
    r"urodzen\w*|født|födda)\b[^.!?\n]{0,40}$"
    # if someone is born in a period: "Mensen die geboren zijn tussen", "Hvis du er født i perioden", "Er du
    # født i 1967", "om du är född", "jos olet syntynyt", "si vous êtes né", "wenn Sie … geboren sind"
    r"|\b(?:mensen|iedereen|wie)\s+die\s+geboren\b[^.!?\n]{0,40}$"
    r"|\b(?:if|hvis|om|als|wenn|si|se|jos|ha|eğer|kung|jika|kalau|er|är)\s+(?:[\w'\u2019]+\s+){0,3}?"
    r"(?:born|født|född|geboren|née?s?|nacid[oa]s?|nat[oa]|nasceu|nascid[oa]|syntynyt|született|doğ\w*|lahir)\b"
    r"[^.!?\n]{0,40}$"
    # a cohort's bound right after the birth word: "were born before 22 September 1959", "born on or after 6 April
    # 1960", "born between", "geboren vor dem", "nés avant le", "nacidos después del", "nascidas a partir de": no
    # one gives their own date of birth so
    r"|\b(?:born|geboren|née?s?|nacid[oa]s?|nascid[oa]s?|nat[ie])\s+(?:on\s+or\s+)?(?:before|after|between|"
    r"prior\s+to|vor(?:\s+dem)?|nach(?:\s+dem)?|zwischen|avant(?:\s+le)?|apr[èe]s(?:\s+le)?|entre|antes\s+del?|"
    r"despu[ée]s\s+del?|prima\s+del?|dopo\s+il|a\s+partir\s+del?|desde|depois\s+de|ap[óo]s)"
    r"\s*(?:\*\*|_)?\s*$", I
)
#: A deadline right before a date, in other languages: "bis (zum)", "spätestens", "avant le", "jusqu'au", "hasta
#: el", "antes del", "entro il", "fino al", "uiterlijk", "senast", "do".
_FOREIGN_DEADLINE = re.compile(
    r"\b(?:bis(?:\s+(?:zum|spätestens))?|spätestens(?:\s+am)?|avant\s+le|d['\u2019]ici\s+le|jusqu['\u2019]au|"
    r"hasta\s+el|antes\s+del?|entro\s+il|fino\s+al|uiterlijk|senast|innen|do|até|ate)\s*$", I)
#: A deadline's label right before a date, in other languages ("date limite de paiement :", "fecha límite",
#: "échéance", "scadenza", "Zahlungsfrist", "fällig am", "termin płatności", "vervaldatum", "eräpäivä", "határidő",
#: "son ödeme tarihi", "jatuh tempo", "tarikh akhir"): a pasted notice's date to pay or to file by, no one's event.
_DEADLINE_LABEL = re.compile(
    r"(?<![^\W\d_])(?:date\s+limite|[ée]ch[ée]ance|fecha\s+l[íi]mite|(?:fecha\s+de\s+)?vencimiento|vence|"
    r"data\s+(?:limite|di\s+scadenza|de\s+vencimento)|scadenza|scade|prazo(?:\s+final)?|vencimento|"
    r"\w*frist(?:en|ende)?|f[äa]llig(?:keit)?|zahlbar|einsendeschluss|"
    r"termin\s+(?:p[łl]atno[śs]ci|zap[łl]aty|sk[łl]adania|wp[łl]aty)|vervaldatum|uiterste\s+datum|"
    r"f[öo]rfallo(?:dag|datum)|forfaldsdato|forfallsdato|er[äa]p[äa]iv[äa]|m[äa][äa]r[äa]aika|hat[áa]rid[őo]|"
    r"splatnost|lh[ůu]ta|son\s+[öo]deme\s+tarihi|tenggat(?:\s+waktu)?|batas\s+waktu|jatuh\s+tempo|tarikh\s+akhir|"
    # a permit's or a card's expiry: "закінчується 04.03.2026", "истекает", "gültig bis", "ważny do", "expira el",
    # "valable jusqu'au", "vervalt op", "hết hạn"
    r"закінчу\w*|спливає|истека\w*|заканчива\w*|g[üu]ltig\s+bis|wa[żz]n[ya]\s+do|plat[íi]\s+do|expira(?:\s+el)?|"
    r"valable\s+jusqu['\u2019]au|v[áa]lid[oa]\s+hasta|vervalt(?:\s+op)?|h[ếe]t\s+h[ạa]n)"
    r"(?:\s+(?:de|du|del|di|der|des|am|le|el|il|al|zum|bis|do|da|para|pour|per|till|the)(?:\s+[^\W\d_]+)?)?"
    r"\s*[:,]?\s*(?:\*\*)?\s*$", I)
#: Day, month and year ("4 March 1961", "March 4, 1961", "04/03/61", "1961-03-04"), not "May 2021".
_FULL = re.compile(r"^\d{4}-|[/.-]\d{2,4}$|\b\d{1,2}(?:st|nd|rd|th)?\b.*\b\d{4}$", re.DOTALL)


def _before(text: str, start: int, pattern: re.Pattern[str], window: int = 32) -> bool:
    return pattern.search(text, max(0, start - window), start) is not None


#: "(born 1960 or later)", "born 1955 and earlier", "born 1990 onwards": a cohort's bound after the year.
_COHORT_AFTER = re.compile(r"\s*(?:(?:or|and)\s+(?:later|earlier|after|before|older|younger)|onwards|\+)", I)
#: A period's bounds, not days in anyone's life: "for the year 6 April 2023 to 5 April 2024", "the period from
#: 1 July 2024" (and the date that ends a range such a date opens, :func:`_period_dates`).
_PERIOD = re.compile(r"\b(?:tax\s+year|financial\s+year|fiscal\s+year|year|period|quarter)\s+(?:from\s+|of\s+)?$", I)
#: What joins a period's first date to its last: "6 April 2023 to 5 April 2024".
_RANGE_TO = re.compile(r"\s*(?:to|until|till|-|\u2013)\s*", I)
#: A birth word right after a date in Japanese, Chinese or Korean ("1985年4月9日生まれ", "出生", "생").
_BORN_AFTER = re.compile(r"\s*(?:生まれ|生(?![\u4e00-\u9fff])|出生|출생|생(?=입|이|으로|[\s,.]|$))")
#: "the Animal Birth Control Rules, 2023", "the birth rate in 2024": "birth" in a thing's name, no one's birth.
_NO_ONES_BIRTH = re.compile(r"birth\s+(?:control|rates?)\b", I)
#: A new clause between a birth word and a date: "For an August birthday, that's 1 May to 30 November"; or the
#: bracket the birth word was in, closed ("5 December (King Bhumibol's birthday / Father's Day), 10 December").
_CLAUSE_AFTER_BIRTH = re.compile(r",\s*(?:that|that's|that\u2019s|it|it's|it\u2019s|which|so|then|this)\b|\)", I)
#: A monarch's birthday, a public holiday ("the King's Birthday", "King Bhumibol's birthday", "天皇誕生日" aside).
_ROYAL_BIRTHDAY = re.compile(r"\b(?:king|queen|emperor|empress|sultan|emir|monarch|sovereign|prince|princess)"
                             r"(?:\s+[^\W\d_][\w-]*){0,2}['\u2019]s\s+$", I)


def _born_before(text: str, start: int, window: int = 32) -> bool:
    """A birth word before ``start`` in its clause (:data:`_BIRTH`)."""
    m = _BIRTH.search(text, max(0, start - window), start)
    return (m is not None and _CLAUSE_AFTER_BIRTH.search(m.group()) is None and _NO_ONES_BIRTH.match(m.group()) is None
            and _ROYAL_BIRTHDAY.search(text, max(0, m.start() - 40), m.start()) is None)


def _deadline_before(text: str, start: int) -> bool:
    """A deadline right before the date at ``start``: "by", "no later than", "bis", "avant le", "hasta el", or a
    deadline's label ("date limite de paiement :", "Zahlungsfrist:", "fecha límite")."""
    return (_before(text, start, _DEADLINE, 24) or _before(text, start, _FOREIGN_DEADLINE, 24)
            or _before(text, start, _DEADLINE_LABEL, 40))


#: A date that opens or closes a period ("for an August birthday runs **May 1 to November 30**"): no one's date of
#: birth, which is one day.
_RANGE_NEXT = re.compile(r"[ \t]*(?:\*\*)?[ \t]*(?:to|until|till|through|-|\u2013)[ \t]*(?:\*\*)?[ \t]*"
                         r"(?:\d|[A-Z][a-z]{2,8}\.?[ \t]+\d)")
_RANGE_PREVIOUS = re.compile(r"\d[ \t]*(?:\*\*)?[ \t]*(?:to|until|till|through|-|\u2013)[ \t]*(?:\*\*)?[ \t]*$")


def _in_a_range(text: str, start: int, end: int) -> bool:
    return (_RANGE_NEXT.match(text, end) is not None
            or _RANGE_PREVIOUS.search(text, max(0, start - 16), start) is not None)


def is_birth_date(text: str, start: int) -> bool:
    """Whether the date at ``start`` is someone's date of birth: a birth word just before it in its clause
    ("born on", "date of birth:", "DOB"), and not a rule about a cohort ("people born in 1960 or later", "Wer vor
    1953 geboren ist, muss bis 19. Januar 2033 …") nor a deadline right before the date."""
    return (_born_before(text, start) and not _before(text, start, _COHORT, 40)
            and not _before(text, start, _FOREIGN_DEADLINE, 24) and not _before(text, start, _DEADLINE, 24))


def _period_dates(text: str, full: list[tuple[re.Match[str], float]]) -> frozenset[int]:
    """Where the dates that bound a period start: one after a period's word (:data:`_PERIOD`), and the date
    that a range from such a date runs to ("the year 6 April 2023 to 5 April 2024")."""
    found: set[int] = set()
    end = -1
    for m, _ in sorted(full, key=lambda item: item[0].start()):
        if _before(text, m.start(), _PERIOD, 24) or (end >= 0 and _RANGE_TO.fullmatch(text, end, m.start())):
            found.add(m.start())
            end = m.end()
        else:
            end = -1
    return frozenset(found)


def dates(text: str, digits: Digits, personal: bool = True, birth_years: bool = True) -> Iterator[Hit]:
    """Dates and times. ``personal`` (the default): only what can single a person out -- a date of
    birth in any form, a full date (day, month and year) or a date and time; never a month, a
    weekday, a time of day, a year, a month and day without a year, nor a full date that is a
    deadline ("by June 30", "no later than 15 April 2025"). ``personal=False``: every date and time
    expression (Presidio's DATE_TIME). ``birth_years=False``: not a year of birth given alone ("born 1958"), nor
    a month and year of birth with no day ("born in June 1959")."""
    n = digits.total  # an ISO date has 8 digits, a numeric date 4, a year 4, a month's day 1
    if n == 0 and personal:
        return
    at = digits.start()  # ISO and numeric dates, years and times start with a digit
    full = [(m, 0.9) for m in (ISO.finditer(text, at) if n >= 8 else ())] + [
        (m, 0.6) for m in (NUMERIC_DATE.finditer(text, at) if n >= 4 else ())] + [
        (m, 0.8) for m in (CJK_DATE.finditer(text, at) if n >= 6 and ("年" in text or "년" in text) else ())] + [
        (m, 0.8) for m in (MONTH_DATE.finditer(text) if n >= 1 and any(s in text for s in MONTH_STEMS) else ())]
    periods = _period_dates(text, full) if personal and len(full) > 0 else frozenset()
    for m, score in full:
        if not personal:
            yield Hit("DATE_TIME", m.start(), m.end(), score)
        elif (is_birth_date(text, m.start()) and not _in_a_range(text, m.start(), m.end())) or (
                m.re is CJK_DATE and _BORN_AFTER.match(text, m.end())):
            if not birth_years and m.re is MONTH_DATE and _MONTH_YEAR.fullmatch(m.group()):
                continue  # "born in June 1959", kept as a year of birth is: no day, it singles no one out
            yield Hit("DATE_TIME", m.start(), m.end(), max(score, 0.8))
        elif (_FULL.search(m.group()) and not _deadline_before(text, m.start()) and m.start() not in periods
              and not (_before(text, m.start(), _APPLIES_FROM, 64)
                       and not _before(text, m.start(), _SOMEONES, 64))):
            yield Hit("DATE_TIME", m.start(), m.end(), score)
    if personal:
        # a date of birth written with another language's month ("nacida el 12 de julio de 1985", "geboren am
        # 3. März 1961"): only as a date of birth (other full dates in those languages are not read here)
        for m in FOREIGN_MONTH_DATE.finditer(text, at) if n >= 5 else ():
            if is_birth_date(text, m.start()):
                yield Hit("DATE_TIME", m.start(), m.end(), 0.8)
        for m in YEAR.finditer(text, at) if n >= 4 and birth_years else ():
            if (_born_before(text, m.start(), 24) and not _before(text, m.start(), _COHORT, 40)
                    and not _COHORT_AFTER.match(text, m.end())):
                yield Hit("DATE_TIME", m.start(), m.end(), 0.7)
        return
    for m in MONTH_ALONE.finditer(text):
        yield Hit("DATE_TIME", m.start(1), m.end(1), 0.6)
    for m in WEEKDAY.finditer(text):
        yield Hit("DATE_TIME", m.start(), m.end(), 0.7)
    for m in TIME.finditer(text, at):
        yield Hit("DATE_TIME", m.start(), m.end(), 0.6)
    for m in YEAR.finditer(text, at):
        ctx = bool(YEAR_CTX.search(text, max(0, m.start() - 14), m.start()))
        yield Hit("DATE_TIME", m.start(), m.end(), 0.6 if ctx else 0.45)


def all_dates(text: str) -> Iterator[Hit]:
    return dates(text, digits_of(text), personal=False)


#: What the age patterns' matches hold: a digit then "y" (AGE_AFTER, at most two digits before the
#: last one), a white space then a number of one to three digits (AGE_BEFORE), a colon or an equals
#: sign (AGE_LABEL).
_DIGIT_Y = re.compile(r"\d(?:\s*|-)y", I)
_SPACE_SHORT_NUMBER = re.compile(r"\d(?<=\s\d)\d{0,2}\b")


def ages(text: str, digits: Digits) -> Iterator[Hit]:
    """An age of a person: "I am 67", "aged 45", "Age: 30", "a 19 year old man"; not a rule's age
    ("retirement age 67") nor a thing's ("the building is 120 years old")."""
    if not digits.total:
        return
    year = _DIGIT_Y.search(text, digits.start())
    for m in AGE_AFTER.finditer(text, max(0, year.start() - 2)) if year else ():
        group = 1 if m.group(1) else 2
        if _THING_AFTER.match(text, m.end()):
            continue  # "a 60-year-old elevator"
        personal_after = _PERSON_AFTER.match(text, m.end()) is not None  # "a 74 year old female"
        if int(m.group(group)) <= 120 and (personal_after or _whose_age(text, m.start()) != "thing"):
            yield Hit("AGE", m.start(group), m.end(group), 0.75)
    before = _SPACE_SHORT_NUMBER.search(text, digits.start()) is not None
    for pattern in (AGE_BEFORE,) * before + (AGE_LABEL,) * ("=" in text or ":" in text):
        for m in pattern.finditer(text):
            if (int(m.group(1)) <= 120 and not _RULE_AGE.search(text, max(0, m.start() - 20), m.start())
                    and not _OPEN_RANGE.match(text, m.end(1))):
                yield Hit("AGE", m.start(1), m.end(1), 0.75)


def titles(text: str, digits: Digits) -> Iterator[Hit]:
    for m in TITLE.finditer(text):
        yield Hit("TITLE", m.start(), m.end(), 0.6)


def zip_codes(text: str, digits: Digits) -> Iterator[Hit]:
    if digits.total < 2:  # every postal code shape has 2 digits or more
        return
    for m in ZIP.finditer(text, digits.start(2)):  # at most two letters before a digit
        if context_before(text, m.start(), ZIP_CTX, window=24):
            yield Hit("ZIP_CODE", m.start(), m.end(), 0.75)


#: Run on every text (dates are added by the engine, which knows the charter's date policy).
QUASI_RECOGNISERS = (ages, titles, zip_codes)
QUASI_TEXT_RECOGNISERS = (titles,)

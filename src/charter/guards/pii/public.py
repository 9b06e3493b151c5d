"""Names that are not personal data: public bodies, their programmes, public places, forms, holidays.

A citizen helpdesk's questions and answers are full of them ("the Department of Motor Vehicles",
"IRS", "UNICEF", "the Homebuyer's Assistance Program", "City Hall", "Form 1040-X"); taken for
people or places they would be redacted and the answer would change. The engine reserves these
spans before the name finder runs, so no weak finding can claim them; structured identifiers are
resolved first and are never hidden by them.

How a name is recognised, without a list of every agency in the world:
- a *head* word that only public bodies use (Department, Ministry, Bureau, Administration,
  Agency, Commission, Registry, Tribunal, Ombudsman, ...) with the capitalised words joined to it
  ("State Department of Revenue", "Department for Work and Pensions", "Office of the Ombudsman");
- a head that companies share (Services, Office, Board, Authority, Council, Center, ...) only with a
  public qualifier in the name (Federal, State, County, City, Public, Housing, Health, Veterans,
  ...) or in the "X of Y" / "X for Y" shape;
- a programme head at the end (Program, Credit, Allowance, Benefit, Assistance, Pension, ...);
- a public place (City Hall, the Central Library, Union Station, Riverside Park) after "the" or a
  place word;
- a town or city named as a body in its own language: a jurisdiction's head before its name ("Ville
  de Fribourg", "Città di Lugano", "Comune di Trento", "Gemeinde Thun", "Stadt Passau", "Gmina
  Miasta Elbląg", "Ayuntamiento de Cádiz", "Câmara Municipal de Viseu") or a municipality's word
  after it ("Bodø kommune", "Luleå kommun", "Malmö stad", "Jonavos rajono savivaldybė");
- a form, schedule, notice or section number (Form 1040-X, Schedule 8812, Section 8);
- a short list of acronyms and names that carry no head word (IRS, UNICEF, Medicare, Head Start),
  holidays, and an all-capitals word after "the" ("the FEMA office");
- the charter's own ``public_bodies`` list, matched as whole words in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["public_spans"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Heads only public bodies use.
BODY_HEADS = _words(
    """
    department departments ministry ministries bureau administration commission
    customs revenue act acts statute treaty convention directive amendment registry tribunal ombudsman
    inspectorate directorate treasury parliament congress senate
    legislature embassy consulate secretariat municipality prefecture judiciary constabulary
    """
)
#: Heads companies share with public bodies: public only with a qualifier or the "X of Y" shape.
SHARED_HEADS = _words(
    """
    office offices service services board council authority authorities center centers centre
    centres institute institutes division court courts trust fund foundation police agency agencies
    unit commissioner clerk assessor collector sheriff coroner organization organisation system
    """
)
#: Offices and jurisdictions named as "X of Y" ("Secretary of State", "City of Springfield"); alone
#: or before a name ("Judge Smith", "City Hall") they are not taken here.
SHAPED_HEADS = _words(
    """
    secretary attorney inspector governor mayor minister chancellor commissioner registrar city town
    county village borough state province municipality region district republic kingdom government
    """
)
#: Words that make a shared head public.
QUALIFIERS = _words(
    """
    federal national state states county city municipal public government royal regional district
    borough parish provincial territorial u.s. us hm federal-state metropolitan town village
    housing health veterans veteran social revenue immigration citizenship customs border tax taxpayer
    motor vehicles vehicle elections election education labor labour transportation transport
    environmental environment emergency consumer passport passports vital statistics records
    child children family families employment unemployment pensions pension medicare medicaid
    disability welfare benefits benefit security homeland justice interior defense defence
    agriculture energy commerce treasury water sanitation parks recreation planning zoning building
    buildings permits licensing fire safety postal census prosecution probation court courts
    superior supreme district appeals small business consular refugee refugees aging elderly
    youth student students workforce human civil rights protection inspector general attorney
    secretary election assessment assessor collector clerk's registrar tribunals community civic
    post world international united european nations earned income dependent care supplemental
    school free temporary needy low library libraries intelligence standards food drug licensing
    """
)
#: A programme or scheme's name ends with one of these.
PROGRAMME_TAILS = _words(
    """
    program programs programme programmes credit allowance benefit benefits assistance pension
    scheme grant grants relief voucher vouchers stamps insurance security subsidy subsidies loan
    loans forgiveness initiative aid income meals lunch
    """
)
#: Tails companies use too ("State Farm Insurance", "Acme Credit"): a programme only with a qualifier.
AMBIGUOUS_TAILS = _words(
    "insurance security loan loans credit fund grant grants initiative aid benefits benefit income meals lunch"
)
#: Public places; "park" and "hall" also name people (Ji-woo Park, Jessica Hall): see _place().
PLACE_TAILS = _words(
    """
    library courthouse station airport stadium museum building plaza square zoo beach pool
    center centre park hall garden gardens cemetery playground yard depot
    """
)
_HALL_LEFT = _words("city town village county memorial concert music community civic assembly guild borough parish")
_PLACE_BEFORE = re.compile(r"(?:\b(?:the|in|at|near|to|from|of|by|on|behind|outside|inside|around|into)\s+)$", re.I)
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Hon)\.?\s+$")
#: "grew up in Shelly Park": a neighbourhood someone lives in, not a public park.
_HOME_BEFORE = re.compile(
    r"\b(?:grew up|live|lives|living|lived|born|raised|moved|reside|resides|from)\b[^.\n]{0,6}$", re.I
)

#: Acronyms and names with no head word. Kept short on purpose: the heads above do most of the work.
KNOWN = _words(
    """
    irs ssa dmv rmv mva uscis fema hud va hmrc dwp dvla dvsa cra ircc esdc unicef unhcr unesco undp
    wfp ilo imf oecd nato un eu who nhs cdc cms epa sba opm usps cfpb osha snap wic tanf liheap ssi
    ssdi eitc ctc fafsa pslf gst hst fbi nasa nih fda usda doj dot dol dhs tsa cbp atf dea ftc fcc sec
    fdic nlrb eeoc hhs acf vita aarp ecb ons hmpo ukvi oas cpp ccb medicare medicaid gov.uk
    jobcentre treasury whitehall usa.gov ssi/ssdi i-9 w-2 w-4 1099 dd-214 sorn mot brp udyam pé-de-meia
    """
)
KNOWN_PHRASES = (
    "social security", "old age security", "universal credit", "head start", "home office",
    "red cross", "salvation army", "united nations", "european union", "world bank",
    "white house", "supreme court", "federal reserve", "post office", "royal mail", "jobcentre plus",
    "free file", "real id", "election day", "veterans day", "memorial day", "labor day", "labour day",
    "independence day", "new year's day", "new year", "thanksgiving", "christmas day", "christmas eve",
    "christmas", "easter", "fourth of july", "martin luther king jr. day", "presidents' day",
    "boxing day", "bank holiday", "remembrance day", "canada day", "good friday", "ramadan", "eid",
    "women, infants, and children", "immigration, refugees and citizenship canada",
    "tax counseling for the elderly", "my social security", "my account", "your europe",
    "personal tax account", "taxpayer advocate service", "national archives", "part a", "part b",
    "part c", "part d", "section 8", "title vii", "service canada", "hm revenue and customs",
)
_FORM = re.compile(
    r"\b(?:Forms?|Schedules?|Letter|Notice|Publication|Pub\.|Section|Title|Chapter|Article|Part|Line|Box|"
    r"Standard Form|Order|Bill|Regulation|Directive|Annex|Appendix|Exhibit)\s+"
    r"(?=[A-Z0-9]*\d|[A-Z]{1,4}\b|[IVX]+\b)[A-Z0-9][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*\b"
)
_CAP_TOKEN = re.compile(r"[A-Z](?:\.[A-Z])+\.?|[A-Z][A-Za-z'\u2019-]*|&")
_CONNECTORS = _words("of for and & de du des")
# "\bthe" written as "the" then a look-behind: the same matches, and the scan jumps from one "the" to the next
_CAPS_AFTER_THE = re.compile(r"the(?<=\bthe)\s+([A-Z][A-Z0-9&.-]{1,9})\b")


#: A town or city named as a body, in its own language: a jurisdiction's head, a particle, then up to
#: three capitalised words ("Ville de Fribourg", "Città di Lugano", "Gemeinde Thun", "Magistrat der
#: Stadt Steyr", "Ville d'Annecy"), or a place's name and a municipality's word after it ("Bodø
#: kommune", "Malmö stad", "Mažeikių rajono savivaldybės"). English heads ("City of ...") are
#: SHAPED_HEADS' "X of Y"; a head before a name with no particle is not taken in English ("City Clerk
#: Maria Lopez" names a person after the office).
_NAME_WORD = r"[^\W\d_a-z][\w'\u2019-]*"
_JURISDICTION = re.compile(
    r"\b(?:(?:Ville|Cité|Commune|Mairie|Municipalité|Città|Citta|Comune|Municipio|Municipalidad|Ayuntamiento|"
    r"Concello|Ajuntament|Câmara(?:[ \t]+Municipal)?|Prefeitura|Gemeente|Stad|Stadt|Gemeinde|Marktgemeinde|"
    r"Stadtgemeinde|Landeshauptstadt|Magistrat(?:[ \t]+der[ \t]+Stadt)?|Gmina(?:[ \t]+Miasta)?|Miasto|"
    r"Urząd[ \t]+(?:Miasta|Gminy)|Kommune|Kommun|Obec|Město|Mesto|Kanton|Canton)"
    r"(?:[ \t]+(?:de[ \t]+la|de|di|du|da|des|del|della|dello|dei|von|der|do|dos|das)[ \t]+|[ \t]+[dl]['\u2019]|"
    r"[ \t]+)" + _NAME_WORD + r"(?:[ \t]+" + _NAME_WORD + r"){0,2}"
    r"|" + _NAME_WORD + r"(?:[ \t]+(?:" + _NAME_WORD + r"|rajono|miesto|miesta|novada|linna))?"
    r"[ \t]+(?:[Kk]ommune|[Kk]ommun|stad|[Kk]aupunki|[Ss]avivaldybė|"
    r"[Ss]avivaldybės|[Ss]avivaldybei|[Pp]ašvaldība|[Pp]ašvaldības|vald|novads|[Vv]áros|[Mm]egye))\b"
)
#: What a match of _JURISDICTION holds, lower-cased (a text without any is not walked with it).
_JURISDICTION_WORDS = re.compile(
    r"ville|cité|commune|mairie|municipal|città|citta|comune|ayuntamiento|concello|ajuntament|câmara|prefeitura|"
    r"gemeente|stad|gemeinde|magistrat|gmina|miast|urząd|kommun|obec|město|mesto|kanton|canton|kaupunki|"
    r"savivaldyb|pašvaldīb|vald|novads|város|megye"
)


#: A card, a ticket, a benefit or a programme named in a language that puts its head first ("Cartão
#: SUS", "Bilhete Único", "Renta Dignidad", "Tarjeta Dorada", "Carte Vitale", "Bolsa Família", "Tessera
#: Sanitaria", "Karta Dużej Rodziny"): the capitalised words after such a head name a thing, not a person.
_THING_HEAD = re.compile(
    r"(?<!\w)(?:[Cc]art[ãa]o|[Cc]arteira|[Bb]ilhete|[Rr]enta|[Tt]arjeta|[Cc]arte|[Cc]arnet|[Cc]arn[eé]|[Tt]essera|"
    r"[Kk]arta|[Bb]olsa|[Bb]ono|[Aa]bono|[Pp]ase|[Pp]asse|[Aa]ux[ií]lio|[Bb]enef[ií]cio|[Pp]ens[ãa]o|[Pp]ensi[óo]n|"
    r"[Ss]ubsidio|[Pp]restaci[óo]n|[Aa]ssegno|[Rr]eddito|[Aa]llocation|[Cc]h[èe]que|[Pp]rograma|[Pp]lano|[Pp]lan|"
    r"[Ss]eguro|[Tt]arifa|[Ii]ngreso)"
    r"(?:[ \t]+(?:de|do|da|dos|das|del|de[ \t]+la|du|des|di|della))?"
    r"(?:[ \t]+" + _NAME_WORD + r"){1,3}"
)


def _key(word: str) -> str:
    low = word.lower().replace("\u2019", "'")
    return low[:-2] if low.endswith("'s") else low


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_CAP_TOKEN.finditer(text))


def _joined(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    return text[a.end():b.start()] == " "


#: Laws are named "X of Y Act" as well as "Act of Y": the chain also crosses "of" leftwards.
LAW_HEADS = _words("act acts statute treaty convention directive amendment")


def _chain(text: str, toks: list[re.Match[str]], i: int) -> tuple[int, int]:
    """Capitalised tokens adjacent to token i (single spaces; "and"/"&" between two of them)."""
    lo = i
    law = _key(toks[i].group()) in LAW_HEADS
    while lo > 0:
        prev = toks[lo - 1]
        gap = text[prev.end():toks[lo].start()]
        if (gap == " " and prev.group() != "&") or gap in (" and ", " & ") or (law and gap == " of "):
            lo -= 1
        else:
            break
    hi = i
    while hi + 1 < len(toks):
        gap = text[toks[hi].end():toks[hi + 1].start()]
        if gap == " " or (gap.strip().lower() in _CONNECTORS and gap.startswith(" ") and gap.endswith(" ")
                          and len(gap.split()) <= 2) or gap in (" of the ", " for the "):
            hi += 1
        else:
            break
    while hi > i and toks[hi].group() == "&":
        hi -= 1
    return lo, hi


def _body_spans(text: str) -> Iterator[tuple[int, int]]:
    toks = _tokens(text)
    for i, tok in enumerate(toks):
        key = _key(tok.group())
        last = i + 1 == len(toks) or not _joined(text, tok, toks[i + 1])
        shaped = i + 1 < len(toks) and text[tok.end():toks[i + 1].start()] in (" of ", " for ", " of the ")
        if key in BODY_HEADS or key in SHARED_HEADS:
            lo, hi = _chain(text, toks, i)
            words = {_key(t.group()) for t in toks[lo:hi + 1]}
            if key in BODY_HEADS or words & QUALIFIERS or (shaped and hi > i):
                yield toks[lo].start(), toks[hi].end()
                continue
        if key in SHAPED_HEADS and shaped:
            _, hi = _chain(text, toks, i)
            yield tok.start(), toks[hi].end()
            continue
        if key in ROAD_TAILS and last and i > 0 and _joined(text, toks[i - 1], tok):
            span = _road(text, toks, i)
            if span:
                yield span
                continue
        if key in PROGRAMME_TAILS:
            lo, hi = _chain(text, toks, i)
            after = text[tok.end():toks[i + 1].start()] if i + 1 < len(toks) else ""
            end = toks[hi].end() if after in (" for ", " of ") else tok.end()
            words = {_key(t.group()) for t in toks[lo:hi + 1]}
            if (last or end > tok.end()) and lo < i and (key not in AMBIGUOUS_TAILS or words & QUALIFIERS):
                yield toks[lo].start(), end
                continue
        if key in PLACE_TAILS:
            span = _place(text, toks, i)
            if span:
                yield span


#: A street named without a house number ("a pothole on Main Street") is a public place.
ROAD_TAILS = _words("street st avenue ave road rd boulevard blvd highway hwy parkway pkwy route freeway expressway")
_ROAD_BEFORE = re.compile(r"\b(?:on|along|at|near|of|to|from|off|across|down|up|the)\s+$", re.I)
_RESIDENCE = re.compile(
    r"\b(?:live|lives|living|lived|reside|resides|residing|moved|my address is)\b[^.\n]{0,12}$", re.I
)


def _road(text: str, toks: list[re.Match[str]], i: int) -> tuple[int, int] | None:
    lo = i
    while lo > 0 and _joined(text, toks[lo - 1], toks[lo]) and toks[lo - 1].group() != "&":
        lo -= 1
    before = text[max(0, toks[lo].start() - 24):toks[lo].start()]
    if not _ROAD_BEFORE.search(before) or _RESIDENCE.search(before) or re.search(r"\d[ \t]*$", before):
        return None
    return toks[lo].start(), toks[i].end()


def _place(text: str, toks: list[re.Match[str]], i: int) -> tuple[int, int] | None:
    if i + 1 < len(toks) and _joined(text, toks[i], toks[i + 1]):
        return None  # not the last word of the name
    lo = i
    while lo > 0 and _joined(text, toks[lo - 1], toks[lo]) and toks[lo - 1].group() != "&":
        lo -= 1
    if lo == i:
        return None
    key = _key(toks[i].group())
    if key == "hall" and _key(toks[i - 1].group()) not in _HALL_LEFT:
        return None
    before = text[max(0, toks[lo].start() - 12):toks[lo].start()]
    if _TITLE_BEFORE.search(before):
        return None
    if key in ("park", "garden", "gardens") and (not _PLACE_BEFORE.search(before) or _HOME_BEFORE.search(before)):
        return None
    return toks[lo].start(), toks[i].end()


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({p.strip() for p in phrases if p and p.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


#: A capitalised token not inside a word, an address or a domain. The capital comes first and the
#: look-behind after it (the same matches as ``(?<![\w@.])[A-Z]...``): the scan jumps from capital
#: to capital instead of testing the look-behind at every character.
_KNOWN_TOKEN = re.compile(r"[A-Z](?<![\w@.][A-Z])(?:[\w./-]*[\w])?")
_PHRASE_FIRST = tuple((p, p.split()[0].rstrip(",")) for p in KNOWN_PHRASES)
_FIRST_WORDS = frozenset(first for _, first in _PHRASE_FIRST)
_LOWER_WORD = re.compile(r"[^\W\d_][\w'.]*[\w']|[^\W\d_]")


def _known_phrases(low: str, words: set[str]) -> Iterator[tuple[int, int]]:
    """The phrases of KNOWN_PHRASES, whole words, any case: ``str.find`` on the lower-cased text
    for the phrases whose first word occurs at all (most texts hold none)."""
    present = _FIRST_WORDS.intersection(words)
    if not present:
        return
    for phrase, first in _PHRASE_FIRST:
        if first not in present:
            continue
        at = low.find(phrase)
        while at >= 0:
            end = at + len(phrase)
            if (at == 0 or not low[at - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
                yield at, end
            at = low.find(phrase, end)


_HEADS = BODY_HEADS | SHARED_HEADS | PROGRAMME_TAILS | PLACE_TAILS | SHAPED_HEADS | ROAD_TAILS


def public_spans(text: str, extra: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
    """Spans of ``text`` that name public bodies, programmes, public places, forms or holidays."""
    low = text.lower()
    words = set(_LOWER_WORD.findall(low))
    spans: list[tuple[int, int]] = []
    # _key of a word of the lower-cased text (no \u2019 in such a word): the word less its "'s"
    keys = {w[:-2] if w.endswith("'s") else w for w in words}
    if not _HEADS.isdisjoint(keys):  # most texts name no public body at all
        spans.extend(_body_spans(text))
    spans.extend((m.start(), m.end()) for m in _FORM.finditer(text))
    for m in _THING_HEAD.finditer(text):
        spans.append((m.start(), m.end()))
    if _JURISDICTION_WORDS.search(low):
        spans.extend((m.start(), m.end()) for m in _JURISDICTION.finditer(text))
    spans.extend(_known_phrases(low, words))
    if extra is not None:
        spans.extend((m.start(), m.end()) for m in extra.finditer(text))
    # most texts name none of KNOWN: told by one set test over the tokens, without a match object each
    if not KNOWN.isdisjoint(map(str.lower, _KNOWN_TOKEN.findall(text))):
        spans.extend((m.start(), m.end()) for m in _KNOWN_TOKEN.finditer(text) if m.group().lower() in KNOWN)
    for m in _CAPS_AFTER_THE.finditer(text):
        spans.append((m.start(1), m.end(1)))
    return spans


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """A charter's ``public_bodies`` list as one pattern (whole words, any case)."""
    return _phrase_pattern(phrases)

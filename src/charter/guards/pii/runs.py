"""Runs of capitalised words: the candidates that names.py types.

A run is a sequence of capitalised tokens separated by single spaces, with particles ("de", "van",
"bin") and initials ("J.") allowed inside (:func:`runs`). A token with digits or mixed-case noise
inside (base64, hex, identifiers) is never part of one. :func:`trim` then drops what opens or ends
a run without being part of a name: a trailing particle, a title or a stop word, a day or a month, a
possessive before a document's name ("Mi DNI"), an ordinary English word opening a sentence ("Please",
"The Exversion Orchestra"), a postscript marker ("P.S."). What is left is typed by names.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from charter.guards.pii.lexicon import (
    COUNTRIES,
    DAYS,
    GIVEN_NAMES,
    MONTHS,
    NON_NAMES,
    WORLD_GIVEN_NAMES,
    ordinary,
    word_list,
)
from charter.guards.pii.organisations import STOPLIKE

__all__ = [
    "NOISE",
    "PARTICLES",
    "POSSESSIVES",
    "TITLE_BEFORE",
    "TOKEN",
    "ends_sentence",
    "given",
    "is_cap",
    "lower_word",
    "runs",
    "starts_sentence",
    "trim",
]

TOKEN = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W_])?\.?")
#: Base64, hex, identifiers: a token with a digit or mixed-case noise inside is never a name.
NOISE = re.compile(r"\d|[a-z][A-Z].*[a-z][A-Z]")

PARTICLES = frozenset(word_list(
    """
    de da di do dos das del della van von der den ten ter la le du bin al y e en an ibn
    """
))
#: Possessives and determiners that open a sentence before a document's name ("Mój PESEL", "Meu CPF",
#: "Mi DNI", "Mon NIR", "Mein Ausweis", "Mijn BSN", "Mitt personnummer"): never the first word of a name.
POSSESSIVES = frozenset(word_list(
    """
    mój moja moje mojego můj moje meu minha meus minhas mi mis mon ma mes mein meine meinen meiner mijn
    min mitt mina mit minun mano mans mu mio mia il mio la mia
    """
))
_BOUNDARY_CHARS = frozenset(".!?:;\"\u201c\u201d()[]>*\u2022|\n")


def given(word: str) -> bool:
    """``word`` (lower case) is a given name of the engine's lists."""
    return word in WORLD_GIVEN_NAMES or word in GIVEN_NAMES


def is_cap(tok: str) -> bool:
    """Capitalised, or an Irish name after a prefix ("Ó hÉidhní", "Ní Bhriain", "Mac an tSaoi")."""
    return tok[0].isupper() or (len(tok) > 1 and tok[0] in "hnt" and tok[1].isupper())


def ends_sentence(tok: str) -> bool:
    """A token ending in a full stop ends the run, unless it is an initial ("J.") or a title."""
    return tok.endswith(".") and len(tok) > 2 and tok[:-1].lower() not in NON_NAMES


#: A letter that may open a capitalised token: any but a-z (a superset of ``str.isupper``, checked
#: on the token). TOKEN is made of _TOKEN_CHAR, plus a full stop at its end.
_CAPITAL = re.compile(r"[^\W\d_a-z]")
_TOKEN_CHAR = re.compile(r"[\w'\u2019-]")


def _resume(text: str, pos: int) -> int:
    """Where to look for the next token that can open a run, from ``pos`` (a token's end): the start
    of the run of token characters that holds the next letter outside a-z (its token starts
    there or later), or the text's end. A token before it is made of a-z, digits, "_", "-" and
    apostrophes only, so it starts with a lower-case letter and opens no run: skipping it changes nothing."""
    found = _CAPITAL.search(text, pos)
    if found is None:
        return len(text)
    at = found.start()
    while at > pos and _TOKEN_CHAR.match(text, at - 1):
        at -= 1
    return at


def runs(text: str) -> Iterator[list[re.Match[str]]]:
    """Runs of capitalised tokens separated by single spaces (particles and initials allowed inside).
    Outside a run the text is read from one possible capital to the next (:func:`_resume`), not
    token by token: most of a text's tokens are lower-case words that no run holds. NOISE is asked
    only of a token that would join or open a run (a particle never matches it: it has no digit and
    no capital, whatever its case, unless it is noise, which the order of the tests keeps out)."""
    run: list[re.Match[str]] = []
    pos = 0
    while True:
        if not run:
            pos = _resume(text, pos)
        m = TOKEN.search(text, pos)
        if m is None:
            break
        pos = m.end()
        tok = m.group()
        cap = tok[0].isupper() or (tok[0] in "hnt" and len(tok) > 1 and tok[1].isupper())  # is_cap, inlined
        if not run:
            if cap and not NOISE.search(tok):
                run.append(m)
            continue  # the common case: a lower-case word outside any run
        last = run[-1]
        if cap:
            if NOISE.search(tok):  # base64, hex, identifiers: never a name
                yield run
                run = []
            elif text[last.end():m.start()] in (" ", "") and not ends_sentence(last.group()):
                run.append(m)
            else:
                yield run
                run = [m]
        elif ((tok.lower() in PARTICLES or (tok == "el" and given(last.group().lower()))) and not NOISE.search(tok)
              and text[last.end():m.start()] in (" ", "") and not ends_sentence(last.group())
              # "Ich bin …" (German: I am), no "X bin Y"; Arabic "el" joins after a given name only ("Noor el
              # Amrani"; not the Spanish "Perdí el DNI"), and opens no name ("El Poblado" stays whole)
              and not (tok == "bin" and last.group() == "Ich")):
            run.append(m)
        else:
            yield run
            run = []
    if run:
        yield run


TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Hon|St)\.?\s*$")


def starts_sentence(text: str, pos: int) -> bool:
    """``pos`` opens a sentence, a line or a text (spaces aside); a title's full stop ends none."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i >= 0 and text[i] == "." and TITLE_BEFORE.search(text, max(0, i - 5), i + 1):
        return False  # "Mrs. Baker": the full stop ends a title, not a sentence
    return i < 0 or text[i] in _BOUNDARY_CHARS


def lower_word(match: re.Match[str]) -> str:
    """A token in lower case, without its full stop or what follows an apostrophe ("O'Brien" -> "o")."""
    return match.group().lower().rstrip(".").replace("\u2019", "'").partition("'")[0]


_MONTH_ABBREVIATIONS = frozenset(m for m in MONTHS if len(m) <= 4 and m not in ("may", "june", "july"))


def _drop_first(run: list[re.Match[str]], low: str, text: str, slot: bool) -> bool:
    """Whether the run's first word (``low``: its :func:`lower_word`) is not part of a name."""
    if low in NON_NAMES or low in DAYS or low.removesuffix("s") in DAYS or low in PARTICLES:
        return True
    if (low in POSSESSIVES and len(run) > 1 and starts_sentence(text, run[0].start())
            and (not given(low) or all(m.group().isupper() and len(m.group()) > 1 for m in run[1:]))):
        return True  # "Mój PESEL", "Meu CPF", "Mi DNI": a possessive opening a sentence, not a given name
    if low in COUNTRIES:
        return False
    if low in MONTHS and not (low in _MONTH_ABBREVIATIONS and not re.match(r"\.?\s*\d", text[run[0].end():])):
        return True  # a month, but "Jun" before no number is a name
    if len(run) > 1 and ordinary(low) and all(m.group().isupper() and len(m.group()) > 1 for m in run[1:]):
        return True  # "Output JSON", "Use HTML": a verb before an acronym
    if slot or not starts_sentence(text, run[0].start()) or not ordinary(low):
        return False
    if len(run) == 1:
        return True  # "Hello", "Please": an ordinary word opening a sentence
    # "The Exversion Orchestra" loses "The"; "Fletcher Hill" stays whole
    return low in STOPLIKE


#: The German titles of :data:`_TITLE_WORDS`, before which an article opens no name.
_GERMAN_TITLES = frozenset(("herr", "herrn", "frau"))
#: "Our" before "Señora", "Senhora", "Signora", "Dame" inside a run: Our Lady, a church's or a hospital's patron.
_OUR = frozenset(("nuestra", "nossa", "nostra", "notre"))
#: German articles a name never opens with after "Herr" or "Frau" (Dutch surnames' "der" and "den" follow "van").
_GERMAN_ARTICLES = frozenset(("der", "den", "des", "dem"))
#: "P.S." / "P.P.S." written without spaces where a sentence or line begins: a postscript marker,
#: not a person's initials ("P.S. Bring your old passport" named "P.S. Bring"). Initials before a
#: surname keep their spaces ("P. S. Krishnan") or follow a cue, and stay a name.
_POSTSCRIPT = re.compile(r"P\.(?:P\.)?S\.(?=\s)")
#: Personal titles that a run may hold in its middle ("... Oktober von Herrn Till Oberwetter"); not "Dr" or
#: "Sr", which streets named after people hold too ("Rua Dr. Francisco Barahona").
_TITLE_WORDS = frozenset(word_list("""
    herr herrn frau señor señora signor signora monsieur madame mme mlle
"""))


def trim(run: list[re.Match[str]], text: str, slot: bool) -> list[re.Match[str]]:
    """The run without what opens or ends it and is no part of a name (``slot``: a form's name label
    or a letter's closing line precedes it). Each end word is lower-cased once per test."""
    if (run and text.startswith("P.", run[0].start()) and (ps := _POSTSCRIPT.match(text, run[0].start()))
            and starts_sentence(text, run[0].start())):
        run = [m for m in run if m.start() >= ps.end()]
    low = ""
    while run:
        low = lower_word(run[-1])
        if not ((low in PARTICLES and run[-1].group().islower()) or low in NON_NAMES):
            break
        run = run[:-1]
    # in a run of one word the first word is the last, lower-cased above
    while run and _drop_first(run, low if len(run) == 1 else lower_word(run[0]), text, slot):
        run = run[1:]  # its last word, and ``low``, stay
    if len(run) > 2:
        titled = [i for i in range(1, len(run) - 1) if run[i].group().rstrip(".").lower() in _TITLE_WORDS]
        if titled:  # "Oktober von Herrn Till Oberwetter": the name starts after the title inside the run
            at = titled[-1]
            if run[at].group().lower() in _GERMAN_TITLES and run[at + 1].group() in _GERMAN_ARTICLES:
                return []  # "Als Frau der Übergangsgeneration", "Herr der Ringe": a woman, a lord of, no name
            if lower_word(run[at - 1]) not in _OUR:
                run = run[at + 1:]
            # else "Hospital Universitario Nuestra Señora de Candelaria", "Notre-Dame": Our Lady, no one's title
    return run

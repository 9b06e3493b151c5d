"""What the record stage notes about a text without keeping it: its language, and whether an answer
reads as a refusal to answer.

The language detector is small on purpose: a script test (Cyrillic, Greek, Arabic, Hebrew, CJK, ...)
and, for Latin script, a vote of each language's most frequent function words. It needs no model file
and no dependency, runs in microseconds, and is deterministic (``langdetect`` is random unless seeded
and slow; fastText's ``lid.176`` is a 126 MB download an air-gapped site must carry; CLD3 needs a
native build). The drift detector needs a stable label per request, not a perfect one: a citizen's
question in French is labelled ``fr`` the same way every day, so a change in the mix is a change in
traffic. A text with too few function words is ``und`` (undetermined), counted as its own label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["LANGUAGES", "declined", "detect_language"]

_WORDS: Mapping[str, str] = {
    "en": "the and is are to of in for you your what how can my i do does it this that with not be have on "
    "please when where which from will should would",
    "fr": "le la les des est et je vous une un du pour que qui pas dans sur mon ma mes comment quand où "
    "avec votre est-ce ce cette sont peut puis faut",
    "de": "der die das und ist ich nicht sie ein eine wie wo was mit für mein meine kann ich den dem "
    "zu auf bitte wann muss ihr sind",
    "es": "el la los las es y de que en un una por para mi mis cómo como dónde cuándo qué puedo con "
    "no se su está son necesito",
    "it": "il lo la gli le è e di che un una per non mi mio mia come dove quando posso con sono del "
    "della ho devo si",
    "nl": "de het een en is ik niet van voor mijn hoe waar wat kan ik met zijn er op wanneer moet "
    "u uw dat",
    "pt": "o a os as é e de que em um uma para não meu minha como onde quando posso com são do da "
    "preciso você",
    "pl": "i w nie na się jest z do jak to czy mój moja gdzie kiedy mogę jestem że co dla od",
    "sv": "och är att det en ett jag inte för på med hur var när kan min mitt som till vad jag har",
    "da": "og er at det en et jeg ikke for på med hvordan hvor hvornår kan min mit som til hvad har",
    "fi": "ja on ei se että mitä miten missä milloin voin minun olen kun mutta tai ovat",
}


def _index() -> Mapping[str, tuple[str, ...]]:
    """Each function word and the languages it belongs to."""
    index: dict[str, tuple[str, ...]] = {}
    for lang, text in _WORDS.items():
        for word in sorted(set(text.split())):
            index[word] = (*index.get(word, ()), lang)
    return MappingProxyType(index)


_INDEX = _index()

#: Scripts that name their language outright (or their family, where one script serves several).
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),  # Cyrillic (labelled ru: uk, bg and sr share it)
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
)
#: Every label :func:`detect_language` returns.
LANGUAGES: tuple[str, ...] = (*_WORDS, *(code for code, _ in _SCRIPTS), "und")
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)?")
_MIN_VOTES = 2


def detect_language(text: str, *, limit: int = 2000) -> str:
    """An ISO 639-1 code for ``text`` (its first ``limit`` characters), or ``und``."""
    sample = text[:limit]
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters == 0:
        return "und"
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) * 3 >= letters:
            return code
    votes: dict[str, float] = {}
    for token in _TOKEN.findall(sample.lower()):
        langs = _INDEX.get(token)
        if langs:
            for lang in langs:
                votes[lang] = votes.get(lang, 0.0) + 1.0 / len(langs)
    if not votes:
        return "und"
    best = max(votes, key=lambda k: (votes[k], k == "en"))
    return best if votes[best] >= _MIN_VOTES else "und"


_DECLINED = re.compile(
    r"^\W*(?:i(?:'m| am) (?:sorry|afraid|unable|not able)|sorry,|i can(?:no|')t (?:help|answer|assist|provide)|"
    r"i (?:cannot|won't|will not) (?:help|answer|assist|provide)|unfortunately,? i (?:can(?:no|')t|am unable)|"
    r"as an ai\b|je (?:suis désolé|ne peux pas)|désolé|es tut mir leid|ich kann (?:leider )?nicht|"
    r"lo siento|no puedo|mi dispiace|non posso|het spijt me|ik kan (?:u )?niet)",
    re.IGNORECASE,
)


def declined(answer: str) -> bool:
    """Whether an answer opens as a refusal to answer ("I'm sorry, I can't help with that")."""
    return bool(answer) and _DECLINED.match(answer[:200]) is not None

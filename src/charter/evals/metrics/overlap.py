"""Reference-overlap metrics: BLEU and chrF with sacrebleu, ROUGE with rouge-score.

BLEU and chrF are corpus metrics: the run's figure is sacrebleu's ``corpus_score`` over every item
with references (so it reproduces sacrebleu exactly); the per-item figures are sentence scores, used
for paired comparisons. ROUGE runs on a Unicode-aware tokenizer: rouge-score's default keeps only
``[a-z0-9]`` and would score any non-Latin text as empty.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from charter.evals.base import Answer, BaseEvaluator, Case, Scored

__all__ = ["Bleu", "Chrf", "Rouge", "UnicodeTokenizer"]

#: Scripts written without spaces between words: every character is a token.
_NO_SPACE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B-F
)


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def _no_space(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _NO_SPACE_RANGES)


class UnicodeTokenizer:
    """Words of letters, marks and digits in any script (NFKC, case-folded); characters of scripts
    written without spaces (CJK, Thai, ...) are single tokens."""

    def tokenize(self, text: str) -> list[str]:
        folded = unicodedata.normalize("NFKC", text).casefold()
        if folded.isascii():  # the fast path gives the same tokens for ASCII text
            return _ASCII_WORD.findall(folded)
        tokens: list[str] = []
        current: list[str] = []
        for ch in folded:
            if unicodedata.category(ch)[0] in "LMN":
                if _no_space(ch):
                    if current:
                        tokens.append("".join(current))
                        current = []
                    tokens.append(ch)
                else:
                    current.append(ch)
            elif current:
                tokens.append("".join(current))
                current = []
        if current:
            tokens.append("".join(current))
        return tokens


def _streams(rows: Sequence[Scored]) -> tuple[list[str], Any]:
    """Hypotheses and reference streams (sacrebleu's layout), padded with None for fewer references."""
    with_refs = [r for r in rows if r.case.references]
    width = max((len(r.case.references) for r in with_refs), default=0)
    hyps = [r.answer.text for r in with_refs]
    streams: list[list[str | None]] = [
        [r.case.references[i] if i < len(r.case.references) else None for r in with_refs] for i in range(width)
    ]
    return hyps, streams


class _Sacrebleu(BaseEvaluator):
    """A sacrebleu metric, scored under :attr:`name`: per item against its references (``sentence``),
    per run over every item that has references (``corpus``)."""

    sentence: Any
    corpus: Any

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        if not case.references:
            return {}
        return {self.name: float(self.sentence.sentence_score(answer.text, list(case.references)).score)}

    def aggregate(self, rows: Sequence[Scored]) -> dict[str, float]:
        hyps, streams = _streams(rows)
        if not hyps:
            return {}
        return {self.name: float(self.corpus.corpus_score(hyps, streams).score)}


class Bleu(_Sacrebleu):
    """sacrebleu BLEU (default 13a tokenizer; ``tokenize="zh"``/``"ja-mecab"``/``"flores200"`` etc.)."""

    name = "bleu"

    def __init__(self, **options: Any) -> None:
        from sacrebleu.metrics.bleu import BLEU

        self.corpus = BLEU(**options)
        self.sentence = BLEU(effective_order=True, **options)

    def signature(self) -> str:
        return str(self.corpus.get_signature())


class Chrf(_Sacrebleu):
    """sacrebleu chrF (chrF2 by default; ``word_order=2`` gives chrF++)."""

    name = "chrf"

    def __init__(self, **options: Any) -> None:
        from sacrebleu.metrics.chrf import CHRF

        self.sentence = self.corpus = CHRF(**options)


class Rouge(BaseEvaluator):
    """ROUGE-1/2/L F-measure (best over the references), Unicode-aware tokenizer."""

    name = "rouge"

    def __init__(self, types: list[str] | None = None) -> None:
        rouge_scorer = importlib.import_module("rouge_score.rouge_scorer")

        self.types = types or ["rouge1", "rouge2", "rougeL"]
        self.scorer = rouge_scorer.RougeScorer(self.types, tokenizer=UnicodeTokenizer())

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        if not case.references:
            return {}
        best = {t: 0.0 for t in self.types}
        for ref in case.references:
            scores = self.scorer.score(ref, answer.text)
            for t in self.types:
                best[t] = max(best[t], float(scores[t].fmeasure))
        return best

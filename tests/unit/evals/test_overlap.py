"""BLEU and chrF reproduce sacrebleu's README example exactly; ROUGE handles non-Latin text."""

from __future__ import annotations

import pytest

from charter.evals.base import Answer, Case, Scored
from charter.evals.metrics.overlap import Bleu, Chrf, Rouge, UnicodeTokenizer

# sacrebleu's README: two reference streams, three system outputs.
REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]
SYS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]


async def _scored(evaluator, hyps, refs_per_item):
    rows = []
    for i, (hyp, refs) in enumerate(zip(hyps, refs_per_item, strict=True)):
        case = Case(id=f"i{i}", idx=i, input="q", references=tuple(refs))
        answer = Answer(text=hyp)
        rows.append(Scored(case, answer, await evaluator.score(case, answer)))
    return rows


async def test_me_bleu_and_chrf_reproduce_sacrebleu_readme_exactly():
    per_item = [list(pair) for pair in zip(*REFS, strict=True)]
    bleu = Bleu()
    assert round(bleu.aggregate(await _scored(bleu, SYS, per_item))["bleu"], 2) == 48.53
    chrf = Chrf()
    assert round(chrf.aggregate(await _scored(chrf, SYS, per_item))["chrf"], 2) == 59.73
    assert "nrefs:2" in bleu.signature()


async def test_me_bleu_with_uneven_reference_counts():
    bleu = Bleu()
    rows = await _scored(
        bleu,
        ["The dog bit the man.", "It wasn't surprising."],
        [["The dog bit the man.", "The dog had bit the man."], ["It was not unexpected."]],
    )
    assert 0 < bleu.aggregate(rows)["bleu"] < 100
    assert rows[0].scores["bleu"] == pytest.approx(100.0)


def test_me_unicode_tokenizer_splits_every_script():
    tok = UnicodeTokenizer()
    assert tok.tokenize("Hello, World! 2026") == ["hello", "world", "2026"]
    assert tok.tokenize("税务申报截止日期") == list("税务申报截止日期")
    assert tok.tokenize("आवेदन की अंतिम तिथि") == ["आवेदन", "की", "अंतिम", "तिथि"]  # marks stay in words
    assert tok.tokenize("موعد تقديم الإقرار") == ["موعد", "تقديم", "الإقرار"]
    assert tok.tokenize("\uff26\uff55\uff4c\uff4c\u3000\uff57\uff49\uff44\uff54\uff48") == [
        "full",
        "width",
    ]  # full-width


@pytest.mark.parametrize(
    "reference,close,far",
    [
        ("税务申报截止日期是一月三十一日", "税务申报截止日期是一月三十日", "我喜欢吃苹果"),
        ("आवेदन की अंतिम तिथि जनवरी है", "आवेदन की अंतिम तिथि मार्च है", "मौसम अच्छा है"),
        ("موعد تقديم الإقرار هو يناير", "موعد تقديم الإقرار هو مارس", "الطقس جميل اليوم"),
    ],
)
async def test_me_rouge_scores_non_latin_text(reference, close, far):
    rouge = Rouge()
    case = Case(id="i", idx=0, input="q", references=(reference,))
    same = await rouge.score(case, Answer(text=reference))
    near = await rouge.score(case, Answer(text=close))
    other = await rouge.score(case, Answer(text=far))
    assert same == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    assert 0.5 < near["rouge1"] < 1.0
    assert near["rougeL"] > other["rougeL"]
    assert other["rouge2"] == 0.0


async def test_me_items_without_references_are_not_scored():
    for evaluator in (Bleu(), Chrf(), Rouge()):
        assert await evaluator.score(Case(id="i", idx=0, input="q"), Answer(text="x")) == {}
    assert Bleu().aggregate([]) == {}

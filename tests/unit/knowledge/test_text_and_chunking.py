"""Cleaning, sentences and chunking: chunks respect headings and sentences and overlap."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.knowledge.chunking import Section, chunk_sections
from charter.knowledge.loaders import load_csv, load_markdown
from charter.knowledge.text import clean_text, content_terms, sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_split_concatenated_passages_but_not_abbreviations() -> None:
    text = ("Arthur's Magazine was published in Philadelphia.First for Women is published by Bauer. "
            "Dr. Smith met J. R. Tolkien.")
    assert _sentences(text) == ["Arthur's Magazine was published in Philadelphia.",
                                "First for Women is published by Bauer.", "Dr. Smith met J. R. Tolkien."]


def test_clean_text_normalises_and_is_idempotent() -> None:
    raw = "Ful\u00adl  text\r\nwith  a hyphen-\nated word\x07.\n\n\n\nNext"
    cleaned = clean_text(raw)
    assert cleaned == "Ful\u00adl text\nwith a hyphenated word.\n\nNext"
    assert clean_text(cleaned) == cleaned


def test_content_terms_drop_function_words_and_stem() -> None:
    assert content_terms("The magazines were founded in 1987") == ["magazine", "found", "1987"]


def test_chunks_never_cross_headings_and_overlap_by_whole_sentences() -> None:
    body = " ".join(f"Sentence number {i} says something about permits." for i in range(30))
    chunks = chunk_sections([Section("Permits", body), Section("Fees", "The fee is 40 pounds.")],
                            max_chars=300, overlap_chars=100)
    assert [c.heading for c in chunks][-1] == "Fees" and chunks[-1].text == "The fee is 40 pounds."
    permits = [c for c in chunks if c.heading == "Permits"]
    assert all(len(c.text) <= 300 for c in permits)
    assert all(c.text.endswith("permits.") for c in permits)  # cut at sentence ends
    for a, b in itertools.pairwise(permits):
        assert b.start_char < a.end_char  # overlap
        assert a.text.split(". ")[-1] in b.text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abc .", min_size=1, max_size=80), min_size=1, max_size=20))
def test_chunks_cover_every_word_of_the_section(words: list[str]) -> None:
    text = clean_text(" ".join(words))
    chunks = chunk_sections([Section("", text)], max_chars=60, overlap_chars=20)
    covered = " ".join(c.text for c in chunks)
    assert set(text.split()) <= set(covered.split())
    assert all(len(c.text) <= 60 for c in chunks)


def test_markdown_sections_follow_headings() -> None:
    doc = load_markdown(b"# Passports\n\nRenew **online**.\n\n## Fees\n\nSee [the table](https://x).\n", "p.md")
    assert [(s.heading, s.text) for s in doc.sections] == [("Passports", "Renew online."), ("Fees", "See the table.")]
    assert doc.title == "Passports"


def test_csv_rows_keep_their_column_labels() -> None:
    doc = load_csv(b"service,fee\nlibrary card,0\nreplacement,3\n", "f.csv")
    assert doc.text == "service: library card; fee: 0\n\nservice: replacement; fee: 3"

"""The drift statistics and the record-time labels, with nothing on the other side."""

from __future__ import annotations

import numpy as np
import pytest

from charter.monitor.drift.language import declined, detect_language
from charter.monitor.drift.observe import segment_values
from charter.monitor.drift.stats import categorical, continuous, correct, embedding_mmd, proportion


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("When is the deadline for filing my tax return?", "en"),
        ("Quand est-ce que je dois déposer ma déclaration de revenus ?", "fr"),
        ("Wie kann ich meinen Reisepass verlängern, wenn ich im Ausland bin?", "de"),
        ("¿Cómo puedo pedir una cita para renovar mi pasaporte?", "es"),
        ("Come posso rinnovare la mia carta d'identità?", "it"),
        ("Hoe kan ik mijn paspoort verlengen als ik in het buitenland woon?", "nl"),
        ("Как продлить паспорт?", "ru"),
        ("12345 678", "und"),
        ("T1 form", "und"),
    ],
)
def test_me4_language_labels_are_stable_for_citizen_questions(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_declining_answer_is_told_from_an_answer() -> None:
    assert declined("I'm sorry, I can't help with that.")
    assert declined("Je ne peux pas répondre à cette question.")
    assert not declined("Passports are renewed online; sorry for the wait at the office.")
    assert not declined("")


def test_only_charter_named_metadata_keys_are_kept_and_cut() -> None:
    metadata = {"channel": "web", "account": "1234", "age": 41, "tags": ["x"], "flag": True, "long": "x" * 99}
    values = segment_values(metadata, ["language", "metadata.channel", "metadata.age", "metadata.tags", "metadata.flag",
                                       "metadata.missing", "metadata.long"])
    assert values == {"metadata.channel": "web", "metadata.age": "41", "metadata.tags": "(other)",
                      "metadata.flag": "true", "metadata.missing": "(none)", "metadata.long": "x" * 64}


def test_two_sample_tests_separate_shift_from_noise() -> None:
    rng = np.random.default_rng(0)
    a, b, c = rng.normal(100, 20, 300), rng.normal(100, 20, 300), rng.normal(130, 20, 300)
    assert continuous(a, b).p_value > 0.01 > continuous(a, c).p_value
    assert proportion(10, 300, 12, 300).p_value > 0.01 > proportion(10, 300, 60, 300).p_value
    assert proportion(1, 300, 2, 300).test == "fisher"
    assert proportion(0, 100, 0, 100).p_value == 1.0
    assert categorical({"en": 200, "fr": 100}, {"en": 195, "fr": 105}).p_value > 0.01
    assert categorical({"en": 200, "fr": 100, "de": 1}, {"en": 100, "fr": 200}).p_value < 0.01


def test_mmd_finds_a_new_topic_not_a_resample() -> None:
    rng = np.random.default_rng(1)

    def vectors(topics: int) -> np.ndarray:
        x = np.eye(16)[rng.integers(topics, size=150)] + rng.normal(0, 0.15, (150, 16))
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    assert embedding_mmd(vectors(3), vectors(3), permutations=500).p_value > 0.01
    assert embedding_mmd(vectors(3), vectors(4), permutations=500).p_value < 0.01


def test_corrections_hold_many_tests_to_a_stricter_cutoff() -> None:
    assert correct([0.04, 0.5, 0.9, 0.7], 0.05, "bonferroni") == pytest.approx(0.0125)
    assert correct([0.001, 0.01, 0.9, 0.7], 0.05, "bh") == pytest.approx(0.025)  # two pass: 2/4 * 0.05
    assert correct([0.04, 0.5, 0.9, 0.7], 0.05, "bh") == pytest.approx(0.0125)  # none pass: alpha / m

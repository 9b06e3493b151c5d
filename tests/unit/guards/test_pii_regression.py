"""DP-4: the PII detector's labelled regression set. CI fails when recall of an entity type drops
below its floor (over-redaction is allowed, so precision has no floor here).

The set is Presidio's synthetic evaluation data (../shared/data/pii/synth_dataset_v2.json, read in
place). Structured identifiers must be found with the right type and IoU >= 0.75; the other types
must be covered (any overlap with any finding), which is what redaction needs. Floors sit a little
under the recall measured when they were set (see benchmarks/results/guards_pii.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from charter.guards.pii import PiiEngine

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pii" / "synth_dataset_v2.json"

TYPED_FLOORS = {  # type and IoU >= 0.75
    "US_SSN": 0.98, "CREDIT_CARD": 0.98, "EMAIL_ADDRESS": 0.98, "PHONE_NUMBER": 0.98,
    "IBAN_CODE": 0.98, "IP_ADDRESS": 0.98, "US_DRIVER_LICENSE": 0.98, "AGE": 0.95, "DATE_TIME": 0.90,
}
COVER_FLOORS = {  # any overlap with any finding
    "PERSON": 0.88, "STREET_ADDRESS": 0.83, "GPE": 0.85, "ORGANIZATION": 0.92, "DATE_TIME": 0.97,
    "TITLE": 0.78, "NRP": 0.75, "ZIP_CODE": 0.60, "DOMAIN_NAME": 0.97,
}


@pytest.fixture(scope="module")
def recall() -> dict[str, dict[str, float]]:
    if not DATA.exists():
        pytest.skip(f"the labelled set is not at {DATA} (shared/ lies beside the repository)")
    engine = PiiEngine()
    samples = json.loads(DATA.read_text(encoding="utf-8"))
    typed, covered, total = Counter(), Counter(), Counter()
    for sample in samples:
        hits = engine.analyze(sample["full_text"])
        for span in sample["spans"]:
            g0, g1, kind = span["start_position"], span["end_position"], span["entity_type"]
            total[kind] += 1
            covered[kind] += any(min(g1, h.end) > max(g0, h.start) for h in hits)
            typed[kind] += any(h.type == kind and _iou(g0, g1, h.start, h.end) >= 0.75 for h in hits)
    return {"typed": {k: typed[k] / total[k] for k in total},
            "covered": {k: covered[k] / total[k] for k in total}}


def _iou(a0: int, a1: int, b0: int, b1: int) -> float:
    return max(0, min(a1, b1) - max(a0, b0)) / (max(a1, b1) - min(a0, b0))


@pytest.mark.parametrize(("kind", "floor"), sorted(TYPED_FLOORS.items()))
def test_dp4_recall_per_structured_type_stays_above_floor(recall, kind, floor):
    assert recall["typed"][kind] >= floor, f"{kind} recall {recall['typed'][kind]:.3f} < floor {floor}"


@pytest.mark.parametrize(("kind", "floor"), sorted(COVER_FLOORS.items()))
def test_dp4_coverage_per_entity_type_stays_above_floor(recall, kind, floor):
    assert recall["covered"][kind] >= floor, f"{kind} coverage {recall['covered'][kind]:.3f} < floor {floor}"

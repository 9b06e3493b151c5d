"""DP-6: a chunk of a document classified above the charter's ceiling never reaches the model; the
next allowed chunks take its place, and the ground verdict names what was withheld."""

from __future__ import annotations

import pytest

from charter.domain import Charter, ChatMessage, GenerationParams
from charter.domain.charter import CLASSIFICATION_LEVELS
from charter.domain.exchange import Exchange
from charter.knowledge import Source, ingest
from charter.knowledge.stages import ground
from charter.runtime import Runtime
from tests.integration.knowledge.conftest import admin, make_kb


def _document(level: str) -> bytes:
    return f"Passport renewal rules, {level} edition: the {level} office renews passports in ten days.\n".encode()


def _ingest_one_document_per_level(rt: Runtime, tenant: str) -> None:
    make_kb(rt, tenant, pii_policy="off", classification="secret")
    for level in CLASSIFICATION_LEVELS:
        ingest(rt, tenant_id=tenant, kb_name="handbook", sources=[Source(f"{level}.txt", _document(level), level)],
               uploader="a", classification=level)


@pytest.mark.parametrize("ceiling", CLASSIFICATION_LEVELS)
async def test_dp6_chunks_above_the_charter_ceiling_never_reach_the_model(
    kb_runtime: Runtime, tenant: str, ceiling: str
) -> None:
    _ingest_one_document_per_level(kb_runtime, tenant)
    charter = Charter(name="helpdesk", tenant="agency-a", models=["m"], regions=["r"], knowledge_bases=["handbook"],
                      top_k=3, classification_ceiling=ceiling, guards={"pii": {"action": "off"}})
    ex = Exchange(request_id="r1", principal=admin(tenant), use_case_id="uc", charter=charter, charter_version=1,
                  messages=[ChatMessage("user", "How fast does the office renew passports?")],
                  params=GenerationParams())
    await ground(ex, kb_runtime)
    allowed = CLASSIFICATION_LEVELS[: CLASSIFICATION_LEVELS.index(ceiling) + 1]
    above = [level for level in CLASSIFICATION_LEVELS if level not in allowed]
    reached = " ".join(c["text"] for c in ex.context)
    for level in above:
        assert f"{level} office" not in reached
    assert len(ex.context) == min(3, len(allowed))  # the allowed chunks fill top_k
    verdict = next(v for v in ex.verdicts if v.stage == "ground")
    assert len(verdict.detail["withheld_above_ceiling"]) == len(above)

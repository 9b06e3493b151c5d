"""Datasets from production: answered interactions and consented corrections, redacted, only when
the charter allows it (DP-7), every read on the ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from charter.errors import PermissionDenied
from charter.evals.datasets import load_cases
from charter.evals.harvest import HarvestRequest, from_corrections, from_interactions, redactor
from charter.ledger.tables import ledger_entries

CHARTER = """\
name: tax-helpdesk
tenant: agency
models: [mock]
regions: [ca-central-1]
may_train: {may_train}
"""


def _chat(http, platform, text):
    r = http.post(
        "/v1/chat/completions",
        json={"model": "mock", "messages": [{"role": "user", "content": text}]},
        headers=platform.auth(),
    )
    assert r.status_code == 200, r.text
    return r.json()["charter"]["interaction_id"]


def test_me_dataset_from_interactions_is_redacted_and_recorded(http, platform):
    platform.apply(CHARTER.format(may_train="false"))
    first = _chat(http, platform, "My e-mail is jo@example.org. When is my return due?")
    second = _chat(http, platform, "Can I pay by card?")
    rt, tid = platform.rt, platform.tenant_id
    request = HarvestRequest("tax-helpdesk", "prod", actor="alice")
    with pytest.raises(PermissionDenied, match="may_train"):
        rt.writer.write(lambda c: from_interactions(rt, c, tid, request))
    platform.apply(CHARTER.format(may_train="true"))
    made = rt.writer.write(lambda c: from_interactions(rt, c, tid, request))
    assert made["items"] == 2 and made["source"] == "interactions:tax-helpdesk"
    with rt.engine.connect() as conn:
        cases = load_cases(conn, tid, made["id"])
        entry = conn.execute(select(ledger_entries).where(ledger_entries.c.action == "eval.dataset_harvested")).one()
    by_id = {c.meta["interaction_id"]: c for c in cases}
    assert "jo@example.org" not in by_id[first].question and "<EMAIL" in by_id[first].question
    assert by_id[second].question == "Can I pay by card?"
    assert by_id[second].references == (redactor(rt)(platform.upstream.reply),)  # the guard's redaction
    assert first in entry.event and second in entry.event


def test_me_dataset_from_consented_corrections(http, platform):
    platform.apply(CHARTER.format(may_train="true"))
    iid = _chat(http, platform, "When is the VAT return due?")
    other = _chat(http, platform, "Is there a penalty?")
    for interaction, consent in ((iid, True), (other, False)):
        r = http.post(
            "/v1/feedback",
            json={
                "interaction_id": interaction,
                "rating": "unhelpful",
                "correction": "One month and seven days after the period ends.",
                "consent": consent,
            },
            headers=platform.auth(),
        )
        assert r.status_code == 201, r.text
    rt, tid = platform.rt, platform.tenant_id
    request = HarvestRequest("tax-helpdesk", "corrections", actor="alice")
    made = rt.writer.write(lambda c: from_corrections(rt, c, tid, request))
    assert made["items"] == 1  # only the consented one
    with rt.engine.connect() as conn:
        [case] = load_cases(conn, tid, made["id"])
        actions = [r.action for r in conn.execute(select(ledger_entries.c.action))]
    assert case.question == "When is the VAT return due?"
    assert case.references == ("One month and seven days after the period ends.",)
    assert "feedback.exported" in actions and "eval.dataset_harvested" in actions

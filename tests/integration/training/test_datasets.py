"""Training datasets from reviewed answers (DP-7), over real HTTP on both stores: which reviews
become SFT examples and DPO pairs, may_train and consent, PII scrubbing, lineage, content hashes,
erasure."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select

from charter.interactions.retention import expire_content
from charter.ledger.tables import ledger_entries
from charter.oversight.tables import review_decisions, review_items
from charter.training.tables import training_datasets
from tests.integration.oversight.conftest import BASE_CHARTER
from tests.integration.training.conftest import TRAINABLE, Trainer

Q1, Q2, Q3 = "When is the filing deadline?", "Can I file on paper?", "Is my refund late?"
A1, A2, A3 = "April 30 for most people.", "Paper forms were withdrawn.", "Refunds take 8 weeks."
EDIT = "Yes: paper forms can still be mailed to the tax centre."


def _three_decided(trainer: Trainer) -> dict[str, str]:
    """Q1 approved, Q2 edited, Q3 rejected; their review ids by outcome."""
    ids = {
        "approved": trainer.ask_with(Q1, A1),
        "edited": trainer.ask_with(Q2, A2),
        "rejected": trainer.ask_with(Q3, A3),
    }
    trainer.decide(ids["approved"], "approve")
    trainer.decide(ids["edited"], "edit", text=EDIT)
    trainer.decide(ids["rejected"], "reject", reason="refund times vary")
    return ids


def _lines(body: bytes) -> list[dict]:
    return [json.loads(line) for line in body.decode().splitlines()]


def _lineage(trainer: Trainer, review_id: str) -> tuple[str, str]:
    with trainer.platform.rt.engine.connect() as conn:
        interaction_id = conn.execute(
            select(review_items.c.interaction_id).where(review_items.c.id == review_id)
        ).scalar_one()
        decision_id = conn.execute(
            select(review_decisions.c.id).where(review_decisions.c.review_id == review_id,
                                                review_decisions.c.final.is_(True))
        ).scalar_one()
    return interaction_id, decision_id


def test_dp7_approved_and_edited_reviews_become_sft_examples_and_the_edit_a_dpo_pair(trainer: Trainer) -> None:
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    ids = _three_decided(trainer)
    sft = trainer.build("sft")
    assert sft.status_code == 201, sft.text
    built = sft.json()
    assert (built["kind"], built["version"], built["examples"], built["created"]) == ("sft", 1, 2, True)
    assert built["summary"]["sources"] == {"review-approved": 1, "review-edited": 1}
    exported = trainer.export(built["id"])
    assert exported.status_code == 200, exported.text
    assert exported.headers["x-charter-dataset-sha256"] == built["sha256"] == hashlib.sha256(
        exported.content).hexdigest()
    assert sorted(_lines(exported.content), key=lambda r: r["messages"][0]["content"]) == sorted([
        {"messages": [{"role": "user", "content": Q1}, {"role": "assistant", "content": A1}]},
        {"messages": [{"role": "user", "content": Q2}, {"role": "assistant", "content": EDIT}]},
    ], key=lambda r: r["messages"][0]["content"])

    dpo = trainer.build("dpo")
    assert dpo.status_code == 201, dpo.text
    pairs = _lines(trainer.export(dpo.json()["id"]).content)
    assert pairs == [{"prompt": [{"role": "user", "content": Q2}],
                      "chosen": [{"role": "assistant", "content": EDIT}],
                      "rejected": [{"role": "assistant", "content": A2}]}]

    shown = trainer.http.get(f"/api/v1/training/datasets/{built['id']}", headers=trainer.auth("developer")).json()
    by_review = {e["review_id"]: e for e in shown["lineage"]}
    assert set(by_review) == {ids["approved"], ids["edited"]}  # the rejected answer is nowhere
    for outcome in ("approved", "edited"):
        interaction_id, decision_id = _lineage(trainer, ids[outcome])
        example = by_review[ids[outcome]]
        assert (example["interaction_id"], example["decision_id"], example["source"]) == (
            interaction_id, decision_id, f"review-{outcome}")
    with trainer.platform.rt.engine.connect() as conn:
        built_events = [json.loads(e) if isinstance(e, str) else e for e in conn.execute(
            select(ledger_entries.c.event).where(ledger_entries.c.action == "training.dataset_built")).scalars()]
    assert len(built_events) == 2 and built_events[0]["sha256"] == built["sha256"]


def test_dp7_same_records_give_the_same_hash_and_no_new_version(trainer: Trainer) -> None:
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    _three_decided(trainer)
    first, again = trainer.build().json(), trainer.build().json()
    assert (again["id"], again["sha256"], again["version"], again["created"]) == (
        first["id"], first["sha256"], 1, False)
    trainer.decide(trainer.ask_with("Where do I send forms?", "To the tax centre."), "approve")
    third = trainer.build().json()
    assert (third["version"], third["examples"], third["created"]) == (2, 3, True)
    assert third["sha256"] != first["sha256"]
    listed = trainer.http.get("/api/v1/training/datasets", headers=trainer.auth("developer")).json()
    assert [d["version"] for d in listed] == [2, 1]


def test_dp7_may_train_false_is_refused_with_a_stable_code(trainer: Trainer) -> None:
    trainer.charter("review: {always: true}\n")  # may_train defaults to false
    trainer.decide(trainer.ask_with(Q1, A1), "approve")
    refused = trainer.build()
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "training_not_allowed"
    assert trainer.build(role="app").json()["error"]["code"] == "role_not_allowed"
    with trainer.platform.rt.engine.connect() as conn:
        assert conn.execute(select(training_datasets.c.id)).first() is None


def test_dp7_records_without_consent_are_left_out(trainer: Trainer) -> None:
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    said_yes = trainer.ask_with(Q1, A1, consent="true")
    said_nothing = trainer.ask_with(Q2, A2, consent=None)
    said_no = trainer.ask_with(Q3, A3, consent="false")
    for review_id in (said_yes, said_nothing, said_no):
        trainer.decide(review_id, "approve")
    built = trainer.build().json()
    assert built["examples"] == 1 and built["summary"]["left_out"] == {"no_consent": 2}
    assert _lines(trainer.export(built["id"]).content)[0]["messages"][0]["content"] == Q1
    # consent given afterwards with feedback counts; implied consent takes all but an explicit "false"
    interaction_id, _ = _lineage(trainer, said_nothing)
    r = trainer.http.post("/v1/feedback", json={"interaction_id": interaction_id, "rating": "helpful",
                                                 "consent": True}, headers=trainer.auth())
    assert r.status_code == 201, r.text
    assert trainer.build().json()["examples"] == 2
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER) + "training_consent: implied\n")
    assert trainer.build().json()["examples"] == 2  # said_no stays out
    bad = trainer.http.post("/v1/chat/completions", json={"model": "mock", "messages": [
        {"role": "user", "content": Q1}]}, headers={**trainer.auth(), "x-charter-training-consent": "maybe"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "x-charter-training-consent"


def test_dp7_nothing_usable_is_a_404_with_its_own_code(trainer: Trainer) -> None:
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    trainer.decide(trainer.ask_with(Q1, A1), "approve")
    refused = trainer.build("dpo")  # an approval without an edit makes no pair
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "no_training_examples"


def test_dp7_personal_data_in_an_edit_is_scrubbed_before_it_is_stored(trainer: Trainer) -> None:
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    review_id = trainer.ask_with("My SSN is 123-45-6789, is my refund late?", A3)
    trainer.decide(review_id, "edit", text="For SSN 123-45-6789 write to jane.doe@example.org.")
    built = trainer.build().json()
    body = trainer.export(built["id"]).content.decode()
    assert "123-45-6789" not in body and "jane.doe@example.org" not in body
    assert "<EMAIL_ADDRESS>" in body
    with trainer.platform.rt.engine.connect() as conn:
        stored = " ".join(str(r) for r in conn.execute(select(training_datasets)).all())
    assert "123-45-6789" not in stored


def test_dp7_an_upheld_appeal_correction_becomes_an_example_and_a_pair(trainer: Trainer) -> None:
    trainer.charter(BASE_CHARTER.removeprefix(BASE_CHARTER) + "review: {always: false, sample_rate: 0.0}\n"
                    "may_train: true\n")
    trainer.platform.upstream.reply = A1
    asked = trainer.ask(Q1)
    assert asked.status_code == 200, asked.text
    interaction_id = asked.headers["x-charter-interaction-id"]
    r = trainer.http.post("/v1/feedback", json={
        "interaction_id": interaction_id, "rating": "unhelpful", "correction": "The deadline is June 15.",
        "appeal": True, "consent": True}, headers=trainer.auth())
    assert r.status_code == 201, r.text
    appeal_id = r.json()["review"]["id"]
    assert trainer.build().status_code == 404  # a correction nobody reviewed gives nothing
    trainer.decide(appeal_id, "reject", reason="the deadline moved")
    sft = trainer.build().json()
    assert _lines(trainer.export(sft["id"]).content) == [
        {"messages": [{"role": "user", "content": Q1}, {"role": "assistant", "content": "The deadline is June 15."}]}
    ]
    pairs = _lines(trainer.export(trainer.build("dpo").json()["id"]).content)
    assert pairs[0]["chosen"][0]["content"] == "The deadline is June 15." and pairs[0]["rejected"][0]["content"] == A1
    lineage = trainer.http.get(f"/api/v1/training/datasets/{sft['id']}", headers=trainer.auth("developer")).json()
    example = lineage["lineage"][0]
    assert (example["source"], example["interaction_id"], example["review_id"], example["feedback_id"]) == (
        "appeal-correction", interaction_id, appeal_id, r.json()["id"])
    assert example["decision_id"] == _lineage(trainer, appeal_id)[1]


def test_dp5_erasure_removes_the_subjects_examples_and_taints_the_version(trainer: Trainer) -> None:
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER))
    trainer.decide(trainer.ask_with(Q1, A1, user="alice@example.org"), "approve")
    trainer.decide(trainer.ask_with(Q2, A2, user="bob@example.org"), "approve")
    built = trainer.build().json()
    assert built["examples"] == 2
    erased = trainer.http.post("/api/v1/subjects/erase", json={"subject": "alice@example.org", "reason": "request"},
                               headers=trainer.auth("admin"))
    assert erased.status_code == 200, erased.text
    assert erased.json()["counts"]["training_examples"] == 1
    shown = trainer.http.get(f"/api/v1/training/datasets/{built['id']}", headers=trainer.auth("developer")).json()
    assert shown["tainted_at"] is not None and shown["erased_examples"] == 1 and len(shown["lineage"]) == 1
    exported = trainer.export(built["id"])
    assert [r["messages"][0]["content"] for r in _lines(exported.content)] == [Q2]
    assert exported.headers["x-charter-dataset-sha256"] != built["sha256"]
    rebuilt = trainer.build().json()  # alice's review text is gone: the next version cannot hold it
    assert (rebuilt["version"], rebuilt["examples"], rebuilt["created"]) == (2, 1, True)


def test_dp5_retention_removes_examples_of_expired_reviews(trainer: Trainer) -> None:
    trainer.charter(TRAINABLE.removeprefix(BASE_CHARTER) + "retention_days: 30\n")
    trainer.decide(trainer.ask_with(Q1, A1), "approve")
    built = trainer.build().json()
    expire_content(trainer.platform.rt, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1), pause_s=0)
    assert trainer.export(built["id"]).content.decode().count("\n") == 1  # not yet due
    expire_content(trainer.platform.rt, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=31), pause_s=0)
    shown = trainer.http.get(f"/api/v1/training/datasets/{built['id']}", headers=trainer.auth("developer")).json()
    assert (shown["lineage"], shown["erased_examples"]) == ([], 1) and shown["tainted_at"] is not None
    assert trainer.export(built["id"]).content == b""

"""Feedback, appeals, training export, expert scoring, auto-suspend, incidents and metrics over HTTP."""

from __future__ import annotations

from sqlalchemy import select

from charter.ledger.tables import ledger_entries
from charter.oversight.tables import feedback
from charter.store.schema import controls
from tests.integration.oversight.conftest import Desk

RELEASE = "review: {always: false, sample_rate: 0.0}\n"


def _answered(desk: Desk, text: str = "When is the filing deadline?") -> str:
    r = desk.ask(text)
    assert r.status_code == 200, r.text
    return r.headers["x-charter-interaction-id"]


def _feedback(desk: Desk, role: str = "app", **body: object):
    return desk.http.post("/v1/feedback", json=body, headers=desk.auth(role))


def test_ho7_appeal_opens_a_review_item_linked_to_the_interaction(desk: Desk) -> None:
    desk.charter(RELEASE)
    reply = desk.platform.upstream.reply
    interaction_id = _answered(desk)
    r = _feedback(
        desk,
        interaction_id=interaction_id,
        rating="unhelpful",
        reasons=["wrong office"],
        comment="The passport office moved.",
        appeal=True,
    )
    assert r.status_code == 201, r.text
    review = r.json()["review"]
    assert review["status"] == "pending" and review["status_url"] == f"/v1/reviews/{review['id']}"
    item = desk.next()
    assert item is not None and item["id"] == review["id"]
    assert (item["kind"], item["interaction_id"]) == ("appeal", interaction_id)
    assert item["proposed_answer"] == reply
    assert item["appeal"]["comment"] == "The passport office moved."
    assert item["question"] == [{"role": "user", "content": "When is the filing deadline?"}]
    assert desk.status(review["id"]).status_code == 202
    desk.review("edit", review["id"], text="Renew at the new office on Main Street.")
    assert desk.status(review["id"]).json()["choices"][0]["message"]["content"] == (
        "Renew at the new office on Main Street."
    )
    again = _feedback(desk, interaction_id=interaction_id, appeal=True)
    assert again.json()["review"]["id"] != review["id"]  # the first appeal is decided: a new one opens


def test_ho7_feedback_only_from_the_asking_application(desk: Desk) -> None:
    desk.charter(RELEASE)
    interaction_id = _answered(desk)
    assert _feedback(desk, role="reviewer", interaction_id=interaction_id, rating="helpful").status_code == 403
    assert _feedback(desk, interaction_id="int_missing", rating="helpful").status_code == 404
    assert _feedback(desk, interaction_id=interaction_id, rating="great").status_code == 400
    ok = _feedback(desk, role="app2", interaction_id=interaction_id, rating="helpful", reasons=["clear"])
    assert ok.status_code == 201 and ok.json()["review_id"] is None


def test_dp7_corrections_leave_only_with_may_train_and_consent(desk: Desk) -> None:
    desk.charter(RELEASE)
    interaction_id = _answered(desk)
    _feedback(desk, interaction_id=interaction_id, correction="Deadline is April 30.", consent=True)
    _feedback(desk, interaction_id=interaction_id, correction="Private: my SIN is 046 454 286.", consent=False)
    with desk.platform.rt.engine.connect() as conn:
        sealed = [str(s) for s in conn.execute(select(feedback.c.sealed_correction)).scalars()]
    assert all("April 30" not in s and "046 454 286" not in s for s in sealed)
    url = "/api/v1/usecases/tax-helpdesk/corrections/export"
    refused = desk.http.post(url, json={}, headers=desk.auth("admin"))
    assert refused.status_code == 403
    desk.charter(RELEASE + "may_train: true\n")
    exported = desk.http.post(url, json={"purpose": "evaluation"}, headers=desk.auth("admin"))
    assert exported.status_code == 200, exported.text
    assert [e["correction"] for e in exported.json()] == ["Deadline is April 30."]
    with desk.platform.rt.engine.connect() as conn:
        actions = list(
            conn.execute(
                select(ledger_entries.c.action).where(ledger_entries.c.action == "feedback.exported")
            ).scalars()
        )
    assert actions == ["feedback.exported"]


def test_me3_sampled_answers_go_to_the_expert_scoring_queue(desk: Desk) -> None:
    desk.charter("review: {sample_rate: 1.0, accuracy_weight: 0.5, citation_weight: 0.5}\n")
    desk.platform.upstream.reply = "Renew online. It takes ten days. Fees apply."
    interaction_id = _answered(desk)
    r = desk.http.post("/api/v1/samples/next", headers=desk.auth("reviewer"))
    sample = r.json()["item"]
    assert sample["interaction_id"] == interaction_id
    assert sample["sentences"] == ["Renew online.", "It takes ten days.", "Fees apply."]
    url = f"/api/v1/samples/{sample['id']}/score"
    wrong = desk.http.post(url, json={"sentence_scores": [1.0]}, headers=desk.auth("reviewer"))
    assert wrong.status_code == 400
    scored = desk.http.post(
        url, json={"sentence_scores": [1.0, 0.5, 0.0], "citation_score": 1.0}, headers=desk.auth("reviewer")
    )
    assert scored.status_code == 200, scored.text
    assert scored.json()["accuracy"] == 0.5 and scored.json()["total"] == 0.75
    dataset = desk.http.get("/api/v1/usecases/tax-helpdesk/expert-scores", headers=desk.auth("developer")).json()
    assert [(d["interaction_id"], d["total"]) for d in dataset] == [(interaction_id, 0.75)]
    metrics = desk.http.get("/api/v1/usecases/tax-helpdesk/oversight", headers=desk.auth("admin")).json()
    assert metrics["expert_scores"]["scored"] == 1 and metrics["expert_scores"]["mean_total"] == 0.75


def test_ho5_negative_feedback_suspends_the_use_case_and_opens_an_incident(desk: Desk) -> None:
    desk.charter(RELEASE + "suspend_when: {window_minutes: 60, min_events: 3, negative_feedback_rate: 0.5}\n")
    ids = [_answered(desk, f"question {i}") for i in range(3)]
    for i, interaction_id in enumerate(ids):
        _feedback(desk, interaction_id=interaction_id, rating="unhelpful" if i else "helpful")
    done = desk.sweep()
    assert [s["criterion"] for s in done["suspended"]] == ["negative_feedback_rate"]
    refused = desk.ask()
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "use_case_suspended"
    with desk.platform.rt.engine.connect() as conn:
        switch = conn.execute(select(controls).where(controls.c.target == "tax-helpdesk")).one()
    assert (switch.active, switch.actor) == (True, "auto-suspend")
    incidents = desk.http.get("/api/v1/incidents", headers=desk.auth("admin")).json()
    assert len(incidents) == 1 and incidents[0]["source"] == "auto-suspend" and incidents[0]["severity"] == "high"
    incident = desk.http.get(f"/api/v1/incidents/{incidents[0]['id']}", headers=desk.auth("auditor")).json()
    assert sorted(incident["interactions"]) == sorted(ids[1:])
    assert desk.sweep()["suspended"] == []  # already off

    denied = desk.http.post("/api/v1/usecases/tax-helpdesk/resume", json={"reason": "x"}, headers=desk.auth("reviewer"))
    assert denied.status_code == 403
    resumed = desk.http.post(
        "/api/v1/usecases/tax-helpdesk/resume",
        json={"reason": "office address fixed"},
        headers=desk.auth("admin"),
    )
    assert resumed.status_code == 200, resumed.text
    assert desk.ask().status_code == 200
    assert desk.sweep()["suspended"] == []  # the window starts again after the resume
    history = desk.http.get("/api/v1/suspensions", headers=desk.auth("auditor")).json()
    assert history[0]["resume_reason"] == "office address fixed" and history[0]["resumed_at"] is not None
    with desk.platform.rt.engine.connect() as conn:
        actions = set(conn.execute(select(ledger_entries.c.action)).scalars())
    assert {
        "use_case.suspended",
        "use_case.resumed",
        "incident.opened",
        "kill_switch.on",
        "kill_switch.off",
    } <= actions


def test_ho5_provider_failures_suspend_the_use_case(desk: Desk) -> None:
    desk.charter(RELEASE + "suspend_when: {min_events: 2, provider_failure_rate: 0.4}\n")
    desk.platform.upstream.fail_next(20, status=500)
    for _ in range(2):
        assert desk.ask().status_code == 502
    assert [s["criterion"] for s in desk.sweep()["suspended"]] == ["provider_failure_rate"]
    assert desk.ask().json()["error"]["code"] == "use_case_suspended"


def test_ho5_rates_below_the_limits_do_not_suspend(desk: Desk) -> None:
    desk.charter(RELEASE + "suspend_when: {min_events: 2, negative_feedback_rate: 0.5, guard_hit_rate: 0.1}\n")
    for i in range(2):
        _feedback(desk, interaction_id=_answered(desk, f"q{i}"), rating="helpful")
    assert desk.sweep()["suspended"] == []
    assert desk.ask().status_code == 200


def test_at6_incident_register_records_every_change(desk: Desk) -> None:
    desk.charter(RELEASE)
    interaction_id = _answered(desk)
    opened = desk.http.post(
        "/api/v1/incidents",
        headers=desk.auth("reviewer"),
        json={
            "title": "Wrong fee quoted",
            "severity": "medium",
            "kind": "near-miss",
            "near_miss_type": "caught-by-reviewer",
            "use_case": "tax-helpdesk",
            "interaction_ids": [interaction_id],
            "impact": "none: caught before release",
        },
    )
    assert opened.status_code == 201, opened.text
    inc = opened.json()
    assert (inc["status"], inc["kind"], inc["interactions"]) == ("open", "near-miss", [interaction_id])
    url = f"/api/v1/incidents/{inc['id']}"
    assert desk.http.patch(url, json={"severity": "high"}, headers=desk.auth("reviewer")).status_code == 403
    patched = desk.http.patch(
        url, json={"status": "investigating", "root_cause": "stale fee table"}, headers=desk.auth("admin")
    )
    assert patched.json()["status"] == "investigating"
    no_review = desk.http.post(f"{url}/close", json={"after_action": ""}, headers=desk.auth("admin"))
    assert no_review.status_code == 400
    closed = desk.http.post(
        f"{url}/close",
        json={"after_action": "Fee table now loaded from the registry."},
        headers=desk.auth("admin"),
    )
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"] is not None
    assert desk.http.patch(url, json={"severity": "low"}, headers=desk.auth("admin")).status_code == 409
    with desk.platform.rt.engine.connect() as conn:
        actions = list(
            conn.execute(
                select(ledger_entries.c.action)
                .where(ledger_entries.c.subject == inc["id"])
                .order_by(ledger_entries.c.seq)
            ).scalars()
        )
    assert actions == ["incident.opened", "incident.updated", "incident.closed"]


def test_at6_incident_patch_unknown_incident_is_404_not_503(desk: Desk) -> None:
    desk.charter(RELEASE)
    interaction_id = _answered(desk)
    for body in ({"interaction_ids": [interaction_id]}, {"interaction_ids": ["int_nope"]}, {"severity": "low"}):
        r = desk.http.patch("/api/v1/incidents/inc_nope", json=body, headers=desk.auth("admin"))
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "not_found"


def test_at6_incident_unknown_interaction_is_400_and_links_nothing(desk: Desk) -> None:
    desk.charter(RELEASE)
    interaction_id = _answered(desk)
    opened = desk.http.post(
        "/api/v1/incidents",
        json={"title": "Wrong fee", "interaction_ids": [interaction_id]},
        headers=desk.auth("admin"),
    )
    assert opened.status_code == 201, opened.text
    url = f"/api/v1/incidents/{opened.json()['id']}"
    r = desk.http.patch(
        url, json={"severity": "high", "interaction_ids": [interaction_id, "int_nope"]}, headers=desk.auth("admin")
    )
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["param"]) == ("invalid_value", "interaction_ids") and "int_nope" in error["message"]
    unchanged = desk.http.get(url, headers=desk.auth("admin")).json()
    assert (unchanged["severity"], unchanged["interactions"]) == ("medium", [interaction_id])
    for ids, code in ((["int_nope"], "invalid_value"), (["int_\x00"], "control_characters"),
                      (["i" * 500], "invalid_value")):  # never a 503 from the store, on either engine
        refused = desk.http.post(
            "/api/v1/incidents", json={"title": "Another", "interaction_ids": ids}, headers=desk.auth("admin")
        )
        assert refused.status_code == 400 and refused.json()["error"]["code"] == code, refused.text
    assert len(desk.http.get("/api/v1/incidents", headers=desk.auth("admin")).json()) == 1


def test_me6_oversight_metrics_per_use_case(desk: Desk) -> None:
    desk.charter("review: {always: true, sample_rate: 0.0}\n")
    ids = [desk.ask(f"q{i}").json()["review"]["id"] for i in range(4)]
    decisions = [("approve", {}), ("edit", {"text": "Edited answer."}), ("reject", {"reason": "wrong"})]
    for review_id, (verb, body) in zip(ids, decisions, strict=False):
        desk.review("claim", review_id)
        assert desk.review(verb, review_id, **body).status_code == 200
    m = desk.http.get("/api/v1/usecases/tax-helpdesk/oversight", headers=desk.auth("reviewer")).json()
    assert (m["held"], m["decided"], m["queue_depth"]) == (4, 3, 1)
    assert (m["approved"], m["edited"], m["rejected"]) == (1, 1, 1)
    assert m["override_rate"] == 0.6667 and m["rejection_rate"] == 0.3333 and m["edit_rate"] == 0.3333
    assert m["requests"] == 4 and m["appeal_rate"] == 0.0
    assert m["time_to_decision_s"]["p50"] >= 0 and m["time_to_decision_s"]["p95"] >= m["time_to_decision_s"]["p50"]
    assert desk.http.get("/api/v1/usecases/tax-helpdesk/oversight", headers=desk.auth("app")).status_code == 403


def test_ho5_revive_through_the_kill_switch_closes_the_suspension(desk: Desk) -> None:
    desk.charter(RELEASE + "suspend_when: {min_events: 2, negative_feedback_rate: 0.4}\n")
    for i in range(2):
        _feedback(desk, interaction_id=_answered(desk, f"q{i}"), rating="unhelpful")
    assert len(desk.sweep()["suspended"]) == 1
    revived = desk.http.post(
        "/api/v1/revive",
        json={"scope": "use_case", "target": "tax-helpdesk", "reason": "false alarm"},
        headers=desk.auth("admin"),
    )
    assert revived.status_code == 200, revived.text
    assert desk.sweep()["suspended"] == []  # old events no longer count
    assert desk.ask().status_code == 200
    history = desk.http.get("/api/v1/suspensions", headers=desk.auth("admin")).json()
    assert history[0]["resume_reason"] == "false alarm" and history[0]["resumed_by"] == desk.principal("admin").key_id


def test_at6_linking_interactions_to_a_closed_incident_is_409(desk: Desk) -> None:
    desk.charter(RELEASE)
    first, later = _answered(desk, "q1"), _answered(desk, "q2")
    opened = desk.http.post(
        "/api/v1/incidents", json={"title": "Wrong fee", "interaction_ids": [first]}, headers=desk.auth("admin")
    )
    assert opened.status_code == 201, opened.text
    url = f"/api/v1/incidents/{opened.json()['id']}"
    closed = desk.http.post(f"{url}/close", json={"after_action": "Fee table fixed."}, headers=desk.auth("admin"))
    assert closed.status_code == 200, closed.text
    for ids in ([later], [first], [later, "int_nope"]):  # a new link, an existing one, with an unknown id
        r = desk.http.patch(url, json={"interaction_ids": ids}, headers=desk.auth("admin"))
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "conflict"
    assert desk.http.get(url, headers=desk.auth("admin")).json()["interactions"] == [first]
    assert desk.http.patch(url, json={}, headers=desk.auth("admin")).status_code == 200  # nothing to change
    with desk.platform.rt.engine.connect() as conn:
        actions = list(
            conn.execute(select(ledger_entries.c.action).where(ledger_entries.c.subject == opened.json()["id"])
                         .order_by(ledger_entries.c.seq)).scalars()
        )
    assert actions == ["incident.opened", "incident.closed"]

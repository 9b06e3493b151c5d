"""`charter review|feedback|incidents --json` against the same store as a running gateway."""

from __future__ import annotations

import pytest

from tests.integration.oversight.conftest import Desk
from tests.support.cli import invoke_json as run
from tests.support.cli import use_store_of


@pytest.fixture
def cli(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Desk:
    use_store_of(monkeypatch, desk.platform.rt.settings)
    return desk


def test_ho1_cli_reviewer_works_the_queue(cli: Desk) -> None:
    cli.charter("review: {always: true}\n")
    review_id = cli.ask().json()["review"]["id"]
    key = cli.platform.keys["reviewer"]
    code, queue = run("review", "list", "--key", key)
    assert code == 0 and [r["id"] for r in queue] == [review_id]
    code, item = run("review", "next", "--key", key)
    assert code == 0 and item["id"] == review_id and item["proposed_answer"] == cli.platform.upstream.reply
    assert "AI system" in item["notice"]
    code, other = run("review", "approve", review_id, "--key", cli.platform.keys["reviewer2"])
    assert code == 1 and other["error"]["code"] == "conflict"  # claimed by the first reviewer
    code, done = run(
        "review", "edit", review_id, "--text", "Renew online at the passport office website.", "--key", key
    )
    assert code == 0 and done["status"] == "edited"
    assert cli.status(review_id).json()["choices"][0]["message"]["content"] == (
        "Renew online at the passport office website."
    )
    code, missing = run("review", "list")
    assert code == 1 and missing["error"]["code"] == "missing_api_key"
    code, app_key = run("review", "list", "--key", cli.platform.keys["app"])
    assert code == 1 and app_key["error"]["code"] == "role_not_allowed"
    code, metrics = run("review", "metrics", "tax-helpdesk", "--key", key)
    assert code == 0 and metrics["edited"] == 1 and metrics["queue_depth"] == 0


def test_at6_cli_incidents_and_feedback(cli: Desk) -> None:
    cli.charter("review: {sample_rate: 0.0}\n")
    interaction_id = cli.ask().headers["x-charter-interaction-id"]
    cli.http.post("/v1/feedback", json={"interaction_id": interaction_id, "rating": "unhelpful"}, headers=cli.auth())
    code, rows = run("feedback", "list", "tax-helpdesk", "--tenant", "agency")
    assert code == 0 and [(r["interaction_id"], r["rating"]) for r in rows] == [(interaction_id, "unhelpful")]
    code, refused = run("feedback", "export", "tax-helpdesk", "--tenant", "agency")
    assert code == 1 and refused["error"]["code"] == "out_of_scope"
    code, inc = run(
        "incidents",
        "open",
        "Bad answer about fees",
        "--tenant",
        "agency",
        "--severity",
        "low",
        "--use-case",
        "tax-helpdesk",
        "--interaction",
        interaction_id,
    )
    assert code == 0 and inc["interactions"] == [interaction_id] and inc["severity"] == "low"
    code, closed = run("incidents", "close", inc["id"], "--tenant", "agency", "--after-action", "Fee page fixed.")
    assert code == 0 and closed["status"] == "closed"
    code, listed = run("incidents", "list", "--tenant", "agency")
    assert code == 0 and [i["id"] for i in listed] == [inc["id"]]

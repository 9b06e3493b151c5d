"""``charter review`` for teams, assignments, progress and label scoring (docs/oversight.md), both stores."""

from __future__ import annotations

from pathlib import Path

from tests.integration.cli.test_cli import CHARTER_YAML, Cli, cli, ready
from tests.support.upstream import ScriptedUpstream

__all__ = ["cli", "ready"]


def test_ho1_teams_assignments_and_progress_from_the_cli(ready: Cli) -> None:
    admin = ready.json("keys", "create", "--role", "admin", "--tenant", "demo")
    reviewer = ready.json("keys", "create", "--role", "reviewer", "--tenant", "demo")
    refused = ready.json("review", "teams", "create", "night", "--key", reviewer["key"], code=1)
    assert refused["error"]["code"] == "role_not_allowed"
    team = ready.json("review", "teams", "create", "night", "--member", reviewer["id"], "--key", admin["key"])
    assert team["members"] == [reviewer["id"]]
    assigned = ready.json("review", "assign", "--use-case", "permits", "--team", "night", "--key", admin["key"])
    assert assigned["assignee_kind"] == "team" and assigned["assignee"] == "night"
    listed = ready.json("review", "assignments", "--key", reviewer["key"])
    assert [(a["use_case"], a["assignee"]) for a in listed] == [("permits", "night")]
    progress = ready.json("review", "progress", "--key", reviewer["key"])
    assert [(r["reviewer"], r["teams"], r["open"]) for r in progress] == [(reviewer["id"], ["night"], 0)]
    assert ready.json("review", "samples", "--key", reviewer["key"]) == []
    assert ready.json("review", "unassign", assigned["id"], "--key", admin["key"])["deleted"] is True
    gone = ready.json("review", "teams", "delete", "night", "--key", admin["key"])
    assert gone["deleted"] is True and ready.json("review", "teams", "list", "--key", admin["key"]) == []


def test_me3_a_sample_is_scored_sentence_by_sentence_from_the_cli(ready: Cli, tmp_path: Path,
                                                                   upstream: ScriptedUpstream) -> None:
    path = tmp_path / "sampled.yaml"
    path.write_text(CHARTER_YAML + "review: {sample_rate: 1.0}\n")
    ready.json("usecases", "apply", str(path))
    upstream.reply = "Permits take ten days. They cost nothing."
    assert ready.json("chat", "How long does a permit take?", "--use-case", "permits")["status"] == 200
    reviewer = ready.json("keys", "create", "--role", "reviewer", "--tenant", "demo")
    sample = ready.json("review", "sample-next", "--key", reviewer["key"])
    assert sample["sentences"] == ["Permits take ten days.", "They cost nothing."]
    scored = ready.json("review", "score", sample["id"], "--label", "correct", "--label", "wrong",
                        "--note", "", "--note", "the fee is 50", "--key", reviewer["key"])
    assert scored["accuracy"] == 0.5 and scored["labels"]["wrong"] == 1

"""The ``charter`` CLI (issue 2 item 10): every command, for people and with ``--json`` for scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from charter.cli.main import app
from tests.conftest import LOOPBACK_ALLOW
from tests.support.secrets import write_secrets
from tests.support.upstream import ScriptedUpstream

CHARTER_YAML = """\
name: permits
tenant: demo
description: Answers questions about building permits.
risk_tier: limited
classification_ceiling: internal
models: [mock]
regions: [local]
rate_limits: {requests_per_minute: 100, tokens_per_minute: 100000}
max_input_chars: 2000
"""


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def run(self, *args: str, code: int = 0) -> Any:
        result = self.runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    def json(self, *args: str, code: int = 0) -> Any:
        result = self.run(*args, "--json", code=code)
        return json.loads(result.stdout)


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch, database_url: str | None) -> Cli:
    monkeypatch.setenv("CHARTER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", json.dumps(LOOPBACK_ALLOW))
    if database_url:
        monkeypatch.setenv("CHARTER_DATABASE_URL", database_url)
    return Cli()


@pytest.fixture
def ready(cli: Cli, tmp_path: Path, upstream: ScriptedUpstream) -> Cli:
    """Initialised, with the scripted upstream registered as ``mock`` and the permits use case."""
    cli.json("init")
    cli.json("models", "add", "mock", "--endpoint", upstream.url, "--platform-model-id", "mock-model-7b",
             "--region", "local", "--classification", "confidential")
    path = tmp_path / "permits.yaml"
    path.write_text(CHARTER_YAML)
    cli.json("usecases", "apply", str(path))
    return cli


def test_init_json_prints_keys_once(cli):
    first = cli.json("init")
    assert first["created"] is True
    assert first["platform_admin_key"] and first["key"] and first["admin_key"]
    assert first["tenant"] == "demo" and first["use_case"] == "helpdesk"
    again = cli.json("init")
    assert again["created"] is False
    assert not any(k in again for k in ("platform_admin_key", "key", "admin_key"))
    human = cli.run("init")
    assert "Already initialised" in human.stdout


def test_usecases_apply_list_show_versions(ready, tmp_path):
    listed = ready.json("usecases", "list")
    assert {r["name"] for r in listed} >= {"helpdesk", "permits"}
    shown = ready.json("usecases", "show", "permits")
    assert json.dumps(shown).count("mock") >= 1
    path = tmp_path / "permits.yaml"
    same = ready.json("usecases", "apply", str(path))
    assert same["changed"] is False and same["version"] == 1
    path.write_text(CHARTER_YAML.replace("max_input_chars: 2000", "max_input_chars: 1500"))
    changed = ready.json("usecases", "apply", str(path))
    assert changed["changed"] is True and changed["version"] == 2
    history = ready.json("usecases", "show", "permits", "--versions")
    assert len(history if isinstance(history, list) else history["versions"]) == 2
    assert "permits" in ready.run("usecases", "list").stdout


def test_pc1_bad_charter_field_exits_1_naming_field_and_line(ready, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(CHARTER_YAML.replace("risk_tier: limited", "risk_tier: extreme"))
    out = ready.json("usecases", "apply", str(path), code=1)
    message = out["error"]["message"]
    assert out["error"]["code"] == "invalid_charter"
    assert "risk_tier" in message
    assert "line 4" in message, message
    human = ready.run("usecases", "apply", str(path), code=1)
    assert "risk_tier" in human.output


def test_sa1_keys_create_list_revoke(ready):
    created = ready.json("keys", "create", "--use-case", "permits", "--role", "app")
    assert created["prefix"] in created["key"]
    listed = ready.json("keys", "list")
    mine = [k for k in listed if k["id"] == created["id"]]
    assert len(mine) == 1 and mine[0]["revoked_at"] is None
    assert created["key"] not in json.dumps(listed)  # only prefixes, never the key
    ready.json("keys", "revoke", created["id"])
    after = [k for k in ready.json("keys", "list") if k["id"] == created["id"]]
    assert after[0]["revoked_at"] is not None
    asked = ready.json("chat", "hello", "--use-case", "permits", "--key", created["key"], code=1)
    assert asked["status"] == 401 and asked["error"]["code"] == "revoked_api_key"


def test_md1_models_add_list_disable(ready, upstream):
    models = ready.json("models", "list")
    assert [(m["alias"], m["platform_model_id"], m["enabled"]) for m in models] == [("mock", "mock-model-7b", True)]
    ready.json("models", "disable", "mock")
    assert [m["enabled"] for m in ready.json("models", "list")] == [False]
    refused = ready.json("chat", "hello", "--use-case", "permits", code=1)
    assert refused["status"] >= 400
    ready.json("models", "enable", "mock")
    assert ready.json("chat", "hello", "--use-case", "permits")["status"] == 200


def test_sa3_models_add_takes_a_secret_name_never_a_variable(ready, upstream):
    refused = ready.json("models", "add", "leak", "--endpoint", upstream.url, "--api-key-env", "CHARTER_DATABASE_URL",
                         code=1)
    assert refused["error"]["code"] == "unsupported_parameter" and "--secret" in refused["error"]["message"]
    refused = ready.json("models", "add", "leak", "--endpoint", upstream.url, "--secret", "openai-prod", code=1)
    assert refused["error"]["code"] == "secret_not_allowed"  # no secrets file: no secret to reference
    refused = ready.json("models", "add", "meta", "--endpoint", "http://169.254.169.254/latest", code=1)
    assert refused["error"]["code"] == "destination_not_allowed"
    assert [m["alias"] for m in ready.json("models", "list")] == ["mock"]


@pytest.mark.parametrize("command", [["init"], ["models", "list"], ["kb", "list"]])
def test_sa3_secrets_file_open_to_others_stops_every_command(cli, data_dir, command):
    path = write_secrets(data_dir, '[secrets.x]\nvalue = "v"\ntenants = "*"\nhosts = ["api.example.com"]\n')
    path.chmod(0o644)
    result = cli.run(*command, code=1)
    assert "secret_store_invalid" in result.output and f"chmod 600 {path}" in result.output.replace("\n", "")


def test_md2_chat_through_the_gateway(ready, upstream):
    out = ready.json("chat", "When do permits expire?", "--use-case", "permits")
    assert out["status"] == 200
    assert out["choices"][0]["message"]["content"] == upstream.reply
    assert out["charter"]["use_case"] == "permits" and out["charter"]["interaction_id"]
    assert upstream.requests[-1]["body"]["messages"][-1] == {"role": "user", "content": "When do permits expire?"}
    human = ready.run("chat", "When do permits expire?", "--use-case", "permits")
    assert upstream.reply in human.stdout.replace("\n", " ")


@pytest.mark.parametrize(("args", "code"), [
    ((), "service_suspended"),
    (("--use-case", "permits"), "use_case_suspended"),
    (("--model", "mock"), "model_suspended"),
])
def test_ho4_kill_and_revive(ready, upstream, args, code):
    before = len(upstream.requests)
    ready.json("kill", *args, "--reason", "drill")
    refused = ready.json("chat", "hello", "--use-case", "permits", code=1)
    assert refused["status"] == 503 and refused["error"]["code"] == code
    assert len(upstream.requests) == before
    ready.json("revive", *args)
    assert ready.json("chat", "hello", "--use-case", "permits")["status"] == 200
    assert len(upstream.requests) == before + 1


SIGN_OFF_WORKFLOW = """\
name: signoff
tenant: demo
use_case: permits
steps:
  - id: planner
    approval: {mode: each}
"""


def test_ho3_workflows_run_wait_approve_by_another_person_and_show(ready, tmp_path):
    path = tmp_path / "signoff.yaml"
    path.write_text(SIGN_OFF_WORKFLOW)
    assert ready.json("workflows", "apply", str(path), "--actor", "cli:alice")["version"] == 1
    started = ready.json("workflows", "run", "signoff", "--actor", "cli:alice")
    assert (started["status"], started["waiting_for"]) == ("waiting", "approval")
    ready.run("workflows", "approve", code=2)  # neither a run nor --batch: refused before the store opens
    ready.run("workflows", "approve", started["id"], "--batch", "b1", code=2)
    own = ready.json("workflows", "approve", started["id"], "--actor", "cli:alice", code=1)
    assert own["error"]["code"] == "same_principal"  # who started a run does not approve it
    done = ready.json("workflows", "approve", started["id"], "--actor", "cli:bob", "--comment", "fine")
    assert (done["id"], done["status"]) == (started["id"], "succeeded")
    shown = ready.json("workflows", "show", started["id"], "--actor", "cli:carol")
    assert [(s["step"], s["status"], s["actor"]) for s in shown["steps"]] == [("planner", "approved", "cli:bob")]

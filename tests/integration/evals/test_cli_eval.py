"""`charter eval` end to end: a run killed midway resumes without redoing finished items; the gate
exits non-zero for CI; datasets, suites, compare and the offline HTML report through the CLI.

Answers come from the scripted OpenAI-compatible upstream on loopback, through Charter's providers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from charter.evals.tables import eval_results, eval_runs

CHARTER = str(Path(sys.executable).parent / "charter")
pytestmark = pytest.mark.slow


def cli_env(platform) -> dict[str, str]:
    settings = platform.rt.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
    env.update(
        {
            "CHARTER_DATA_DIR": str(settings.data_dir),
            "CHARTER_EMBEDDED_MODEL": "none",
            "CHARTER_LLAMA_THREADS": "1",
            "CHARTER_DEMO": "false",
            "CHARTER_OUTBOUND_ALLOW": json.dumps(settings.outbound_allow),
            "USER": "alice",
        }
    )
    if settings.database_url:
        env["CHARTER_DATABASE_URL"] = settings.database_url
    return env


def charter(platform, *args: str, user: str = "alice", check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**cli_env(platform), "USER": user}
    done = subprocess.run([CHARTER, *args], capture_output=True, text=True, env=env, timeout=180)
    if check and done.returncode != 0:
        raise AssertionError(f"charter {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def _dataset(tmp_path: Path, n: int, reference: str) -> Path:
    path = tmp_path / "qa.jsonl"
    path.write_text(
        "".join(json.dumps({"input": f"Question {i}?", "reference": reference}) + "\n" for i in range(n)),
        encoding="utf-8",
    )
    return path


def _setup(platform, tmp_path: Path, n: int) -> None:
    charter(
        platform,
        "eval",
        "dataset",
        "import",
        str(_dataset(tmp_path, n, platform.upstream.reply)),
        "--name",
        "tax-qa",
        "--tenant",
        "agency",
    )
    charter(
        platform,
        "eval",
        "suite",
        "set",
        "--use-case",
        "tax-helpdesk",
        "--dataset",
        "tax-qa",
        "-e",
        "exact",
        "-e",
        "chrf",
        "--thresholds",
        '{"exact_match": {"min": 0.9, "max_drop": 0}}',
        "--tenant",
        "agency",
    )


def _stored(platform) -> int:
    with platform.rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(eval_results)).scalar_one())


def test_me_killed_run_resumes_without_redoing_items(platform, tmp_path):
    n = 24
    _setup(platform, tmp_path, n)
    platform.upstream.delay = 0.25
    proc = subprocess.Popen(
        [CHARTER, "eval", "run", "--use-case", "tax-helpdesk", "--tenant", "agency", "--concurrency", "2", "--json"],
        env=cli_env(platform),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while _stored(platform) < 6 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    before = _stored(platform)
    assert 6 <= before < n, f"killed too late or too early: {before} stored"
    with platform.rt.engine.connect() as conn:
        run = conn.execute(select(eval_runs)).one()
        done_items = set(conn.execute(select(eval_results.c.item_id)).scalars())
    assert run.status == "running"
    asked_before = Counter(r["body"]["messages"][-1]["content"] for r in platform.upstream.requests)
    platform.upstream.delay = 0.0
    resumed = json.loads(
        charter(platform, "eval", "run", "--resume", run.experiment_id, "--tenant", "agency", "--json").stdout
    )
    [summary] = resumed["runs"]
    assert summary["status"] == "finished" and summary["done"] == n
    assert summary["aggregates"]["exact_match"] == 1.0
    asked_after = Counter(r["body"]["messages"][-1]["content"] for r in platform.upstream.requests) - asked_before
    # nothing already stored was asked again; only the missing items (and those in flight at the kill)
    assert sum(asked_after.values()) == n - before
    with platform.rt.engine.connect() as conn:
        from charter.evals.tables import eval_items

        stored_before = {q for (q,) in conn.execute(select(eval_items.c.input).where(eval_items.c.id.in_(done_items)))}
    assert not stored_before & set(asked_after)
    assert _stored(platform) == n


def test_pc2_cli_promotion_flow_gate_exit_codes_compare_and_report(platform, tmp_path):
    _setup(platform, tmp_path, 5)
    prompt = tmp_path / "prompt.yaml"
    prompt.write_text("name: tax-answer\nuse_case: tax-helpdesk\ntemplate: You answer briefly.\n", encoding="utf-8")
    assert "tax-answer@1" in charter(platform, "prompts", "push", str(prompt), "--tenant", "agency").stdout
    first = json.loads(
        charter(
            platform,
            "eval",
            "run",
            "--use-case",
            "tax-helpdesk",
            "--prompt",
            "tax-answer@1",
            "--tenant",
            "agency",
            "--json",
        ).stdout
    )["runs"][0]
    assert first["aggregates"]["exact_match"] == 1.0
    # alice set the suite that gates alice's version: another person reviews and approves it first
    own_suite = charter(
        platform, "eval", "suite", "approve", "--use-case", "tax-helpdesk", "--tenant", "agency", check=False
    )
    assert own_suite.returncode == 1 and "same_principal" in own_suite.stderr
    charter(platform, "eval", "suite", "approve", "--use-case", "tax-helpdesk", "--tenant", "agency", user="bob")
    gate_ok = charter(
        platform, "eval", "gate", "--use-case", "tax-helpdesk", "--prompt", "tax-answer@1", "--tenant", "agency"
    )
    assert "PASS" in gate_ok.stdout
    refused = charter(
        platform, "prompts", "promote", "tax-answer", "--version", "1", "--tenant", "agency", check=False
    )  # alice wrote it, alice may not approve it
    assert refused.returncode == 1 and "same_principal" in refused.stderr and "approver" in refused.stderr
    charter(platform, "prompts", "promote", "tax-answer", "--version", "1", "--tenant", "agency", user="bob")

    prompt.write_text("name: tax-answer\nuse_case: tax-helpdesk\ntemplate: You ramble.\n", encoding="utf-8")
    charter(platform, "prompts", "push", str(prompt), "--tenant", "agency")
    platform.upstream.reply = "Something else entirely."
    second = json.loads(
        charter(
            platform,
            "eval",
            "run",
            "--use-case",
            "tax-helpdesk",
            "--prompt",
            "tax-answer@2",
            "--tenant",
            "agency",
            "--json",
        ).stdout
    )["runs"][0]
    assert second["aggregates"]["exact_match"] == 0.0
    gate_bad = charter(
        platform,
        "eval",
        "gate",
        "--use-case",
        "tax-helpdesk",
        "--prompt",
        "tax-answer@2",
        "--tenant",
        "agency",
        "--json",
        check=False,
    )
    assert gate_bad.returncode == 1
    failures = json.loads(gate_bad.stdout)["failures"]
    assert "exact_match 0 is below the minimum 0.9 by 0.9" in failures
    assert "exact_match dropped by 1 from the baseline 1 to 0: 1 more than the allowed 0" in failures
    blocked = charter(
        platform,
        "prompts",
        "promote",
        "tax-answer",
        "--version",
        "2",
        "--tenant",
        "agency",
        "--json",
        user="bob",
        check=False,
    )
    assert blocked.returncode == 1 and json.loads(blocked.stdout)["error"]["code"] == "gate_failed"
    shown = json.loads(charter(platform, "prompts", "show", "tax-answer", "--tenant", "agency", "--json").stdout)
    assert shown["labels"] == {"production": 1}

    compared = json.loads(
        charter(platform, "eval", "compare", first["run_id"], second["run_id"], "--tenant", "agency", "--json").stdout
    )
    assert compared["metrics"]["exact_match"]["regressed"] is True
    out = tmp_path / "report.html"
    charter(platform, "eval", "report", first["run_id"], second["run_id"], "--out", str(out), "--tenant", "agency")
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "Comparison" in html and "regressed" in html
    for remote in ("http://", "https://", "<script", "<link"):
        assert remote not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    diff = charter(platform, "prompts", "diff", "tax-answer", "1", "2", "--tenant", "agency").stdout
    assert "-You answer briefly." in diff and "+You ramble." in diff
    back = charter(
        platform, "prompts", "rollback", "tax-answer", "--label", "production", "--tenant", "agency", check=False
    )
    assert back.returncode == 1 and "no earlier version" in back.stderr


def test_md3_cli_model_change_the_operator_who_asks_cannot_approve(platform, tmp_path):
    """From the CLI the requester is the operator actor (cli:$USER), and the approver another one."""
    _setup(platform, tmp_path, 3)
    charter(platform, "eval", "suite", "approve", "--use-case", "tax-helpdesk", "--tenant", "agency", user="bob")
    charter(platform, "eval", "run", "--use-case", "tax-helpdesk", "--tenant", "agency", "--json")
    asked = json.loads(
        charter(
            platform, "eval", "model-change", "request", "--use-case", "tax-helpdesk", "--to", "mock",
            "--tenant", "agency", "--json",
        ).stdout
    )
    assert asked["requested_by"] == "cli:alice"
    own = charter(
        platform, "eval", "model-change", "approve", asked["id"], "--tenant", "agency", "--json", check=False
    )
    assert own.returncode == 1 and json.loads(own.stdout)["error"]["code"] == "same_principal"
    approved = json.loads(
        charter(
            platform, "eval", "model-change", "approve", asked["id"], "--tenant", "agency", "--json", user="bob"
        ).stdout
    )
    assert approved["passed"] is True and approved["subject"] == "use_case:tax-helpdesk:model mock->mock"

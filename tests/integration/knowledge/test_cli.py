"""`charter kb` end to end on a fresh `charter init` (SQLite): create, ingest, query, delete, versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from charter.cli.main import app

runner = CliRunner()


@pytest.fixture
def cli_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHARTER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    result = runner.invoke(app, ["init", "--json"])
    assert result.exit_code == 0, result.output
    return data_dir


def kb(*args: str) -> tuple[int, Any]:
    result = runner.invoke(app, ["kb", *args, "--json"])
    try:
        return result.exit_code, json.loads(result.stdout)
    except ValueError:
        return result.exit_code, result.output


def test_pc4_cli_ingests_a_folder_reports_bad_files_and_queries(cli_env: Path, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "permits.md").write_text("# Permits\n\nA resident parking permit costs 40 pounds a year.\n")
    (folder / "bins.txt").write_text("Bins are collected every Tuesday.\n")
    (folder / "broken.docx").write_bytes(b"not a zip")
    assert kb("create", "council", "--pii", "off")[0] == 0
    code, report = kb("ingest", "council", str(folder))
    assert code == 0, report
    assert report["version"] == 1 and sorted(a["file"] for a in report["added"]) == ["bins.txt", "permits.md"]
    assert [f["file"] for f in report["failed"]] == ["broken.docx"]
    code, again = kb("ingest", "council", str(folder / "bins.txt"))
    assert (code, again["changed"], again["skipped"][0]["reason"]) == (0, False, "unchanged")
    code, hits = kb("query", "council", "How much is a parking permit?", "--top-k", "1")
    assert code == 0 and len(hits) == 1 and "40 pounds" in hits[0]["text"]
    assert hits[0]["citation"]["marker"] == "[1]" and hits[0]["citation"]["kb_version"] == 1
    code, gone = kb("delete", "council", hits[0]["document_id"])
    assert code == 0 and gone["version"] == 2
    code, versions = kb("versions", "council")
    assert [(v["version"], v["kind"]) for v in versions] == [(1, "ingest"), (2, "delete")]
    code, error = kb("query", "nowhere", "x")
    assert code == 1 and error["error"]["code"] == "not_found"

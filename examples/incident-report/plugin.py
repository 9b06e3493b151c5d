"""The incident-report example's connectors as a Charter plugin: ``incident_report_check`` (reads
only: the report against ``report.schema.json``, and every statement's ``source_note`` naming one of
the notes) and ``incident_records_office`` (consequential, not idempotent: files the signed report)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from charter.connectors import CallContext, callable_connector
from charter.hookspecs import Register, hookimpl

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "report.schema.json").read_text())
FILED: list[dict[str, Any]] = []


def check_report(arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
    """Checks the report's schema and that every statement cites one of the notes."""
    report, notes = arguments["report"], arguments["notes"]
    jsonschema.validate(report, SCHEMA)  # a failure fails the step closed (connector_failed)
    known = {f"N{i}" for i in range(1, len(notes) + 1)}
    uncited = [s["text"] for s in report["statements"] if s["source_note"] not in known]
    if uncited:
        raise ValueError(f"{len(uncited)} statement(s) cite no note of this report")
    cited = sorted({s["source_note"] for s in report["statements"]})
    return {"statements": len(report["statements"]), "notes_cited": cited}


def file_report(arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
    """Files the signed report with the records office."""
    record_id = f"IR-{context.run_id[-8:]}"
    FILED.append({"record_id": record_id, **arguments})
    return {"record_id": record_id}


@hookimpl
def register_connectors(register: Register) -> None:
    register("incident_report_check", callable_connector(check_report, consequential=False, idempotent=True))
    register("incident_records_office", callable_connector(file_report, consequential=True, idempotent=False))

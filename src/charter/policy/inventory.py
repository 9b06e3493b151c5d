"""Inventory and transparency exports generated from the registry (MD-4, AT-5): the OMB AI use-case
inventory (JSON or CSV rows) and a system card per use case."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Connection

from charter.catalog import SERVING_STATES, list_models
from charter.domain import Charter
from charter.policy.service import get_charter, list_use_cases

__all__ = ["INVENTORY_COLUMNS", "inventory_csv", "inventory_rows", "system_card"]

#: Column order of the inventory export (OMB 2025 template names, then Charter's own).
INVENTORY_COLUMNS: tuple[str, ...] = (
    "use_case_name",
    "agency",
    "bureau",
    "topic_area",
    "purpose_and_benefits",
    "outputs",
    "stage",
    "is_high_impact",
    "high_impact_justification",
    "date_initiated",
    "date_deployed",
    "date_retired",
    "development_method",
    "vendor",
    "has_ato",
    "system_name",
    "uses_pii",
    "contact_email",
    "public_notice_url",
    "risk_tier",
    "classification_ceiling",
    "models",
    "regions",
    "human_review",
    "retention_days",
    "charter_version",
)


def _review_summary(charter: Charter) -> str:
    rule = charter.review
    parts = []
    if rule.always:
        parts.append("every answer reviewed before release")
    if rule.four_eyes:
        parts.append("two reviewers")
    if rule.on_guard_flag:
        parts.append("flagged answers reviewed")
    if rule.grounding_below is not None:
        parts.append(f"answers with grounding below {rule.grounding_below} reviewed")
    if rule.sample_rate:
        parts.append(f"{rule.sample_rate:.0%} of released answers scored by experts")
    return "; ".join(parts) or "none"


def _serves(model: dict[str, Any]) -> bool:
    """An entry outside the model registry, or a registered version in a serving state."""
    return model.get("registry_state") is None or model["registry_state"] in SERVING_STATES


def inventory_rows(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    rows = []
    models = list_models(conn, tenant_id)
    for uc in list_use_cases(conn, tenant_id):
        _, version, charter = get_charter(conn, tenant_id, uc["name"])
        inv = charter.inventory.model_dump(mode="json")
        used = sorted(
            {f"{m['alias']} ({m['platform_model_id']} v{m['version']})" for m in models
             if m["alias"] in charter.models and _serves(m)}
        )
        row = {
            "use_case_name": charter.name,
            **inv,
            "is_high_impact": charter.is_high_impact,
            "risk_tier": charter.risk_tier.value,
            "classification_ceiling": charter.classification_ceiling,
            "models": "; ".join(used),
            "regions": "; ".join(charter.regions),
            "human_review": _review_summary(charter),
            "retention_days": charter.retention_days,
            "charter_version": version,
        }
        rows.append({column: row.get(column) for column in INVENTORY_COLUMNS})
    return rows


def inventory_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(INVENTORY_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def system_card(conn: Connection, tenant_id: str, name: str) -> str:
    """A plain-language card: purpose, models, limits, oversight, records (EU AI Act Art. 13)."""
    _, version, charter = get_charter(conn, tenant_id, name)
    models = [m for m in list_models(conn, tenant_id) if m["alias"] in charter.models and _serves(m)]
    inv = charter.inventory
    guards = ", ".join(f"{g} ({p.action.value})" for g, p in charter.guards.items()) or "none configured"
    lines = [
        f"# System card: {charter.name} (charter version {version})",
        "",
        f"**Agency:** {inv.agency or charter.tenant}  ",
        f"**Stage:** {inv.stage}  ",
        f"**Risk tier:** {charter.risk_tier.value}  ",
        f"**Highest data classification:** {charter.classification_ceiling}",
        "",
        "## Purpose",
        inv.purpose_and_benefits or charter.description or "(not stated)",
        "",
        "## Outputs",
        inv.outputs or "(not stated)",
        "",
        "## Models",
        *[
            f"- {m['alias']}: {m['platform_model_id']} version {m['version']}, hosted in {m['region']}, "
            f"cleared for {m['classification_ceiling']}, context {m['context_window']} tokens"
            + ("" if m["enabled"] else " (disabled)")
            for m in models
        ],
        "",
        "## Limits",
        f"- Input at most {charter.max_input_chars} characters; {charter.rate_limits.requests_per_minute} requests "
        f"and {charter.rate_limits.tokens_per_minute} tokens per minute per key.",
        f"- Models only in regions: {', '.join(charter.regions)}.",
        "- Language models can state false things confidently; answers are checked by the guards and people below.",
        "",
        "## Safeguards and oversight",
        f"- Guards: {guards}.",
        f"- Human review: {_review_summary(charter)}.",
        f'- When unavailable, users are told: "{charter.outage_message}"',
        "",
        "## Records",
        "- Every call is recorded before its answer is released: hashes and lengths in an analytics tier, the full "
        "text encrypted (AES-GCM) and readable only by auditors, each read itself recorded.",
        "- Every record and change is an entry in a tamper-evident ledger with signed checkpoints; an outside "
        "auditor can verify it offline with `charter-verify`.",
        f"- The text of questions, answers, reviewed answers and corrections is deleted {charter.retention_days} "
        "days after it was recorded (checked hourly; the encrypted copy's key is destroyed with it), except "
        "while the agency is under a legal hold and while an answer still awaits a person's review. The "
        "analytics tier (hashes, lengths, tokens, guard verdicts, no text) and the ledger stay for audit.",
        "",
        f"Contact: {inv.contact_email or '(not stated)'}",
        "",
    ]
    return "\n".join(lines)

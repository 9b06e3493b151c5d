"""``charter init``: the data directory, schema, keys, and on first run a demo tenant to try things on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from charter.catalog import ModelSpec, add_model
from charter.files import exposed_paths
from charter.interactions.crypto import KeyRing
from charter.ledger.keys import ensure_keys
from charter.policy import service as policy
from charter.principals.keys import create_key
from charter.providers.embedded import EMBEDDED_MODELS
from charter.runtime import Runtime
from charter.store.schema import tenants

__all__ = ["DEMO_CHARTER", "init"]

DEMO_TENANT = "demo"
DEMO_USE_CASE = "helpdesk"
DEMO_CHARTER = """\
name: helpdesk
tenant: demo
description: A demo citizen helpdesk answered by the embedded model.
risk_tier: limited
classification_ceiling: internal
models: [smollm2]
regions: [local]
system_prompt: You are a helpful assistant for a public agency. Answer briefly and say when you are unsure.
guards:
  # personal data in a question never reaches the model; the caller gets its own values back,
  # its identifiers, phone numbers and e-mail addresses masked ("***-**-6789": restore: masked).
  # What identifies or reaches a person is redacted (names, contact details, street addresses,
  # identifiers, dates of birth); the place, age, body or group a question is about is not, nor
  # a first name or a year (or month and year) of birth given alone ("hi, it's Gareth", "born
  # 1958", "born in June 1959"), which single no one out and which the answer needs (a pension's
  # age, a greeting in the caller's gender); a name with no cue and nothing else personal beside it
  # is a hospital's, a programme's or a place's far more often than a person's ("refer me to Chris
  # Hani Baragwanath", "does Linda Mama still exist?"), so a name counts when corroborated
  pii: {action: redact, options: {mode: pseudonymise, restore: masked, skip_entities: [LOCATION, AGE,
    ORGANIZATION, NRP, TITLE, ZIP_CODE, URL], birth_years: keep, given_names: keep, names: corroborated}}
  # an attempt to override the helpdesk's instructions is refused: 400 content_filter
  injection: {action: block}
  # answers: hate or threats cut the answer (finish_reason content_filter), personal data the
  # caller did not give is replaced, the system prompt is never recited
  toxicity: {action: block}
  pii_leak: {action: redact}
  prompt_leak: {action: block}
retention_days: 365
rate_limits: {requests_per_minute: 120, tokens_per_minute: 200000}
max_input_chars: 4000
inventory:
  agency: Demo Agency
  topic_area: Government services
  purpose_and_benefits: Answers routine questions at any hour.
  outputs: Short text answers.
  stage: pilot
  is_high_impact: false
"""


def _demo_model(settings_model: str, context: int) -> ModelSpec | None:
    if settings_model == "none":
        return None
    spec = EMBEDDED_MODELS[settings_model]
    return ModelSpec(
        alias=settings_model,
        provider="embedded",
        endpoint=f"embedded://{settings_model}",
        platform_model_id=spec.filename,
        version="1",
        region="local",
        classification_ceiling="secret",
        context_window=context,
    )


def init(rt: Runtime) -> dict[str, Any]:
    """Idempotent. Returns what was created; keys appear only the first time (they are not stored)."""
    settings = rt.settings
    KeyRing.open_or_create(settings.effective_raw_key_file)
    ensure_keys(rt.settings)
    result: dict[str, Any] = {
        "data_dir": str(settings.data_dir),
        "database": settings.effective_database_url if settings.is_sqlite else "postgresql",
        "created": False,
    }

    def first_run(conn: Connection) -> dict[str, Any] | None:
        if conn.execute(select(tenants.c.id).where(tenants.c.name == policy.PLATFORM_TENANT)).first() is not None:
            return None
        platform_id = policy.ensure_tenant(conn, policy.PLATFORM_TENANT, display_name="Platform", actor="init")
        admin = create_key(
            conn, tenant_id=platform_id, role="admin", actor="init", name="platform admin", platform=True
        )
        created: dict[str, Any] = {"created": True, "platform_admin_key": admin.key}
        if not settings.demo:
            return created
        demo = _demo_model(settings.embedded_model, settings.llama_context)
        charter_text = DEMO_CHARTER
        tenant_id = policy.ensure_tenant(conn, DEMO_TENANT, display_name="Demo Agency", actor="init")
        if demo is not None:
            add_model(conn, tenant_id, demo, actor="init")
            charter_text = charter_text.replace("[smollm2]", f"[{demo.alias}]")
        applied = policy.apply_charter(conn, charter_text, actor="init")
        uc_id = policy.get_use_case(conn, tenant_id, DEMO_USE_CASE)["id"]
        app_key = create_key(conn, tenant_id=tenant_id, role="app", actor="init", use_case_id=uc_id, name="demo app")
        admin_key = create_key(conn, tenant_id=tenant_id, role="admin", actor="init", name="demo admin")
        created.update(
            tenant=DEMO_TENANT,
            use_case=DEMO_USE_CASE,
            charter_version=applied["version"],
            model=demo.alias if demo else None,
            key=app_key.key,
            admin_key=admin_key.key,
        )
        return created

    created = rt.writer.write(first_run)
    if created:
        result.update(created)
    # group/other access to the data directory, the database or a key file (docs/operations.md)
    result["permission_warnings"] = exposed_paths(settings)
    return result


"""Prompt versions are immutable and content-hashed; labels move; rollback is one action (PC-1)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from charter.errors import Conflict, InvalidRequest, NotFound
from charter.ledger.tables import ledger_entries
from charter.prompts import versions
from charter.prompts.promotion import Promotion, promote
from charter.prompts.spec import PromptSpec, parse_prompt_file

FILE = """\
name: tax-answer
use_case: tax-helpdesk
template: |
  You answer for {{ agency }}.
variables:
  properties: {agency: {type: string, default: the Revenue Agency}}
model_params: {temperature: 0.1}
thresholds: {exact_match: {min: 0.5}}
message: first
"""


def _push(agency, text=FILE, actor="alice"):
    spec = parse_prompt_file(text)
    return agency.write(lambda c: versions.push(c, agency.tenant_id, spec, actor=actor))


def _actions(agency):
    with agency.rt.engine.connect() as conn:
        return [
            r.action
            for r in conn.execute(
                select(ledger_entries.c.action)
                .where(ledger_entries.c.tenant_id == agency.tenant_id)
                .order_by(ledger_entries.c.seq)
            )
        ]


def test_pc1_push_creates_versions_and_is_idempotent_on_content(agency):
    first = _push(agency)
    assert first["created"] and first["version"] == 1 and len(first["sha256"]) == 64
    again = _push(agency, FILE.replace("message: first", "message: same content"))
    assert again["created"] is False and again["id"] == first["id"]
    second = _push(agency, FILE.replace("You answer", "You kindly answer"))
    assert second["version"] == 2 and second["sha256"] != first["sha256"]
    third = _push(agency, FILE.replace("min: 0.5", "min: 0.6"))  # thresholds are part of the version
    assert third["version"] == 3
    assert _actions(agency).count("prompt.pushed") == 3
    with agency.rt.engine.connect() as conn:
        v1 = versions.get_version(conn, agency.tenant_id, "tax-answer", version=1)
    assert v1.template == "You answer for {{ agency }}.\n" and v1.author == "alice" and v1.message == "first"


def test_pc1_push_refuses_bad_templates_and_fields():
    with pytest.raises(InvalidRequest, match="exactly one"):
        parse_prompt_file("name: x\n")
    with pytest.raises(InvalidRequest, match="thresholds"):
        parse_prompt_file("name: x\ntemplate: hi\nthresholds: {bleu: {above: 3}}\n")
    with pytest.raises(InvalidRequest, match="model parameter"):
        parse_prompt_file("name: x\ntemplate: hi\nmodel_params: {logit_bias: 1}\n")


def test_pc1_push_refuses_includes(agency):
    spec = PromptSpec(name="evil", template="{% include '/etc/passwd' %}")
    with pytest.raises(InvalidRequest, match="include"):
        agency.write(lambda c: versions.push(c, agency.tenant_id, spec, actor="mallory"))


def test_pc1_diff_shows_template_and_threshold_changes(agency):
    _push(agency)
    _push(agency, FILE.replace("You answer", "You kindly answer").replace("min: 0.5", "min: 0.7"))
    with agency.rt.engine.connect() as conn:
        d = versions.diff_versions(conn, agency.tenant_id, "tax-answer", 1, 2)
    assert d["same"] is False
    assert "-You answer for {{ agency }}." in d["diff"] and "+You kindly answer for {{ agency }}." in d["diff"]
    assert '"min": 0.7' in d["diff"]


def test_pc1_staging_label_moves_freely_and_resolves(agency):
    _push(agency)
    _push(agency, FILE.replace("You answer", "You kindly answer"))
    moved = agency.write(
        lambda c: promote(c, agency.tenant_id, Promotion("tax-answer", 2, "staging", "alice"))
    )
    assert moved["moved"] and moved["gate"] is None
    with agency.rt.engine.connect() as conn:
        assert versions.resolve(conn, agency.tenant_id, "tax-answer:staging").version == 2
        assert versions.resolve(conn, agency.tenant_id, "tax-answer@1").version == 1
        assert versions.resolve(conn, agency.tenant_id, "tax-answer").version == 2
        listed = versions.list_prompts(conn, agency.tenant_id)
    assert listed == [
        {
            "name": "tax-answer",
            "use_case": "tax-helpdesk",
            "description": "",
            "latest": 2,
            "labels": {"staging": 2},
        }
    ]
    assert "prompt.label_moved" in _actions(agency)


def test_pc1_rollback_moves_the_label_back_in_one_action(agency):
    _push(agency)
    _push(agency, FILE.replace("You answer", "You kindly answer"))
    for v in (1, 2):
        agency.write(
            lambda c, v=v: promote(c, agency.tenant_id, Promotion("tax-answer", v, "staging", "alice"))
        )
    back = agency.write(
        lambda c: versions.rollback(
            c, agency.tenant_id, versions.Rollback("tax-answer", "bob", label="staging", reason="bad answers")
        )
    )
    assert back["version"] == 1 and back["kind"] == "rollback"
    with agency.rt.engine.connect() as conn:
        assert versions.get_version(conn, agency.tenant_id, "tax-answer", label="staging").version == 1
        history = versions.label_history(conn, agency.tenant_id, "tax-answer", "staging")
    assert [h["kind"] for h in history] == ["set", "set", "rollback"]
    assert _actions(agency)[-1] == "prompt.rolled_back"
    with pytest.raises(Conflict, match="never held"):
        _push(agency, FILE.replace("You answer", "You answer briefly"))
        agency.write(
            lambda c: versions.rollback(c, agency.tenant_id, versions.Rollback("tax-answer", "bob", "staging", 3))
        )


def test_pc1_unknown_prompt_and_label_say_how_to_fix(agency):
    with agency.rt.engine.connect() as conn, pytest.raises(NotFound, match="charter prompts push"):
        versions.get_version(conn, agency.tenant_id, "nope")
    _push(agency)
    with agency.rt.engine.connect() as conn, pytest.raises(NotFound, match="no label 'production'"):
        versions.get_version(conn, agency.tenant_id, "tax-answer", label="production")


def test_pc1_prompts_do_not_cross_tenants(agency):
    from charter.policy.service import ensure_tenant

    _push(agency)
    other = agency.write(lambda c: ensure_tenant(c, "other-agency"))
    with agency.rt.engine.connect() as conn:
        assert versions.list_prompts(conn, other) == []
        with pytest.raises(NotFound):
            versions.get_version(conn, other, "tax-answer")


def test_pc1_variables_schema_shape_is_checked_at_push():
    with pytest.raises(InvalidRequest, match=r"variables\.properties"):
        parse_prompt_file("name: x\ntemplate: hi\nvariables: {properties: nope}\n")
    with pytest.raises(InvalidRequest, match=r"variables\.required"):
        parse_prompt_file("name: x\ntemplate: hi\nvariables: {required: agency}\n")

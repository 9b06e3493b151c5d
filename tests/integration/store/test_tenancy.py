"""Every row belongs to a tenant, and no repository call returns another tenant's rows (both engines)."""

from __future__ import annotations

import pytest

from charter import catalog as models
from charter.bootstrap import DEMO_CHARTER
from charter.catalog import ModelSpec
from charter.errors import NotFound
from charter.interactions import service as interactions
from charter.policy import controls
from charter.policy import service as policy
from charter.principals import keys
from charter.store.tables import all_metadata


def _seed(rt, tenant: str) -> str:
    text = DEMO_CHARTER.replace("tenant: demo", f"tenant: {tenant}")

    def seed(conn):
        policy.apply_charter(conn, text, actor="t")
        tid = policy.tenant_id_for(conn, tenant)
        models.add_model(conn, tid, ModelSpec(alias="smollm2", region="local"), actor="t")
        keys.create_key(conn, tenant_id=tid, role="admin", actor="t")
        controls.set_control(conn, tid, "use_case", "helpdesk", True, actor="t")
        return tid

    return rt.writer.write(seed)


def test_every_table_has_a_tenant_column(runtime):
    tables = all_metadata().sorted_tables
    assert len(tables) >= 8
    assert [t.name for t in tables if "tenant_id" not in t.c] == []


def test_repositories_never_cross_tenants(runtime):
    a = _seed(runtime, "agency-a")
    b = _seed(runtime, "agency-b")
    with runtime.engine.connect() as conn:
        for tid, other in ((a, b), (b, a)):
            uc = policy.get_use_case(conn, tid, "helpdesk")
            assert uc["id"] != policy.get_use_case(conn, other, "helpdesk")["id"]
            assert len(policy.list_use_cases(conn, tid)) == 1
            own_models = models.list_models(conn, tid)
            others = {m["id"] for m in models.list_models(conn, other)}
            assert len(own_models) == 1 and own_models[0]["id"] not in others
            own_keys = {k["id"] for k in keys.list_keys(conn, tenant_id=tid)}
            assert own_keys and own_keys.isdisjoint({k["id"] for k in keys.list_keys(conn, tenant_id=other)})
            assert len(controls.list_controls(conn, tid)) == 1
            assert {e.tenant_id for e in models.load_entries(conn, tid)} == {tid}
            assert interactions.list_interactions(conn, tid) == []
        other_key = keys.list_keys(conn, tenant_id=b)[0]["id"]
    with pytest.raises(NotFound):
        runtime.writer.write(lambda c: keys.revoke_key(c, tenant_id=a, key_id=other_key, actor="t"))
    with pytest.raises(NotFound), runtime.engine.connect() as conn:
        interactions.get_interaction(conn, a, "int_does_not_exist")


def test_charter_versions_are_kept_and_unchanged_apply_is_a_no_op(runtime):
    first = runtime.writer.write(lambda c: policy.apply_charter(c, DEMO_CHARTER, actor="t"))
    again = runtime.writer.write(lambda c: policy.apply_charter(c, DEMO_CHARTER, actor="t"))
    changed = runtime.writer.write(lambda c: policy.apply_charter(
        c, DEMO_CHARTER.replace("max_input_chars: 4000", "max_input_chars: 500"), actor="t"))
    assert (first["version"], again["version"], again["changed"], changed["version"]) == (1, 1, False, 2)
    with runtime.engine.connect() as conn:
        tid = policy.tenant_id_for(conn, "demo")
        assert [v["version"] for v in policy.charter_history(conn, tid, "helpdesk")] == [1, 2]
        assert policy.get_charter(conn, tid, "helpdesk")[2].max_input_chars == 500

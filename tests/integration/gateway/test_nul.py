"""U+0000 (NUL) anywhere in a management request is a 400 ``control_characters``, on SQLite and on
PostgreSQL (which cannot store it: it used to surface as 503 store_unavailable or 500)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from charter.errors import InvalidRequest
from charter.oversight.tables import incidents
from charter.store.engine import unstorable_input


def _assert_nul(r, param=None):
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert set(r.json()) == {"error"}
    assert error["code"] == "control_characters" and error["type"] == "invalid_request_error"
    assert "U+0000" in error["message"]
    assert error["param"] == param


def _count(platform):
    with platform.rt.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(incidents)).scalar_one()


@pytest.mark.parametrize(
    ("method", "url", "body", "param"),
    [
        ("PATCH", "/api/v1/incidents/a%00b", {"status": "investigating"}, None),
        ("GET", "/api/v1/incidents/a%00b", None, None),
        ("GET", "/api/v1/interactions/int_%00", None, None),
        ("GET", "/api/v1/incidents?status=open%00", None, "status"),
        ("GET", "/api/v1/interactions?use_case=tax%00helpdesk", None, "use_case"),
        ("POST", "/api/v1/incidents", {"title": "a\u0000b"}, "title"),
        ("POST", "/api/v1/incidents", {"title": "ok", "interaction_ids": ["int_\u0000"]}, "interaction_ids.0"),
        ("POST", "/api/v1/keys", {"role": "app", "use_case": "tax\u0000"}, "use_case"),
        ("POST", "/api/v1/keys", {"role": "app", "na\u0000me": "x"}, "na\u0000me"),
    ],
    ids=["patch-path", "get-path", "interaction-path", "query", "query-2", "body-title", "body-list",
         "body-key-field", "body-key-name"],
)
def test_nul_is_400_control_characters_on_both_engines(http, platform, method, url, body, param):
    r = http.request(method, url, json=body, headers=platform.auth("admin"))
    _assert_nul(r, param)
    assert _count(platform) == 0


def test_patch_incident_with_nul_title_is_400_and_changes_nothing(http, platform):
    admin = platform.auth("admin")
    created = http.post("/api/v1/incidents", json={"title": "clean"}, headers=admin)
    assert created.status_code == 201, created.text
    iid = created.json()["id"]
    _assert_nul(http.patch(f"/api/v1/incidents/{iid}", json={"description": "x\u0000"}, headers=admin), "description")
    assert http.get(f"/api/v1/incidents/{iid}", headers=admin).json()["description"] == ""


def test_escaped_backslash_u0000_is_ordinary_text(http, platform):
    r = http.post("/api/v1/incidents", json={"title": "literally \\u0000"}, headers=platform.auth("admin"))
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "literally \\u0000"


def test_store_backstop_maps_postgres_nul_refusal_to_400(runtime):
    """What still reaches the store (the CLI, a route the edge does not parse) is the caller's 400 on
    PostgreSQL too, never 503 store_unavailable; SQLite simply stores it."""
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores NUL")
    with pytest.raises(InvalidRequest) as exc:
        runtime.writer.write(lambda c: c.execute(text("SELECT CAST(:x AS text)"), {"x": "a\x00b"}))
    assert exc.value.code == "control_characters"
    with pytest.raises(InvalidRequest):
        runtime.writer.write(lambda c: c.execute(text("SELECT CAST(:x AS jsonb)"), {"x": '{"a": "\\u0000"}'}))
    with runtime.engine.connect() as conn:  # a read: the API's DBAPIError handler maps it the same way
        try:
            conn.execute(text("SELECT CAST(:x AS text)"), {"x": "a\x00b"})
        except Exception as raised:
            refusal = unstorable_input(raised)
        assert refusal is not None and refusal.code == "control_characters"
    assert unstorable_input(ValueError("something else")) is None


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (b'{"title": "broken \\ud800 text"}', "title"),
        (b'{"title": "ok", "interaction_ids": ["int_\\uDC00"]}', "interaction_ids.0"),
    ],
    ids=["lone-high", "lone-low-in-list"],
)
def test_unpaired_surrogate_in_a_management_body_is_invalid_encoding(http, platform, body, param):
    """The same code as the chat route gives (``invalid_encoding``), before anything is stored."""
    r = http.post("/api/v1/incidents", content=body,
                  headers={**platform.auth("admin"), "content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid_encoding" and r.json()["error"]["param"] == param
    assert _count(platform) == 0


def test_a_valid_surrogate_pair_and_an_escaped_backslash_are_accepted(http, platform):
    body = b'{"title": "rocket \\ud83d\\ude80 and a literal \\\\ud800"}'
    r = http.post("/api/v1/incidents", content=body,
                  headers={**platform.auth("admin"), "content-type": "application/json"})
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "rocket \U0001f680 and a literal \\ud800"

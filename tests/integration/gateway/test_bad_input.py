"""Bad input gets a clear 4xx with an OpenAI-style error and a stable code — never a 5xx, never lost data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from charter.store.schema import interactions

GOOD = {"model": "mock", "messages": [{"role": "user", "content": "hi"}]}


def _post(http, platform, content: bytes | str, **headers):
    return http.post("/v1/chat/completions", content=content,
                     headers={**platform.auth(), "content-type": "application/json", **headers})


def _assert_error(r, status: int, code: str, param: str | None = None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["type"] and body["error"]["message"]
    if param is not None:
        assert body["error"]["param"] == param


@pytest.mark.parametrize(
    ("payload", "code", "param"),
    [
        (b'{"model": "mock", "messages": [', "invalid_json", None),
        (b"[1, 2, 3]", "invalid_type", None),
        (b'{"model": "mock", "messages": "hello"}', "invalid_type", "messages"),
        (b'{"model": 42, "messages": [{"role": "user", "content": "x"}]}', "invalid_type", "model"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": 5}]}', "invalid_type", "messages[0].content"),
        (b'{"model": "mock", "messages": [{"role": "wizard", "content": "x"}]}', "invalid_value", "messages[0].role"),
        (b'{"model": "mock", "messages": [], "temperature": 1}', "empty_messages", "messages"),
        (b'{"model": "mock"}', "missing_field", "messages"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "  "}]}', "empty_messages", "messages"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "x"}], "temperature": "hot"}',
         "invalid_type", "temperature"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "x"}], "temperature": 9}',
         "invalid_value", "temperature"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "x"}], "max_tokens": 2.5}',
         "invalid_type", "max_tokens"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}',
         "invalid_type", "stream"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "x"}], "frobnicate": 1}',
         "unknown_field", "frobnicate"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "a\\u0000b"}]}',
         "control_characters", "messages[0].content"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "bell\\u0007"}]}',
         "control_characters", "messages[0].content"),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "\\ud800"}]}', "invalid_encoding", None),
        (b'{"model": "mock", "messages": [{"role": "user", "content": "caf\xe9"}]}', "invalid_encoding", None),
        (b'{"model": "mock", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]}',
         "invalid_type", "messages[0].content[0]"),
    ],
    ids=["malformed-json", "not-an-object", "messages-not-list", "model-not-string", "content-not-string",
         "unknown-role", "empty-messages", "missing-messages", "blank-messages", "temperature-type",
         "temperature-range", "max-tokens-float", "stream-type", "unknown-field", "nul-char", "bell-char",
         "lone-surrogate", "invalid-utf8", "image-part"],
)
def test_bad_request_gets_stable_code(http, platform, payload, code, param):
    _assert_error(_post(http, platform, payload), 400, code, param)
    assert platform.upstream.requests == []


def test_unknown_model_is_404_model_not_found(http, platform):
    r = http.post("/v1/chat/completions", json={**GOOD, "model": "gpt-9"}, headers=platform.auth())
    _assert_error(r, 404, "model_not_found", "model")


def test_oversized_body_is_413(http, platform):
    big = b'{"model": "mock", "messages": [{"role": "user", "content": "' + b"a" * 1_100_000 + b'"}]}'
    _assert_error(_post(http, platform, big), 413, "body_too_large")


def test_oversized_body_without_content_length_is_413(http, platform):
    def chunks():
        yield b'{"model": "mock", "messages": [{"role": "user", "content": "'
        for _ in range(20):
            yield b"a" * 60_000
        yield b'"}]}'

    r = http.post("/v1/chat/completions", content=chunks(),
                  headers={**platform.auth(), "content-type": "application/json"})
    _assert_error(r, 413, "body_too_large")


def test_pc6_input_over_charter_maximum_is_refused_and_recorded(http, platform):
    r = http.post("/v1/chat/completions", json={**GOOD, "messages": [{"role": "user", "content": "x" * 4001}]},
                  headers=platform.auth())
    _assert_error(r, 400, "input_too_long", "messages")
    assert platform.upstream.requests == []
    with platform.rt.engine.connect() as conn:
        statuses = conn.execute(select(interactions.c.status, interactions.c.error_code)).all()
    assert [(s.status, s.error_code) for s in statuses] == [("refused", "input_too_long")]


def test_pc7_context_window_exceeded_is_refused(http, platform):
    r = http.post("/v1/chat/completions", json={**GOOD, "max_tokens": 5000}, headers=platform.auth())
    _assert_error(r, 400, "context_length_exceeded", "messages")
    assert platform.upstream.requests == []


def test_hostile_unicode_is_accepted_as_text_not_an_error(http, platform):
    text = "Ｔａｘ ‮evil‬ 𝕿𝖊𝖝𝖙 ع‎ 🚀 zero\u200bwidth"
    r = http.post("/v1/chat/completions", json={**GOOD, "messages": [{"role": "user", "content": text}]},
                  headers=platform.auth())
    assert r.status_code == 200, r.text
    assert platform.upstream.requests[-1]["body"]["messages"][-1]["content"] == text


def test_unknown_route_and_wrong_method_use_the_error_shape(http, platform):
    _assert_error(http.get("/v1/nothing-here"), 404, "not_found")
    _assert_error(http.get("/v1/chat/completions", headers=platform.auth()), 405, "method_not_allowed")


def test_management_api_bad_bodies_are_400_with_codes(http, platform):
    admin = platform.auth("admin")
    _assert_error(http.post("/api/v1/keys", content=b"{", headers={**admin, "content-type": "application/json"}),
                  400, "invalid_json")
    _assert_error(http.post("/api/v1/keys", json={"role": "wizard"}, headers=admin), 400, "invalid_value", "role")
    _assert_error(http.post("/api/v1/keys", json={"role": "app", "colour": 1}, headers=admin), 400, "unknown_field",
                  "colour")
    _assert_error(http.post("/api/v1/models", json={"alias": 5}, headers=admin), 400, "invalid_type", "alias")
    _assert_error(http.post("/api/v1/keys", json={"role": "app", "name": "a\u0000b"}, headers=admin), 400,
                  "control_characters", "name")
    _assert_error(http.post("/api/v1/incidents", json={"title": "\u0000"}, headers=admin), 400,
                  "control_characters", "title")
    _assert_error(http.patch("/api/v1/incidents/a%00b", json={"title": "x"}, headers=admin), 400,
                  "control_characters")
    _assert_error(http.get("/api/v1/interactions", params={"use_case": "a\u0000"}, headers=admin), 400,
                  "control_characters", "use_case")
    _assert_error(http.post("/api/v1/usecases", content=b'{"yaml": "name: a\\u0000"}',
                            headers={**admin, "content-type": "application/json"}), 400, "control_characters", "yaml")
    with platform.rt.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(interactions)).scalar() == 0


@pytest.fixture
def database_url():
    """Input checking happens before the store: SQLite is enough here."""
    return None

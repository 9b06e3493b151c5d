"""Schemathesis against Charter's own OpenAPI spec (issue 2 item 4, item 8).

Every operation in ``/openapi.json`` is fuzzed over real HTTP with real keys, so the authorised paths
run (an app key for ``/v1``, an admin key for ``/api/v1``), with data that fits the schema and data
that does not. Properties: never a 5xx, and every 4xx carries the one error shape
``{"error": {"message", "type", "param", "code"}}``. Each operation gets its own platform, so what
the fuzzer creates, revokes or switches off cannot leak into another operation's run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from charter.api.app import create_app
from charter.settings import Settings
from tests.conftest import Platform
from tests.support.live import LiveCharter

#: Examples per operation and generation mode; CHARTER_TEST_FUZZ_EXAMPLES raises it for a deeper run.
EXAMPLES = int(os.environ.get("CHARTER_TEST_FUZZ_EXAMPLES", "8"))
ERROR_KEYS = {"message", "type", "param", "code"}


def _operations() -> list[str]:
    spec = create_app(Settings(data_dir=Path("/nonexistent-charter-fuzz"), embedded_model="none")).openapi()
    return [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item
            if method in ("get", "post", "put", "patch", "delete")]


#: Operations with a known defect, reported to their owners; strict, so the mark goes once it is fixed.
KNOWN_DEFECTS: dict[str, str] = {}

OPERATIONS = [pytest.param(label, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[label]))
              if label in KNOWN_DEFECTS else label for label in _operations()]


def _key_for(path: str, platform: Platform) -> str:
    return platform.keys["app"] if path.startswith("/v1/") else platform.keys["admin"]


def _problem(case: Any, response: Any) -> str | None:
    """None when the response keeps the contract; otherwise what is wrong, with a reproduction."""
    status = response.status_code
    where = f"{case.method} {case.formatted_path} -> {status}"
    if status >= 500:
        return f"{where}: server error {response.text[:500]!r}\n{case.as_curl_command()}"
    if status >= 400:
        try:
            body = json.loads(response.content)
        except ValueError:
            return f"{where}: 4xx body is not JSON: {response.text[:300]!r}"
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or not set(error) >= ERROR_KEYS:
            return f"{where}: 4xx without the error shape: {response.text[:300]!r}"
        if not isinstance(error["code"], str) or not error["code"]:
            return f"{where}: 4xx without a stable code: {response.text[:300]!r}"
    return None


def _strategy(operation: Any) -> Any:
    modes = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # an operation with nothing to make invalid (no parameters, no body)
        modes.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    return st.one_of(*modes)


@pytest.mark.parametrize("label", OPERATIONS)
def test_sa1_openapi_fuzz_no_5xx_and_error_shape(label: str, live: LiveCharter, platform: Platform) -> None:
    method, path = label.split(" ", 1)
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    operation = schema[path][method]
    headers = {"authorization": f"Bearer {_key_for(path, platform)}"}
    problems: list[str] = []
    statuses: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=_strategy(operation))
    def run(case: Any) -> None:
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        response = case.call(base_url=live.url, headers=headers, timeout=30)
        statuses.append(response.status_code)
        problem = _problem(case, response)
        if problem is not None:
            problems.append(problem)

    run()
    assert not problems, "\n\n".join(dict.fromkeys(problems))
    # the key was accepted: the fuzzer reached past authentication
    assert any(code != 401 for code in statuses), statuses


# -- hostile callers: no key, the wrong role, bodies too large or too deep ------------------------
#: Roles that may not call an operation under each prefix (the gateway takes app and developer keys).
WRONG_ROLE = {"/v1/": "auditor", "/api/v1/": "app"}
DEEP = b"[" * 100_000 + b'"\\u0000"' + b"]" * 100_000


@pytest.mark.parametrize("caller", ["no key", "wrong role"])
def test_sa1_openapi_fuzz_without_a_key_or_with_the_wrong_role(caller: str, live: LiveCharter,
                                                               platform: Platform) -> None:
    """Schemathesis cases for every operation (valid and invalid), sent with no key or with a key of
    a role the operation's prefix does not take: never a 5xx, always the error shape, and without a
    key never anything but a refusal (401; 400/404 where the generated URL itself is refused)."""
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    problems: list[str] = []
    for label in _operations():
        method, path = label.split(" ", 1)
        prefix = "/v1/" if path.startswith("/v1/") else "/api/v1/"
        headers = {} if caller == "no key" else {"authorization": f"Bearer {platform.keys[WRONG_ROLE[prefix]]}"}

        @settings(max_examples=max(2, EXAMPLES // 2), deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=_strategy(schema[path][method]))
        def run(case: Any) -> None:
            case.headers = {k: v for k, v in (case.headers or {}).items()
                            if k.lower() not in ("authorization", "api-key")}
            response = case.call(base_url=live.url, headers=headers, timeout=30)
            problem = _problem(case, response)
            if problem is not None:
                problems.append(problem)
            elif caller == "no key" and response.status_code not in (400, 401, 404, 405):
                problems.append(f"{case.method} {case.formatted_path} -> {response.status_code} without a key")

        run()
    assert not problems, "\n\n".join(dict.fromkeys(problems))


#: Routes a caller reaches without a key: the OpenID provider's back-channel logout (the signed logout
#: token is its credential; 404 while single sign-on is off).
PUBLIC = {"/api/v1/oidc/backchannel-logout"}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "fuzz", path)


def test_sa1_every_operation_refuses_hostile_callers_without_5xx(live: LiveCharter, platform: Platform) -> None:
    """Every operation, with no key, a key of a role it does not take, an oversized body (declared
    and chunked) and a 100,000-deep body: never a 5xx, always the error shape; no key is always 401
    and comes before any body is read (so even a 2 MB body gets its 401 or 413, not a read)."""
    import httpx

    limit = platform.rt.settings.max_body_bytes
    big = b'{"x": "' + b"a" * (limit + 1024) + b'"}'
    problems: list[str] = []
    with httpx.Client(base_url=live.url, timeout=30) as http:
        for label in _operations():
            method, path = label.split(" ", 1)
            url = _concrete(path)
            prefix = "/v1/" if path.startswith("/v1/") else "/api/v1/"
            wrong = {"authorization": f"Bearer {platform.keys[WRONG_ROLE[prefix]]}"}
            right = {"authorization": f"Bearer {_key_for(path, platform)}"}
            json_type = {"content-type": "application/json"}

            def chunks() -> Any:
                yield big[: len(big) // 2]
                yield big[len(big) // 2 :]

            tries: list[tuple[str, dict[str, str], Any, set[int] | None]] = [
                ("no key", json_type, b"{}", {401}),
                ("no key, big", json_type, big, {401, 413}),
                ("no key, deep", json_type, DEEP, {401}),
                ("wrong role, deep", wrong | json_type, DEEP, None),
                ("right role, deep", right | json_type, DEEP, None),
                ("right role, big chunked", right | json_type, chunks(), None),
            ]
            for what, headers, body, expected in tries:
                response = http.request(method, url, headers=headers, content=body)
                status = response.status_code
                where = f"{label} ({what}) -> {status}"
                if path in PUBLIC and what.startswith("no key"):
                    expected = {400, 404, 413}  # its caller shows a signed token, not a key; refused all the same
                if expected is not None and status not in expected:
                    problems.append(f"{where}: expected {sorted(expected)}: {response.text[:200]!r}")
                if status >= 500:
                    problems.append(f"{where}: server error {response.text[:300]!r}")
                elif status >= 400:
                    try:
                        error = response.json().get("error")
                    except ValueError:
                        error = None
                    if not isinstance(error, dict) or not set(error) >= ERROR_KEYS:
                        problems.append(f"{where}: 4xx without the error shape: {response.text[:200]!r}")
                if "deep" in what and status < 400 and method != "GET":
                    problems.append(f"{where}: a 100,000-deep body was accepted")
    assert not problems, "\n".join(problems)

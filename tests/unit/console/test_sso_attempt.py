"""The console's single sign-on attempt cookie: what it carries, and that anything else is no attempt."""

from __future__ import annotations

import base64
import time

import pytest

from charter.identity.sso import Attempt


def test_an_attempt_survives_its_cookie_unpadded() -> None:
    attempt = Attempt("s" * 43, "n" * 43, "v" * 64, "/console/review?status=open", int(time.time()))
    raw = attempt.cookie()
    assert "=" not in raw and '"' not in raw and ";" not in raw  # a cookie value that needs no quoting
    assert Attempt.from_cookie(raw) == attempt


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "not base64 !",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'{"state": "s"}').decode(),  # fields missing
        base64.urlsafe_b64encode(
            b'{"state": 1, "nonce": "n", "verifier": "v", "next_path": "/console/", "started": 0}'
        ).decode(),
        base64.urlsafe_b64encode(
            b'{"state": "s", "nonce": "n", "verifier": "v", "next_path": "/console/", "started": "0"}'
        ).decode(),
        base64.urlsafe_b64encode(
            b'{"state": "s", "nonce": "n", "verifier": "v", "next_path": "/", "started": 0, "extra": 1}'
        ).decode(),
        "A" * 4000,  # longer than any attempt
    ],
)
def test_anything_else_is_no_attempt(raw: str | None) -> None:
    assert Attempt.from_cookie(raw) is None

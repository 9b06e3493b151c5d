"""The console's words and guards that need no server: SLA countdowns, where sign-in may send a person,
and the CSRF token's derivation."""

from __future__ import annotations

import datetime as dt

from charter.console.auth import safe_next
from charter.console.review import due_text
from charter.identity.sessions import csrf_token, token_sha256

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)


def test_ho2_sla_countdown_reads_as_words() -> None:
    def due(minutes: float, status: str = "pending") -> str:
        return due_text((NOW + dt.timedelta(minutes=minutes)).isoformat(), status, NOW)

    assert due(65) == "due in 1 h 05 min"
    assert due(12.5) == "due in 12 min"
    assert due(-12) == "overdue by 12 min"
    assert due(60 * 50) == "due in 2 d 2 h"
    assert due(30, status="approved") == "—"


def test_sa_sign_in_follows_only_paths_inside_the_console() -> None:
    assert safe_next("/console/review/rev_1?x=1") == "/console/review/rev_1?x=1"
    for target in ("https://evil.example/console/", "//evil.example/console/", "/api/v1/keys", "/console",
                   "/console/\\evil", None, ""):
        assert safe_next(target) == "/console/", target


def test_sa_csrf_token_is_derived_from_the_session_token_and_differs_from_its_stored_hash() -> None:
    assert csrf_token("a") == csrf_token("a") != csrf_token("b")
    assert csrf_token("a") != token_sha256("a") and len(csrf_token("a")) == 64

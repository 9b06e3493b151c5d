"""The citizen chat page over plain HTTP, on SQLite and PostgreSQL: off unless the charter says
``console.public_chat: true`` (and then a 404 that does not say why), the AI notice naming the
operator (HO-6), answers with citations from the scripted upstream, a held answer waiting for a
person and then released, feedback and "ask a person" (an appeal) recorded, guard refusals in plain
words, per-citizen rate limits, and the server-side app key never in a response."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from charter.errors import CharterError
from charter.oversight.tables import feedback, review_items
from charter.store.schema import api_keys, interactions
from tests.integration.console.conftest import BASE_CHARTER, Console, csrf_of
from tests.integration.knowledge.test_gateway import GUIDE, _kb

CHAT = "/console/chat/agency/tax-helpdesk"
OPERATOR = "Revenue Agency of Canada"
PUBLIC = BASE_CHARTER + f'console: {{public_chat: true, operator: "{OPERATOR}", title: "Ask about filing"}}\n'
HELD = PUBLIC + "review: {always: true}\n"


class Citizen:
    """One browser: its own cookie jar, every response kept to check what left the server."""

    def __init__(self, console: Console) -> None:
        self.http = console.client()
        self.seen: list[httpx.Response] = []

    def get(self, path: str = CHAT, **kw: object) -> httpx.Response:
        r = self.http.get(path, **kw)  # type: ignore[arg-type]
        self.seen.append(r)
        return r

    def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        r = self.http.post(path, data=data)
        self.seen.append(r)
        return r

    def ask(self, question: str) -> httpx.Response:
        page = self.get()
        assert page.status_code == 200, page.text
        r = self.post(CHAT, {"csrf": csrf_of(page.text), "question": question})
        assert r.status_code == 303, r.text
        assert r.headers["location"].startswith(CHAT + "#turn-")
        return self.get()

    def send(self, path: str, **fields: str) -> httpx.Response:
        page = self.get()
        return self.post(path, {"csrf": csrf_of(page.text), **fields})


def _rows(console: Console, table: object) -> list[object]:
    with console.platform.rt.engine.connect() as conn:
        return list(conn.execute(select(table)).all())  # type: ignore[call-overload]


def _console_keys(console: Console) -> list[object]:
    with console.platform.rt.engine.connect() as conn:
        return list(conn.execute(select(api_keys).where(api_keys.c.created_by == "console")).all())


def test_ho6_the_page_is_a_404_unless_the_charter_turns_it_on_and_never_says_why(console: Console) -> None:
    citizen = Citizen(console)
    off = citizen.get()
    assert off.status_code == 404
    unknown_use_case = citizen.get("/console/chat/agency/no-such-use-case")
    unknown_tenant = citizen.get("/console/chat/no-such-tenant/tax-helpdesk")
    assert unknown_use_case.status_code == unknown_tenant.status_code == 404
    assert off.text == unknown_use_case.text == unknown_tenant.text  # nothing tells them apart
    assert "tax-helpdesk" not in off.text and "public_chat" not in off.text
    r = citizen.post(CHAT, {"csrf": "x", "question": "hello"})
    assert r.status_code == 404 and r.text == off.text
    assert console.platform.upstream.requests == []
    console.apply(PUBLIC)
    assert citizen.get().status_code == 200
    console.apply(PUBLIC.replace("public_chat: true", "public_chat: false"))
    assert citizen.get().status_code == 404


def test_ho6_public_chat_without_an_operator_is_refused_when_applied(console: Console) -> None:
    with pytest.raises(CharterError) as refused:
        console.apply(BASE_CHARTER + "console: {public_chat: true}\n")
    assert refused.value.code == "invalid_charter" and "operator" in refused.value.message


def test_ho6_the_page_says_it_is_an_ai_system_and_who_runs_it(console: Console) -> None:
    console.apply(PUBLIC)
    page = Citizen(console).get()
    assert page.status_code == 200
    assert "You are talking to an AI system" in page.text and OPERATOR in page.text
    assert "<h1>Ask about filing</h1>" in page.text
    assert "You can ask a person to look at any answer" in page.text
    cookie = next(h for h in page.headers.get_list("set-cookie") if h.startswith("charter_citizen="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags and not any(f.startswith("max-age") for f in flags)
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "<script>" not in page.text and " style=" not in page.text and "console.js" not in page.text
    assert page.headers["cache-control"] == "no-store"


def test_ho6_a_question_is_answered_through_the_gateway_with_its_citations_under_an_ordinary_app_key(
    console: Console,
) -> None:
    platform = console.platform
    _kb(platform, "tax-guide", GUIDE)
    console.apply(PUBLIC + "knowledge_bases: [tax-guide]\ntop_k: 3\n")
    platform.upstream.reply = "The filing deadline is April 30 [1]."
    citizen = Citizen(console)
    page = citizen.ask("When is the filing deadline for individual returns?")
    assert "When is the filing deadline for individual returns?" in page.text
    assert "The filing deadline is April 30 [1]." in page.text
    assert 'href="https://agency.gov/tax-guide"' in page.text and "([1])" in page.text
    assert "Was this answer helpful?" in page.text and "Ask a person" in page.text
    keys = _console_keys(console)
    assert len(keys) == 1 and keys[0].role == "app" and keys[0].name == "console public chat"
    [row] = _rows(console, interactions)
    assert row.key_id == keys[0].id and row.status == "ok"
    assert row.conversation_id.startswith("chat-") and row.subject_id.startswith("sub_")
    assert row.conversation_id not in str(row.subject_id)  # the end user is pseudonymised, as for any app
    # a second question carries the conversation, under the same key
    platform.upstream.reply = "Late returns pay 5 percent of the balance owing [1]."
    page = citizen.ask("And if I am late?")
    sent = platform.upstream.requests[-1]["body"]["messages"]
    assert [m["content"] for m in sent if m["role"] == "assistant"] == ["The filing deadline is April 30 [1]."]
    assert len(_console_keys(console)) == 1
    rows = _rows(console, interactions)
    assert len({r.conversation_id for r in rows}) == 1 and len({r.subject_id for r in rows}) == 1


def test_sa_the_app_key_never_leaves_the_server(console: Console) -> None:
    console.apply(HELD)
    citizen = Citizen(console)
    citizen.ask("When is the filing deadline?")
    citizen.get(CHAT + "/turns/1")
    citizen.get(CHAT + "/turns/1", headers={"hx-request": "true"})
    [key] = _console_keys(console)
    for r in citizen.seen:
        blob = r.text + "".join(f"{k}: {v}\n" for k, v in r.headers.items())
        assert "chk_" not in blob and key.key_hash not in blob and key.prefix not in blob
        assert "x-charter-interaction-id" not in r.headers and "authorization" not in blob.lower()


def test_ho1_a_held_answer_waits_for_a_person_and_is_shown_once_released(console: Console) -> None:
    console.apply(HELD)
    console.platform.upstream.reply = "File by April 30."
    citizen = Citizen(console)
    page = citizen.ask("When is the filing deadline?")
    assert "Waiting for a person" in page.text and "File by April 30." not in page.text
    assert f'hx-get="{CHAT}/turns/1"' in page.text and 'hx-trigger="every 5s"' in page.text
    assert "Check again" in page.text
    poll = citizen.get(CHAT + "/turns/1", headers={"hx-request": "true"})
    assert poll.status_code == 204  # htmx keeps the waiting notice and asks again
    [item] = _rows(console, review_items)
    reviewer = console.platform.auth("reviewer")
    with httpx.Client(base_url=console.url, timeout=30) as api:
        assert api.post(f"/api/v1/reviews/{item.id}/claim", headers=reviewer).status_code == 200
        r = api.post(f"/api/v1/reviews/{item.id}/edit", headers=reviewer,
                     json={"text": "File by April 30; late returns pay a penalty."})
        assert r.status_code == 200, r.text
    poll = citizen.get(CHAT + "/turns/1", headers={"hx-request": "true"})
    assert poll.status_code == 200
    assert "File by April 30; late returns pay a penalty." in poll.text and "hx-trigger" not in poll.text
    assert "checked by a person" in poll.text
    page = citizen.get()
    assert "File by April 30; late returns pay a penalty." in page.text and "Waiting for a person" not in page.text


def test_ho1_a_rejected_answer_says_a_person_did_not_release_it(console: Console) -> None:
    console.apply(HELD)
    citizen = Citizen(console)
    citizen.ask("When is the filing deadline?")
    [item] = _rows(console, review_items)
    reviewer = console.platform.auth("reviewer")
    with httpx.Client(base_url=console.url, timeout=30) as api:
        api.post(f"/api/v1/reviews/{item.id}/claim", headers=reviewer)
        r = api.post(f"/api/v1/reviews/{item.id}/reject", headers=reviewer, json={"reason": "the date is wrong"})
        assert r.status_code == 200, r.text
    page = citizen.get()
    assert "A person did not release this answer" in page.text and "the date is wrong" in page.text
    assert console.platform.upstream.reply not in page.text


def test_ho7_feedback_and_ask_a_person_are_recorded(console: Console) -> None:
    console.apply(PUBLIC)
    citizen = Citizen(console)
    citizen.ask("When is the filing deadline?")
    r = citizen.send(CHAT + "/turns/1/feedback", rating="unhelpful", comment="it did not say which year")
    assert r.status_code == 303, r.text
    [given] = _rows(console, feedback)
    [row] = _rows(console, interactions)
    assert given.rating == "unhelpful" and given.interaction_id == row.id and not given.appeal
    assert given.sealed_correction is not None  # the comment is kept sealed, never in clear
    page = citizen.get()
    assert "your feedback was recorded" in page.text and "Was this answer helpful?" not in page.text
    r = citizen.send(CHAT + "/turns/1/appeal", comment="please check the year")
    assert r.status_code == 303, r.text
    appeals = [i for i in _rows(console, review_items) if i.kind == "appeal"]
    assert len(appeals) == 1 and appeals[0].status == "pending" and appeals[0].interaction_id == row.id
    page = citizen.get()
    assert "A person will look at this answer" in page.text and appeals[0].id in page.text
    assert 'hx-trigger="every 5s"' in page.text
    reviewer = console.platform.auth("reviewer")
    with httpx.Client(base_url=console.url, timeout=30) as api:
        api.post(f"/api/v1/reviews/{appeals[0].id}/claim", headers=reviewer)
        r = api.post(f"/api/v1/reviews/{appeals[0].id}/edit", headers=reviewer,
                     json={"text": "For 2026 returns the deadline is April 30, 2027."})
        assert r.status_code == 200, r.text
    page = citizen.get()
    assert "A person looked at this answer" in page.text and "April 30, 2027" in page.text
    # the same answer cannot be rated from another browser: its conversation is not theirs
    other = Citizen(console)
    other.get()
    r = other.send(CHAT + "/turns/1/feedback", rating="helpful")
    assert r.status_code == 404 and len(_rows(console, feedback)) == 2  # the rating and the appeal


def test_sa_forms_need_the_conversations_csrf_token(console: Console) -> None:
    console.apply(PUBLIC)
    citizen = Citizen(console)
    citizen.get()
    r = citizen.post(CHAT, {"question": "hello"})
    assert r.status_code == 403 and "csrf_failed" in r.text
    r = citizen.post(CHAT, {"csrf": "0" * 64, "question": "hello"})
    assert r.status_code == 403 and "csrf_failed" in r.text
    stranger = Citizen(console)  # a form posted without the conversation's cookie
    r = stranger.post(CHAT, {"csrf": csrf_of(citizen.get().text), "question": "hello"})
    assert r.status_code == 403 and "csrf_failed" in r.text
    assert console.platform.upstream.requests == []
    r = citizen.send(CHAT, question="   ")
    assert r.status_code == 400 and "missing_field" in r.text


def test_gr_a_guard_refusal_is_shown_in_plain_words(console: Console) -> None:
    console.apply(PUBLIC + "guards:\n  pii: {action: block}\n")
    page = Citizen(console).ask("My email is jane.doe@example.com, when is my deadline?")
    assert "Not answered" in page.text
    assert "was not sent to the AI" in page.text and "personal details" in page.text
    assert "guard" not in page.text.split("Not answered")[1]  # no internals of the guard
    assert console.platform.upstream.requests == []
    [row] = _rows(console, interactions)
    assert row.status == "refused" and row.error_code == "content_filter"


def test_sa5_each_citizen_has_their_own_rate_limit(console: Console) -> None:
    console.apply(PUBLIC + "end_users: {requests_per_minute: 1}\n")
    first = Citizen(console)
    assert "Passports are renewed" in first.ask("one").text
    page = first.ask("two")
    assert "Please wait a minute and ask again" in page.text
    assert "Passports are renewed" in Citizen(console).ask("three").text  # another citizen is not held back

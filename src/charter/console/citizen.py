"""The citizen chat page: ``/console/chat/{tenant}/{use_case}``, no sign-in, opt-in per use case
(charter ``console.public_chat: true``; docs/console.md, Citizen chat).

It states that the service is an AI system and who runs it (HO-6), shows each answer's citations,
says when an answer waits for a person and shows it once released (an htmx poll, or a plain "check
again" link), and offers feedback and "ask a person" (an appeal, :func:`charter.oversight.submit_feedback`).

**The key.** The page calls the gateway like any application, in-process through the same path as
``POST /v1/chat/completions`` (:func:`charter.gateway.calls.open_exchange` and the runtime's one
:class:`~charter.gateway.pipeline.Pipeline`), under an **ordinary app key** of the use case that the
console creates the first time the page is used (name :data:`KEY_NAME`, ``created_by: console``, a
``key.created`` ledger entry). Its secret is discarded when it is made: only its hash is stored, like
every key's, and nobody (citizen, operator or console) ever holds it. The charter's guards, rate
limits, budget, oversight and records apply to it as to any app key, and it is listed by
``charter keys list``. Revoking it rotates it: the next question creates a fresh one (to stop the page,
set ``public_chat: false`` or switch the use case off).

**The citizen.** An anonymous cookie (:data:`COOKIE`, HttpOnly, SameSite=Lax) holds 256 random bits;
the conversation id (sent as the request's ``user`` and conversation id, so the charter's
``end_users`` rate limits apply per citizen) and the forms' CSRF token are hashes of it, so nobody
without the cookie can compute either. The conversation shown (the last
:data:`~charter.console.conversations.MAX_TURNS` turns) is kept in the store, sealed
(:mod:`charter.console.conversations`), so any replica serves any citizen; the record of every
exchange is the gateway's, as for any app.

Browser headers never reach the gateway: the end user is the conversation, never a header a
browser could set (``end_users.header``, ``officer_header``, the training-consent header).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, select

from charter import oversight
from charter.api.deps import get_runtime
from charter.console.conversations import Key, Turn, add_turn, load_turns, save_turns
from charter.console.web import PREFIX, ConsoleRoute, check_csrf, is_tls, read_form, redirect, render
from charter.domain import Charter, Principal
from charter.errors import CharterError, InvalidRequest, NotFound
from charter.gateway.calls import check_gateway_principal, open_exchange, pipeline_of
from charter.gateway.request import ClientIds, parse_chat
from charter.gateway.state import gateway_of
from charter.principals.keys import create_key
from charter.runtime import Runtime
from charter.store.schema import api_keys, tenants, use_cases, utcnow

__all__ = ["COOKIE", "KEY_NAME", "chat_key", "router"]

router = APIRouter(prefix=PREFIX + "/chat", route_class=ConsoleRoute, include_in_schema=False)

#: The name of the app key the console creates for a use case's public chat.
KEY_NAME = "console public chat"
#: The citizen's cookie (``__Host-`` and Secure over TLS).
COOKIE = "charter_citizen"
#: Earlier answered turns sent to the model with a new question (within ``max_input_chars``).
HISTORY_TURNS = 5
#: How often the page asks whether a waiting answer was released (htmx), in seconds.
POLL_S = 5
#: The longest comment a citizen may send with feedback or an appeal.
MAX_COMMENT = 2000

_NOT_HERE = "there is no public chat at this address"


# -- the page's use case and its key -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Page:
    tenant_id: str
    tenant: str
    use_case_id: str
    use_case: str
    charter: Charter

    @property
    def path(self) -> str:
        return f"{PREFIX}/chat/{self.tenant}/{self.use_case}"

    @property
    def title(self) -> str:
        return self.charter.console.title or self.charter.description or self.use_case


def _page(rt: Runtime, tenant: str, use_case: str) -> Page:
    """The use case behind the address, or the same ``404`` whether the tenant or the use case is
    unknown or the page is off: nothing says which."""
    named = select(tenants.c.id).where(tenants.c.name == tenant)
    tenant_id = rt.read(lambda conn: conn.execute(named).scalar_one_or_none())
    if tenant_id is None:
        raise NotFound(_NOT_HERE, code="not_found")
    try:
        policy = gateway_of(rt).policy(str(tenant_id), use_case)
    except NotFound:
        raise NotFound(_NOT_HERE, code="not_found") from None
    if not policy.charter.console.public_chat:
        raise NotFound(_NOT_HERE, code="not_found")
    return Page(str(tenant_id), tenant, policy.use_case_id, use_case, policy.charter)


def _key_principal(conn: Connection, page: Page) -> Principal | None:
    row = conn.execute(
        select(api_keys.c.id, api_keys.c.scopes)
        .where(
            api_keys.c.tenant_id == page.tenant_id,
            api_keys.c.use_case_id == page.use_case_id,
            api_keys.c.role == "app",
            api_keys.c.name == KEY_NAME,
            api_keys.c.created_by == "console",
            api_keys.c.revoked_at.is_(None),
            api_keys.c.expires_at.is_(None),
        )
        .order_by(api_keys.c.created_at, api_keys.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return Principal(key_id=row.id, tenant_id=page.tenant_id, tenant=page.tenant, role="app",
                     use_case=page.use_case, scopes=tuple(row.scopes or ()))


def chat_key(conn: Connection, page: Page) -> Principal:
    """The use case's public-chat app key (in a write transaction): the one the console made, else a
    new one whose secret is thrown away at once (only its hash is stored)."""
    found = _key_principal(conn, page)
    if found is not None:
        return found
    exists = conn.execute(select(use_cases.c.id).where(use_cases.c.id == page.use_case_id)).scalar_one_or_none()
    if exists is None:
        raise NotFound(_NOT_HERE, code="not_found")
    create_key(conn, tenant_id=page.tenant_id, role="app", actor="console", use_case_id=page.use_case_id,
               name=KEY_NAME)
    made = _key_principal(conn, page)
    assert made is not None
    return made


async def _principal(rt: Runtime, page: Page) -> Principal:
    found = await run_in_threadpool(_read_key, rt, page)
    if found is None:
        found = await rt.writer.awrite(lambda c: chat_key(c, page))
    return check_gateway_principal(found, "chat")


def _read_key(rt: Runtime, page: Page) -> Principal | None:
    return rt.read(lambda conn: _key_principal(conn, page))


# -- the citizen's cookie ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Citizen:
    token: str
    new: bool

    @property
    def conversation_id(self) -> str:
        return "chat-" + hashlib.sha256(b"charter:citizen:conversation:" + self.token.encode()).hexdigest()[:40]

    @property
    def csrf(self) -> str:
        return hashlib.sha256(b"charter:citizen:csrf:" + self.token.encode()).hexdigest()


def _cookie_name(request: Request) -> str:
    return "__Host-" + COOKIE if is_tls(request) else COOKIE


def _citizen(request: Request) -> Citizen:
    token = request.cookies.get(_cookie_name(request), "")
    if len(token) == 43 and token.isascii():
        return Citizen(token, False)
    return Citizen(secrets.token_urlsafe(32), True)


def _with_cookie(response: Response, request: Request, citizen: Citizen) -> Response:
    if citizen.new:  # a browser-session cookie: closing the browser ends the conversation
        response.set_cookie(_cookie_name(request), citizen.token, path="/", secure=is_tls(request), httponly=True,
                            samesite="lax")
    return response


def _key(page: Page, citizen: Citizen) -> Key:
    return page.tenant_id, page.use_case_id, citizen.conversation_id


async def _posted(request: Request, citizen: Citizen) -> dict[str, str]:
    """The form, once its CSRF token is this conversation's (``403 csrf_failed``; without the cookie
    no form can be this browser's)."""
    form = await read_form(request)
    check_csrf(None if citizen.new else form.pop("csrf", None), citizen.csrf)
    return form


# -- what a held answer became --------------------------------------------------------------
def _check_waiting(rt: Runtime, page: Page, turns: list[Turn]) -> list[Turn]:
    """Ask the oversight record about each waiting answer and appeal (as the key that asked); the
    turns that changed."""
    waiting = [t for t in turns if t.waiting]
    if not waiting:
        return []
    before = [dataclasses.replace(t) for t in waiting]

    def refresh(conn: Connection) -> None:
        for turn in waiting:
            _refresh(rt, conn, page, turn)

    rt.read(refresh)
    return [t for t, was in zip(waiting, before, strict=True) if t != was]


def _refresh(rt: Runtime, conn: Connection, page: Page, turn: Turn) -> None:
    """What a waiting answer (and a pending appeal) of ``turn`` became, written onto the turn."""
    if turn.status == "waiting" and turn.review_id:
        try:
            status, body = oversight.requester_view(rt, conn, _as(page, turn.key_id), turn.review_id)
        except NotFound:  # deleted since (retention, erasure): say so rather than wait for ever
            turn.status, turn.answer = "refused", "This answer is no longer available."
            return
        text = str(body["choices"][0]["message"]["content"])
        review = body.get("review") or {}
        if status == 202:
            turn.holding = review.get("status") == "holding"
            turn.answer = text if turn.holding else ""
        else:
            turn.status = "rejected" if review.get("status") == "rejected" else "answered"
            turn.answer, turn.reviewed, turn.holding = text, True, False
    if turn.appeal_status == "pending" and turn.appeal_id:
        try:
            status, body = oversight.requester_view(rt, conn, _as(page, turn.appeal_key_id), turn.appeal_id)
        except NotFound:
            status, body = 200, {"review": {"status": "closed"},
                                 "choices": [{"message": {"content": "This request is no longer available."}}]}
        if status == 200:
            review = body.get("review") or {}
            turn.appeal_status = str(review.get("status", "decided"))
            turn.appeal_answer = str(body["choices"][0]["message"]["content"])


def _as(page: Page, key_id: str) -> Principal:
    """The page's app key ``key_id`` as a principal (the oversight record answers the key that asked)."""
    return Principal(key_id=key_id, tenant_id=page.tenant_id, tenant=page.tenant, role="app", use_case=page.use_case)


def _view(request: Request, template: str, page: Page, citizen: Citizen, status: int = 200,
          **context: Any) -> Response:
    response = render(request, template, viewer=None, status=status, page=page, charter=page.charter,
                      csrf=citizen.csrf, poll_s=POLL_S, max_comment=MAX_COMMENT, **context)
    return _with_cookie(response, request, citizen)


def _refused(request: Request, exc: CharterError, back: str | None = None) -> Response:
    """A refusal as a plain page (the same status and code as the API's)."""
    response = render(request, "chat_error.html", viewer=None, status=exc.status, error=exc, back=back)
    for name, value in exc.headers.items():
        response.headers[name] = value
    return response


# -- pages ----------------------------------------------------------------------------------
def _seen(request: Request, tenant: str, use_case: str) -> tuple[Page, Citizen, list[Turn]] | Response:
    """The page, its visitor and a copy of the conversation's turns once the waiting ones are asked
    about; or the page's refusal."""
    rt = get_runtime(request)
    try:
        page = _page(rt, tenant, use_case)
    except NotFound as exc:
        return _refused(request, exc)
    citizen = _citizen(request)
    turns = [] if citizen.new else load_turns(rt, _key(page, citizen))
    save_turns(rt, _check_waiting(rt, page, turns))
    return page, citizen, turns


@router.get("/{tenant}/{use_case}")
def chat_page(tenant: str, use_case: str, request: Request) -> Response:
    seen = _seen(request, tenant, use_case)
    if isinstance(seen, Response):
        return seen
    page, citizen, turns = seen
    return _view(request, "chat.html", page, citizen, turns=turns)


@router.get("/{tenant}/{use_case}/turns/{no}")
def chat_turn(tenant: str, use_case: str, no: int, request: Request) -> Response:
    """One turn's answer (what the page's htmx poll swaps in); 204 while it still waits (htmx keeps asking)."""
    seen = _seen(request, tenant, use_case)
    if isinstance(seen, Response):
        return seen
    page, citizen, turns = seen
    turn = next((t for t in turns if t.no == no), None)
    if turn is None:
        return _refused(request, NotFound("this conversation has no such answer", code="not_found"), page.path)
    if turn.waiting and request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"cache-control": "no-store"})
    return _view(request, "chat_answer.html", page, citizen, turn=turn)


Action = Callable[[Runtime, Page, Citizen, dict[str, str]], Awaitable[str]]


async def _act(request: Request, tenant: str, use_case: str, action: Action) -> Response:
    """A citizen's form: the page (404 as for the page), its CSRF token, then ``action``, which
    returns the anchor to go back to; a refusal is a plain page with a way back."""
    rt = get_runtime(request)
    try:
        page = await run_in_threadpool(_page, rt, tenant, use_case)
    except NotFound as exc:
        return _refused(request, exc)
    citizen = _citizen(request)
    try:
        form = await _posted(request, citizen)
        anchor = await action(rt, page, citizen, form)
    except CharterError as exc:
        return _refused(request, exc, page.path)
    return redirect(f"{page.path}#{anchor}")


@router.post("/{tenant}/{use_case}")
async def ask(tenant: str, use_case: str, request: Request) -> Response:
    async def run(rt: Runtime, page: Page, citizen: Citizen, form: dict[str, str]) -> str:
        question = form.get("question", "").replace("\r\n", "\n").strip()
        if not question:
            raise InvalidRequest("write a question first", code="missing_field", param="question")
        key = _key(page, citizen)
        turns = await run_in_threadpool(load_turns, rt, key)
        turn = Turn(no=0, question=question)
        await _answer(rt, page, citizen, _history(page, turns, question), turn)
        stored = await run_in_threadpool(add_turn, rt, key, turn)
        return f"turn-{stored.no}"

    return await _act(request, tenant, use_case, run)

def _history(page: Page, turns: list[Turn], question: str) -> list[dict[str, str]]:
    """The earlier answered turns and the question, oldest dropped first to stay within the charter's
    ``max_input_chars``."""
    earlier = [t for t in turns if t.status == "answered" and t.answer][-HISTORY_TURNS:]
    limit = page.charter.max_input_chars
    while earlier and sum(len(t.question) + len(t.answer) for t in earlier) + len(question) > limit:
        earlier.pop(0)
    messages: list[dict[str, str]] = []
    for t in earlier:
        messages += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.answer}]
    messages.append({"role": "user", "content": question})
    return messages


async def _answer(rt: Runtime, page: Page, citizen: Citizen, messages: list[dict[str, str]], turn: Turn) -> None:
    """Ask the gateway as the use case's public-chat app; a refusal becomes the turn's message."""
    try:
        principal = await _principal(rt, page)
        turn.key_id = principal.key_id
        body = parse_chat({"messages": messages, "user": citizen.conversation_id})
        ids = ClientIds(None, citizen.conversation_id)
        ex = open_exchange(rt, principal, ids, body, {})  # no browser header reaches the gateway
        outcome = await pipeline_of(rt).chat(ex)
    except CharterError as exc:
        turn.status, turn.refusal_code, turn.answer = "refused", exc.code, _refusal_text(exc, page.charter)
        return
    turn.interaction_id = outcome.headers.get("x-charter-interaction-id")
    turn.citations = list(ex.citations or [])
    if outcome.status == 202:
        turn.status, turn.review_id = "waiting", ex.held_review_id
        return
    choice = (outcome.body or {}).get("choices", [{}])[0]
    turn.status, turn.answer = "answered", str((choice.get("message") or {}).get("content") or "")


def _refusal_text(exc: CharterError, charter: Charter) -> str:
    """What a citizen reads when the gateway refuses: plain words, never the guard's internals."""
    if exc.code == "content_filter":
        return ("Your question was not sent to the AI: it contains something this service does not accept, "
                "such as personal details (a name, a number or an address). Remove it and ask again.")
    if exc.status == 429:
        return "Many questions have been asked in a short time. Please wait a minute and ask again."
    if exc.code == "input_too_long":
        return f"Your question is too long for this service: keep it under {charter.max_input_chars} characters."
    if exc.status in (502, 503):
        return charter.outage_message
    return f"This question could not be answered ({exc.code}). Please rephrase it, or contact the service."


def _turn_of(rt: Runtime, page: Page, citizen: Citizen, no: int) -> Turn:
    """A shown answer of this browser's conversation (another's is ``404``: not in this store entry)."""
    turn = None if citizen.new else next((t for t in load_turns(rt, _key(page, citizen)) if t.no == no), None)
    if turn is None or turn.interaction_id is None or turn.status not in ("answered", "rejected"):
        raise NotFound("this conversation has no such answer", code="not_found")
    return turn


def _feedback(rt: Runtime, page: Page, turn: Turn, given: oversight.Feedback) -> tuple[dict[str, Any], str]:
    """Feedback as the page's key now (an app key of the use case may rate its answers), and its id."""
    principal = rt.read(lambda conn: _key_principal(conn, page)) or _as(page, turn.key_id)  # revoked: who asked
    now = utcnow()
    out: dict[str, Any] = rt.writer.write(lambda c: oversight.submit_feedback(rt, c, principal, given, now=now))
    return out, principal.key_id


def _comment(form: dict[str, str]) -> str | None:
    text = form.get("comment", "").replace("\r\n", "\n").strip()
    if len(text) > MAX_COMMENT:
        raise InvalidRequest(f"a comment has at most {MAX_COMMENT} characters", code="invalid_value", param="comment")
    return text or None


@router.post("/{tenant}/{use_case}/turns/{no}/feedback")
async def feedback(tenant: str, use_case: str, no: int, request: Request) -> Response:
    async def run(rt: Runtime, page: Page, citizen: Citizen, form: dict[str, str]) -> str:
        rating = form.get("rating") or None
        if rating not in (None, "helpful", "unhelpful"):
            raise InvalidRequest("rating is helpful or unhelpful", code="invalid_value", param="rating")
        comment = _comment(form)
        if rating is None and comment is None:
            raise InvalidRequest("choose helpful or not helpful, or write a comment", code="missing_field",
                                 param="rating")
        turn = await run_in_threadpool(_turn_of, rt, page, citizen, no)
        assert turn.interaction_id is not None
        given = oversight.Feedback(interaction_id=turn.interaction_id, rating=rating, comment=comment)
        await run_in_threadpool(_feedback, rt, page, turn, given)
        turn.feedback = rating or "comment"
        await run_in_threadpool(save_turns, rt, [turn])
        return f"turn-{no}"

    return await _act(request, tenant, use_case, run)


@router.post("/{tenant}/{use_case}/turns/{no}/appeal")
async def appeal(tenant: str, use_case: str, no: int, request: Request) -> Response:
    """Ask a person: an appeal opens a review item linked to the answer's interaction."""

    async def run(rt: Runtime, page: Page, citizen: Citizen, form: dict[str, str]) -> str:
        comment = _comment(form)
        turn = await run_in_threadpool(_turn_of, rt, page, citizen, no)
        if turn.appeal_id is None:
            assert turn.interaction_id is not None
            given = oversight.Feedback(interaction_id=turn.interaction_id, comment=comment, appeal=True)
            out, key_id = await run_in_threadpool(_feedback, rt, page, turn, given)
            turn.appeal_id, turn.appeal_key_id, turn.appeal_status = str(out["review"]["id"]), key_id, "pending"
            await run_in_threadpool(save_turns, rt, [turn])
        return f"turn-{no}"

    return await _act(request, tenant, use_case, run)

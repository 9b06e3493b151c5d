"""Review pages: the queue (filters, SLA countdowns), claim and release, and the decision page
(question, redacted context, guard findings, citations, proposed answer, the automation-bias notice,
approve / edit / reject). Every action calls the same :mod:`charter.oversight` functions as
``/api/v1/reviews`` (and :func:`charter.oversight.notify.decide_and_notify`, so the use case's webhook
hears of a console decision as of an API one)."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response
from sqlalchemy import Connection, select

from charter import oversight
from charter.api.deps import get_runtime
from charter.console import web
from charter.console.teams import reviewer_choices
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, redirect, render, signed_in
from charter.domain import Principal
from charter.oversight import assignment
from charter.oversight.assignment import Board, load_board
from charter.oversight.notify import decide_and_notify
from charter.oversight.tables import review_items
from charter.principals import roles
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = ["REVIEWERS", "due_text", "router"]

router = APIRouter(prefix=PREFIX + "/review", route_class=ConsoleRoute, include_in_schema=False)

#: Who reviews: the API's REVIEWERS (charter.api.oversight).
REVIEWERS = roles.REVIEWERS
STATUSES = ("pending", "approved", "edited", "rejected", "expired")


def _minutes(delta: dt.timedelta) -> str:
    total = int(abs(delta.total_seconds()) // 60)
    hours, minutes = divmod(total, 60)
    if hours >= 48:
        return f"{hours // 24} d {hours % 24} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def due_text(due_at: str | None, status: str, now: dt.datetime) -> str:
    """The SLA countdown as words: ``due in 1 h 05 min``, ``overdue by 12 min``."""
    if not due_at or status != "pending":
        return "—"
    due = dt.datetime.fromisoformat(due_at)
    return f"due in {_minutes(due - now)}" if due > now else f"overdue by {_minutes(now - due)}"


def _queue_records(conn: Connection, reviewer: Principal, status: str, now: dt.datetime) -> tuple[
        list[dict[str, Any]], Board, dict[str, str]]:
    """The items the reviewer sees (of ``status`` only, where given), the tenant's assignment board and
    each item's use case id."""
    items = oversight.list_items(conn, reviewer, status=status or None, limit=500, now=now)
    ids = [i["id"] for i in items]
    use_case_ids = dict(conn.execute(select(review_items.c.id, review_items.c.use_case_id).where(
        review_items.c.id.in_(ids))).all()) if items else {}
    return items, load_board(conn, reviewer.tenant_id), use_case_ids


def _queue(rt: Runtime, viewer: Viewer, filters: dict[str, Any]) -> list[dict[str, Any]]:
    now = utcnow()
    me = viewer.principal.key_id
    items, board, use_case_ids = rt.read(lambda conn: _queue_records(conn, viewer.principal, filters["status"], now))
    rows = []
    for item in items:
        if filters["use_case"] and item["use_case"] != filters["use_case"]:
            continue
        if filters["reason"] and filters["reason"] not in (item["reasons"] or []):
            continue
        if filters["overdue"] and not item["overdue"]:
            continue
        assignees = board.assignees(item["id"], use_case_ids.get(item["id"], ""))
        if filters["mine"] and not (board.is_for(me, assignees) or item["claimed_by"] == me):
            continue
        rows.append({**item, "due_text": due_text(item["due_at"], item["status"], now),
                     "mine": item["claimed_by"] == me, "assigned": board.label(assignees, me)})
    return rows


@router.get("")
def queue(request: Request, status: web.Filter = "pending", use_case: web.Name = "", reason: web.Name = "",
          overdue: bool = False, mine: bool = False, empty: bool = False,
          viewer: Viewer = Depends(signed_in)) -> Response:
    viewer.require(*REVIEWERS)
    if status and status not in STATUSES:
        status = "pending"
    filters = {"status": status, "use_case": use_case, "reason": reason, "overdue": overdue, "mine": mine}
    rows = _queue(get_runtime(request), viewer, filters)
    template = "review_rows.html" if request.headers.get("hx-request") == "true" else "review_queue.html"
    return render(request, template, viewer=viewer, rows=rows, filters=filters, statuses=STATUSES, empty=empty)


def _next(request: Request, p: Principal, focus: bool, done: str = "") -> Response:
    """Claim the next item (assigned ones first) and open it; in focus mode the page says what was
    just recorded and keeps focus mode on."""
    now = utcnow()
    review_id = get_runtime(request).writer.write(lambda c: oversight.claim_next(c, p, now))
    if review_id is None:
        return redirect(f"{PREFIX}/review?empty=1")
    query = "?" + urlencode({"focus": 1, "done": done} if done else {"focus": 1}) if focus else ""
    return redirect(f"{PREFIX}/review/{review_id}{query}")


@router.post("/next")
def take_next(request: Request, post: Posted = Depends(posted)) -> Response:
    p = post.viewer.require(*REVIEWERS)
    return _next(request, p, post.form.get("focus") == "1")


@router.get("/{review_id}")
def decision_page(review_id: str, request: Request, focus: bool = Query(default=False),
                  done: str = Query(default="", max_length=80), viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*REVIEWERS)
    rt = get_runtime(request)
    item = rt.writer.write(lambda c: oversight.show_item(rt, c, p, review_id))  # the view is recorded (AT-4)
    now = utcnow()
    first = [d for d in item["decisions"] if d["decision"] in ("approved", "edited")]
    assign_to: dict[str, Any] = {}
    if viewer.may("admin"):
        assign_to = rt.read(lambda conn: {"teams": assignment.list_teams(conn, p.tenant_id),
                                          "reviewers": reviewer_choices(conn, p.tenant_id)})
    return render(
        request,
        "review_item.html",
        viewer=viewer,
        item=item,
        due=due_text(item["due_at"], item["status"], now),
        mine=item["claimed_by"] == p.key_id,
        first_approvals=first,
        focus=focus,
        done=done,
        **assign_to,
    )


web.holding_routes(router, "", REVIEWERS, oversight.claim, oversight.let_go, page=PREFIX + "/review/{item_id}",
                   queue=PREFIX + "/review")


@router.post("/{review_id}/diff")
def diff_preview(review_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """The live diff beside the edit box (htmx): the proposed answer against the text being written."""
    post.viewer.require(*REVIEWERS)
    before = post.text("proposed", max_length=100_000, exact=True)
    after = post.text("text", max_length=100_000, exact=True)
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=2))[2:]
    return render(request, "review_diff.html", viewer=post.viewer, lines=lines)


@router.post("/{review_id}/approve")
def approve(review_id: str, request: Request, tasks: BackgroundTasks, post: Posted = Depends(posted)) -> Response:
    p = post.viewer.require(*REVIEWERS)
    comment = post.text("comment")
    rt = get_runtime(request)
    result = decide_and_notify(tasks.add_task, rt,
                               lambda c, now: oversight.approve(c, p, review_id, comment=comment, now=now))
    return _decided(request, post, result)


@router.post("/{review_id}/edit")
def edit(review_id: str, request: Request, tasks: BackgroundTasks, post: Posted = Depends(posted)) -> Response:
    p = post.viewer.require(*REVIEWERS)
    text = post.text("text", required=True, max_length=100_000, exact=True)
    comment = post.text("comment")
    from_scratch = post.form.get("from_scratch") == "yes"
    rt = get_runtime(request)
    result = decide_and_notify(
        tasks.add_task,
        rt,
        lambda c, now: oversight.edit(
            rt, c, p, review_id, text=text, comment=comment, from_scratch=from_scratch, now=now
        ),
    )
    return _decided(request, post, result)


@router.post("/{review_id}/reject")
def reject(review_id: str, request: Request, tasks: BackgroundTasks, post: Posted = Depends(posted)) -> Response:
    p = post.viewer.require(*REVIEWERS)
    reason = post.text("reason", required=True)
    rt = get_runtime(request)
    result = decide_and_notify(tasks.add_task, rt,
                               lambda c, now: oversight.reject(c, p, review_id, reason=reason, now=now))
    return _decided(request, post, result)


def _decided(request: Request, post: Posted, result: dict[str, Any]) -> Response:
    """The decision's page, or in focus mode the next item at once."""
    if post.form.get("focus") == "1":
        return _next(request, post.viewer.principal, True, done=f"{result['id']}:{result['decision']}")
    return render(request, "review_decided.html", viewer=post.viewer, result=result)

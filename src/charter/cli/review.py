"""``charter review``: work the review queue and the expert scoring queue as a reviewer.

Every command acts as the reviewer whose key is given (``--key`` or ``CHARTER_API_KEY``), so the
rules hold here as over HTTP: nobody reviews their own request, four-eyes needs two people."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy import Connection

from charter import oversight
from charter.cli.common import Cell, emit, emit_rows, fail, open_runtime, table
from charter.cli.options import JsonFlag
from charter.domain import Principal
from charter.errors import InvalidRequest, PermissionDenied
from charter.oversight import assignment, scoring
from charter.policy.service import get_use_case
from charter.principals.keys import KeyCache
from charter.principals.roles import ADMINS, REVIEWERS
from charter.runtime import Runtime
from charter.store.schema import utcnow

app = typer.Typer(help="Review held answers and score sampled ones (role reviewer).", no_args_is_help=True)

T = TypeVar("T")

KeyOption = Annotated[str | None, typer.Option("--key", envvar="CHARTER_API_KEY", help="Your reviewer key.")]


def _reviewer(rt: Runtime, key: str | None) -> Principal:
    if not key:
        raise InvalidRequest("pass your reviewer key with --key or CHARTER_API_KEY", code="missing_api_key")
    principal = KeyCache(rt.engine, rt.writer, 0.0).authenticate(key)
    if principal.role not in REVIEWERS:
        raise PermissionDenied(
            f"role {principal.role!r} may not review; use a reviewer key", code="role_not_allowed"
        )
    return principal


@contextlib.contextmanager
def _as_reviewer(key: str | None, json_output: bool) -> Iterator[tuple[Runtime, Principal]]:
    """A runtime and the reviewer whose key is ``key`` (every command here acts as one)."""
    with open_runtime(json_output) as rt:
        yield rt, _reviewer(rt, key)


def _listing(
    key: str | None,
    json_output: bool,
    read: Callable[[Connection, Principal], Sequence[Mapping[str, Any]]],
    title: str,
    columns: Mapping[str, Cell],
) -> None:
    """The body of a listing command: the rows ``read(conn, reviewer)`` returns, as JSON or a table."""
    with _as_reviewer(key, json_output) as (rt, p), rt.engine.connect() as conn:
        rows = read(conn, p)
    emit_rows(rows, json_output, title, columns)


def _admin_write(key: str | None, json_output: bool, change: Callable[[Connection, Principal], T]) -> T:
    """``change(conn, admin)`` in one write, as the admin whose key is ``key`` (teams and assignments)."""
    with _as_reviewer(key, json_output) as (rt, p):
        if p.role not in ADMINS:
            raise PermissionDenied(f"role {p.role!r} may not change teams or assignments; use an admin key",
                                   code="role_not_allowed")
        result = rt.writer.write(lambda c: change(c, p))
    return result


def _wanted(status: str) -> str | None:
    """A ``--status`` filter: ``all`` is no filter."""
    return None if status == "all" else status


def _claim_next(
    rt: Runtime,
    claim: Callable[[Connection], str | None],
    show: Callable[[Connection, str], dict[str, Any]],
) -> dict[str, Any] | None:
    """Claim the next item in one write and show it; None where nothing is waiting."""

    def take(conn: Connection) -> dict[str, Any] | None:
        found = claim(conn)
        return None if found is None else show(conn, found)

    return rt.writer.write(take)


def _print_item(item: dict[str, Any] | None, json_output: bool) -> None:
    if item is None:
        emit(None, json_output, human="The queue is empty.")
        return
    question = "\n".join(f"  {m['role']}: {m['content']}" for m in item["question"])
    human = (
        f"[bold]{item['id']}[/bold] ({item['kind']}, {item['use_case']}, "
        f"reasons: {', '.join(item['reasons'])})\n"
        f"[yellow]{item['notice']}[/yellow]\n[bold]Question[/bold]\n{question}\n"
        f"[bold]Proposed answer (v{item['current_version']})[/bold]\n{item['proposed_answer']}\n"
        f"[dim]findings: {len(item['findings'])} · due {item['due_at']}[/dim]"
    )
    emit(item, json_output, human=human)


@app.command("list")
def list_(
    status: str = typer.Option("pending", help="pending | approved | edited | rejected | all"),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """The queue (oldest first)."""
    _listing(
        key, json_output, lambda conn, p: oversight.list_items(conn, p, status=_wanted(status), now=utcnow()),
        "reviews",
        {"id": "id", "kind": "kind", "use case": "use_case", "status": "status",
         "reasons": lambda r: ",".join(r["reasons"]), "due": "due_at", "claimed by": "claimed_by"},
    )


@app.command("next")
def next_(key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Claim the oldest item you may review and show it."""
    with _as_reviewer(key, json_output) as (rt, p):
        item = _claim_next(
            rt, lambda c: oversight.claim_next(c, p, utcnow()), lambda c, found: oversight.show_item(rt, c, p, found)
        )
    _print_item(item, json_output)


@app.command()
def show(review_id: str, key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Show an item: question, redacted context, guard findings, proposed answer, versions."""
    with _as_reviewer(key, json_output) as (rt, p):
        item = rt.writer.write(lambda c: oversight.show_item(rt, c, p, review_id))
    _print_item(item, json_output)


@app.command()
def claim(review_id: str, key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Claim an item (nobody else can decide it while your claim lasts)."""
    with _as_reviewer(key, json_output) as (rt, p):
        result = rt.writer.write(lambda c: oversight.claim(c, p, review_id, utcnow()))
    emit(result, json_output, human=f"claimed {review_id} until {result['claim_expires_at']}")


@app.command()
def release(review_id: str, key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Give an item back to the queue without deciding."""
    with _as_reviewer(key, json_output) as (rt, p):
        result = rt.writer.write(lambda c: oversight.let_go(c, p, review_id))
    emit(result, json_output, human=f"released {review_id}")


def _decide(
    key: str | None, json_output: bool, decide: Callable[[Runtime, Connection, Principal], dict[str, Any]]
) -> None:
    """As the reviewer whose key is ``key``, make a decision in one write and print it."""
    with _as_reviewer(key, json_output) as (rt, p):
        result = rt.writer.write(lambda c: decide(rt, c, p))
    result.pop("webhook_url", None)
    emit(result, json_output, human=f"{result['id']}: {result['decision']} (status {result['status']})")


@app.command()
def approve(
    review_id: str,
    comment: str = typer.Option("", help="Why (kept with the decision)."),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Approve the current version (four-eyes items need a second reviewer)."""
    _decide(key, json_output, lambda _rt, c, p: oversight.approve(c, p, review_id, comment=comment, now=utcnow()))


@app.command()
def edit(
    review_id: str,
    text: str | None = typer.Option(None, help="The corrected answer."),
    file: Path | None = typer.Option(None, "--file", help="Read the corrected answer from a file."),
    from_scratch: bool = typer.Option(False, help="You wrote it yourself (provenance: human)."),
    comment: str = typer.Option(""),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Store a corrected answer as a new version (with provenance and diff) and approve it."""
    body = file.read_text(encoding="utf-8") if file is not None else text
    if body is None:
        fail(InvalidRequest("give the corrected answer with --text or --file", code="missing_field"), json_output)
        return
    _decide(
        key,
        json_output,
        lambda rt, c, p: oversight.edit(
            rt, c, p, review_id, text=body, comment=comment, from_scratch=from_scratch, now=utcnow()
        ),
    )


@app.command()
def reject(
    review_id: str,
    reason: str = typer.Option(..., help="Shown to the requester."),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Reject the answer; the requester gets your reason instead."""
    _decide(key, json_output, lambda _rt, c, p: oversight.reject(c, p, review_id, reason=reason, now=utcnow()))


@app.command("sample-next")
def sample_next(key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Claim the oldest sampled answer for expert scoring and show its sentences."""
    with _as_reviewer(key, json_output) as (rt, p):
        item = _claim_next(
            rt,
            lambda c: oversight.claim_next_sample(c, p, utcnow()),
            lambda c, found: oversight.show_sample(rt, c, p.tenant_id, found),
        )
    human = (
        "No samples waiting."
        if item is None
        else "\n".join(
            [f"[bold]{item['id']}[/bold]  question: {item['question']}"]
            + [f"  {i + 1}. {s}" for i, s in enumerate(item["sentences"])]
            + [f"  citations: {item['citations']}"]
        )
    )
    emit(item, json_output, human=human)


@app.command()
def score(
    sample_id: str,
    sentence: list[float] | None = typer.Option(None, "--sentence", help="Accuracy 0..1 of each sentence, in order."),
    label: list[str] | None = typer.Option(
        None, "--label", help="Instead of --sentence: correct | unsupported | wrong | harmful, one per sentence."
    ),
    note: list[str] | None = typer.Option(None, "--note", help="A note per sentence, in order ('' for none)."),
    citation: float | None = typer.Option(None, "--citation", help="Citation score 0..1."),
    comment: str = typer.Option(""),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Score a claimed sample: one --label (or --sentence) per sentence, optionally --note, --citation."""
    with _as_reviewer(key, json_output) as (rt, p):
        result = rt.writer.write(
            lambda c: oversight.score_sample(
                c,
                p,
                sample_id,
                sentence_scores=sentence or None,
                sentence_labels=label or None,
                sentence_notes=note or None,
                citation_score=citation,
                comment=comment,
                now=utcnow(),
            )
        )
    emit(result, json_output, human=f"{sample_id}: total {result['total']} (accuracy {result['accuracy']})")


@app.command()
def metrics(
    use_case: str,
    days: int = typer.Option(30, help="Period, in days."),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Oversight metrics of a use case: override and rejection rates, time to decision, queue depth."""
    with _as_reviewer(key, json_output) as (rt, p), rt.engine.connect() as conn:
        uc = get_use_case(conn, p.tenant_id, use_case)["id"]
        data = oversight.oversight_metrics(conn, p.tenant_id, uc, utcnow() - dt.timedelta(days=days))
    rows = [[k, v] for k, v in data.items() if not isinstance(v, dict)]
    emit(
        {"use_case": use_case, **data},
        json_output,
        human=table(f"oversight · {use_case}", ["metric", "value"], rows),
    )


# -- the scoring queue, teams, assignments and progress ------------------------------------
@app.command()
def samples(
    status: str = typer.Option("pending", help="pending | scored | all"),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """The expert scoring queue (oldest first; no content)."""
    _listing(key, json_output, lambda conn, p: scoring.list_samples(conn, p, status=_wanted(status)), "samples", {
        "id": "id", "use case": "use_case", "sentences": "sentences", "status": "status", "claimed by": "claimed_by",
        "sampled": "created_at"})


@app.command()
def progress(key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Each reviewer today (UTC): decided, decided late, scored, open, overdue open."""
    _listing(key, json_output, lambda conn, p: assignment.progress(conn, p, utcnow()), "progress today", {
        "reviewer": "reviewer", "teams": lambda r: ",".join(r["teams"]), "decided": "decided_today",
        "late": "late_today", "scored": "scored_today", "open": "open", "overdue": "overdue_open"})


@app.command()
def assign(
    use_case: str | None = typer.Option(None, "--use-case", help="Assign this use case's whole queue ..."),
    review_id: str | None = typer.Option(None, "--review", help="... or one review item."),
    team: str | None = typer.Option(None, "--team", help="To a team (its name) ..."),
    reviewer: str | None = typer.Option(None, "--reviewer", help="... or a reviewer (key id or person id)."),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Assign a queue or an item to a team or a reviewer (admin key): offered to them first."""
    result = _admin_write(key, json_output, lambda c, p: assignment.assign(
        c, p.tenant_id, use_case=use_case, review_id=review_id, team=team, reviewer=reviewer, actor=p.key_id,
        now=utcnow()))
    emit(result, json_output, human=f"{result['id']}: assigned to {result['assignee_kind']} {result['assignee']}")


@app.command()
def unassign(assignment_id: str, key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Remove an assignment (admin key)."""
    result = _admin_write(
        key, json_output, lambda c, p: assignment.unassign(c, p.tenant_id, assignment_id, actor=p.key_id)
    )
    emit(result, json_output, human=f"removed {assignment_id}")


@app.command()
def assignments(key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """The tenant's assignments."""
    _listing(key, json_output, lambda conn, p: assignment.list_assignments(conn, p.tenant_id), "assignments", {
        "id": "id", "use case": lambda r: r["use_case"] or "", "item": lambda r: r["review_id"] or "",
        "to": lambda r: f"{r['assignee_kind']} {r['assignee']}"})


teams_app = typer.Typer(help="Reviewer teams (named sets of reviewers).", no_args_is_help=True)
app.add_typer(teams_app, name="teams")


@teams_app.command("list")
def teams_list(key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Teams and their members."""
    _listing(key, json_output, lambda conn, p: assignment.list_teams(conn, p.tenant_id), "teams", {
        "name": "name", "members": lambda r: ", ".join(r["members"]), "description": "description"})


@teams_app.command("create")
def teams_create(
    name: str,
    member: list[str] | None = typer.Option(None, "--member", help="A reviewer's key id or person id (repeat)."),
    description: str = typer.Option(""),
    key: KeyOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Create a team (admin key)."""
    result = _admin_write(key, json_output, lambda c, p: assignment.create_team(
        c, p.tenant_id, name, description=description, members=member or [], actor=p.key_id, now=utcnow()))
    emit(result, json_output, human=f"team {name}: {', '.join(result['members']) or 'no members'}")


@teams_app.command("add")
def teams_add(name: str, member: str, key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Add a reviewer to a team (admin key)."""
    result = _admin_write(
        key, json_output, lambda c, p: assignment.add_member(c, p.tenant_id, name, member, actor=p.key_id, now=utcnow())
    )
    emit(result, json_output, human=f"team {name}: {', '.join(result['members'])}")


@teams_app.command("remove")
def teams_remove(name: str, member: str, key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Take a reviewer out of a team (admin key)."""
    result = _admin_write(
        key, json_output, lambda c, p: assignment.remove_member(c, p.tenant_id, name, member, actor=p.key_id)
    )
    emit(result, json_output, human=f"team {name}: {', '.join(result['members']) or 'no members'}")


@teams_app.command("delete")
def teams_delete(name: str, key: KeyOption = None, json_output: JsonFlag = False) -> None:
    """Delete a team and its assignments (admin key)."""
    result = _admin_write(
        key, json_output, lambda c, p: assignment.delete_team(c, p.tenant_id, name, actor=p.key_id)
    )
    emit(result, json_output, human=f"deleted team {name} ({result['assignments_removed']} assignment(s) removed)")

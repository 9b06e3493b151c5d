"""``charter review``: work the review queue and the expert scoring queue as a reviewer.

Every command acts as the reviewer whose key is given (``--key`` or ``CHARTER_API_KEY``), so the
rules hold here as over HTTP: nobody reviews their own request, four-eyes needs two people."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer

from charter import oversight
from charter.cli.common import JSON_OPTION, emit, open_runtime, table
from charter.domain import Principal
from charter.errors import InvalidRequest, PermissionDenied
from charter.policy.service import get_use_case
from charter.principals.keys import KeyCache
from charter.runtime import Runtime
from charter.store.schema import utcnow

app = typer.Typer(help="Review held answers and score sampled ones (role reviewer).", no_args_is_help=True)

KEY_OPTION = typer.Option(None, "--key", envvar="CHARTER_API_KEY", help="Your reviewer key.")


def _reviewer(rt: Runtime, key: str | None) -> Principal:
    if not key:
        raise InvalidRequest("pass your reviewer key with --key or CHARTER_API_KEY", code="missing_api_key")
    principal = KeyCache(rt.engine, rt.writer, 0.0).authenticate(key)
    if principal.role not in ("reviewer", "admin"):
        raise PermissionDenied(
            f"role {principal.role!r} may not review; use a reviewer key", code="role_not_allowed"
        )
    return principal


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
    key: str | None = KEY_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """The queue (oldest first)."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)
        with rt.engine.connect() as conn:
            rows = oversight.list_items(conn, p, status=None if status == "all" else status, now=utcnow())
    emit(
        rows,
        json_output,
        human=table(
            "reviews",
            ["id", "kind", "use case", "status", "reasons", "due", "claimed by"],
            [
                [
                    r["id"],
                    r["kind"],
                    r["use_case"],
                    r["status"],
                    ",".join(r["reasons"]),
                    r["due_at"],
                    r["claimed_by"],
                ]
                for r in rows
            ],
        ),
    )


@app.command("next")
def next_(key: str | None = KEY_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Claim the oldest item you may review and show it."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)

        def take(conn: Any) -> dict[str, Any] | None:
            review_id = oversight.claim_next(conn, p, utcnow())
            return None if review_id is None else oversight.show_item(rt, conn, p, review_id)

        item = rt.writer.write(take)
    _print_item(item, json_output)


@app.command()
def show(review_id: str, key: str | None = KEY_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Show an item: question, redacted context, guard findings, proposed answer, versions."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)
        item = rt.writer.write(lambda c: oversight.show_item(rt, c, p, review_id))
    _print_item(item, json_output)


@app.command()
def claim(review_id: str, key: str | None = KEY_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Claim an item (nobody else can decide it while your claim lasts)."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)
        result = rt.writer.write(lambda c: oversight.claim(c, p, review_id, utcnow()))
    emit(result, json_output, human=f"claimed {review_id} until {result['claim_expires_at']}")


@app.command()
def release(review_id: str, key: str | None = KEY_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Give an item back to the queue without deciding."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)
        result = rt.writer.write(lambda c: oversight.let_go(c, p, review_id))
    emit(result, json_output, human=f"released {review_id}")


def _decided(result: dict[str, Any], json_output: bool) -> None:
    result.pop("webhook_url", None)
    emit(result, json_output, human=f"{result['id']}: {result['decision']} (status {result['status']})")


@app.command()
def approve(
    review_id: str,
    comment: str = typer.Option("", help="Why (kept with the decision)."),
    key: str | None = KEY_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Approve the current version (four-eyes items need a second reviewer)."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)
        result = rt.writer.write(lambda c: oversight.approve(c, p, review_id, comment=comment, now=utcnow()))
    _decided(result, json_output)


@app.command()
def edit(
    review_id: str,
    text: str | None = typer.Option(None, help="The corrected answer."),
    file: Path | None = typer.Option(None, "--file", help="Read the corrected answer from a file."),
    from_scratch: bool = typer.Option(False, help="You wrote it yourself (provenance: human)."),
    comment: str = typer.Option(""),
    key: str | None = KEY_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Store a corrected answer as a new version (with provenance and diff) and approve it."""
    body = file.read_text(encoding="utf-8") if file is not None else text
    with open_runtime(json_output) as rt:
        if body is None:
            raise InvalidRequest("give the corrected answer with --text or --file", code="missing_field")
        p = _reviewer(rt, key)
        result = rt.writer.write(
            lambda c: oversight.edit(
                rt, c, p, review_id, text=body, comment=comment, from_scratch=from_scratch, now=utcnow()
            )
        )
    _decided(result, json_output)


@app.command()
def reject(
    review_id: str,
    reason: str = typer.Option(..., help="Shown to the requester."),
    key: str | None = KEY_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Reject the answer; the requester gets your reason instead."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)
        result = rt.writer.write(lambda c: oversight.reject(c, p, review_id, reason=reason, now=utcnow()))
    _decided(result, json_output)


@app.command("sample-next")
def sample_next(key: str | None = KEY_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Claim the oldest sampled answer for expert scoring and show its sentences."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)

        def take(conn: Any) -> dict[str, Any] | None:
            sample_id = oversight.claim_next_sample(conn, p, utcnow())
            return None if sample_id is None else oversight.show_sample(rt, conn, p.tenant_id, sample_id)

        item = rt.writer.write(take)
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
    sentence: list[float] = typer.Option(..., "--sentence", help="Accuracy 0..1 of each sentence, in order."),
    citation: float | None = typer.Option(None, "--citation", help="Citation score 0..1."),
    comment: str = typer.Option(""),
    key: str | None = KEY_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Score a claimed sample: one --sentence per sentence, optionally --citation."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)
        result = rt.writer.write(
            lambda c: oversight.score_sample(
                c,
                p,
                sample_id,
                sentence_scores=sentence,
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
    key: str | None = KEY_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Oversight metrics of a use case: override and rejection rates, time to decision, queue depth."""
    with open_runtime(json_output) as rt:
        p = _reviewer(rt, key)
        with rt.engine.connect() as conn:
            uc = get_use_case(conn, p.tenant_id, use_case)["id"]
            data = oversight.oversight_metrics(conn, p.tenant_id, uc, utcnow() - dt.timedelta(days=days))
    rows = [[k, v] for k, v in data.items() if not isinstance(v, dict)]
    emit(
        {"use_case": use_case, **data},
        json_output,
        human=table(f"oversight · {use_case}", ["metric", "value"], rows),
    )

"""What requesters read: OpenAI ``chat.completion`` bodies with a ``review`` object, so an
unmodified client shows a clear notice while an answer waits for a person (HO-1)."""

from __future__ import annotations

import time
from typing import Any

from charter.domain import Exchange, Usage
from charter.domain.completion import completion_body

__all__ = ["PENDING_NOTICE", "held_response_body", "review_body", "review_ref", "status_url"]

PENDING_NOTICE = (
    "This answer is being checked by a person before it is released. "
    "Fetch it later from {status_url} (review {review_id})."
)


def status_url(review_id: str) -> str:
    return f"/v1/reviews/{review_id}"


def review_ref(review_id: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"id": review_id, "status": status, "status_url": status_url(review_id), **extra}


def review_body(
    *,
    review: dict[str, Any],
    content: str,
    model: str,
    created: int,
    finish_reason: str = "stop",
    usage: Usage | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``chat.completion`` a requester reads about a held answer, with its ``review`` object
    (and, once released, the tool calls the answer carries)."""
    return completion_body(
        completion_id=review["id"],
        created=created,
        model=model,
        content=content,
        finish_reason=finish_reason,
        usage=usage,
        tool_calls=tool_calls,
        review=review,
    )


def held_response_body(ex: Exchange) -> dict[str, Any]:
    """The HTTP 202 body for an exchange the oversee stage held (``ex.held_review_id`` is set)."""
    review_id = ex.held_review_id
    if review_id is None:
        raise ValueError("the exchange was not held for review")
    model = ex.model.alias if ex.model is not None else (ex.params.model or "")
    notice = PENDING_NOTICE.format(status_url=status_url(review_id), review_id=review_id)
    return review_body(
        review=review_ref(review_id, "pending"),
        content=notice,
        model=model,
        created=int(ex.received_at or time.time()),
        usage=ex.usage,
    )

"""What requesters read: OpenAI ``chat.completion`` bodies with a ``review`` object, so an
unmodified client shows a clear notice while an answer waits for a person (HO-1)."""

from __future__ import annotations

import time
from typing import Any

from charter.domain import Exchange

__all__ = ["PENDING_NOTICE", "completion_body", "held_response_body", "review_ref", "status_url"]

PENDING_NOTICE = (
    "This answer is being checked by a person before it is released. "
    "Fetch it later from {status_url} (review {review_id})."
)


def status_url(review_id: str) -> str:
    return f"/v1/reviews/{review_id}"


def review_ref(review_id: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"id": review_id, "status": status, "status_url": status_url(review_id), **extra}


def completion_body(
    *,
    review: dict[str, Any],
    content: str,
    model: str,
    created: int,
    finish_reason: str = "stop",
    usage: dict[str, int] | None = None,
) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{review['id']}",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": usage or {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "review": review,
    }


def held_response_body(ex: Exchange) -> dict[str, Any]:
    """The HTTP 202 body for an exchange the oversee stage held (``ex.held_review_id`` is set)."""
    review_id = ex.held_review_id
    if review_id is None:
        raise ValueError("the exchange was not held for review")
    model = ex.model.alias if ex.model is not None else (ex.params.model or "")
    usage = {
        "prompt_tokens": ex.usage.prompt_tokens,
        "completion_tokens": ex.usage.completion_tokens,
        "total_tokens": ex.usage.total_tokens,
    }
    notice = PENDING_NOTICE.format(status_url=status_url(review_id), review_id=review_id)
    return completion_body(
        review=review_ref(review_id, "pending"),
        content=notice,
        model=model,
        created=int(ex.received_at or time.time()),
        usage=usage,
    )

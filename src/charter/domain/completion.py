"""The OpenAI ``chat.completion`` body, in one place: the gateway's answer (with its ``charter``
object) and the oversight desk's held or released answer (with its ``review`` object) both take it."""

from __future__ import annotations

from typing import Any

from charter.domain.exchange import Usage

__all__ = ["completion_body", "usage_body"]


def usage_body(usage: Usage | None = None) -> dict[str, int]:
    """OpenAI's ``usage`` object (all zero when nothing was counted)."""
    usage = usage or Usage()
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }


def completion_body(
    *,
    completion_id: str,
    created: int,
    model: str,
    content: str,
    finish_reason: str,
    usage: Usage | None = None,
    logprobs: dict[str, Any] | None = None,
    **extension: dict[str, Any],
) -> dict[str, Any]:
    """One choice, ``chatcmpl-<completion_id>``; ``extension`` adds Charter's own objects after
    ``usage`` (``charter=...`` or ``review=...``)."""
    return {
        "id": f"chatcmpl-{completion_id}",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
                "logprobs": logprobs,
            }
        ],
        "usage": usage_body(usage),
        **extension,
    }

"""The OpenAI ``chat.completion`` body, in one place: the gateway's answer (with its ``charter``
object) and the oversight desk's held or released answer (with its ``review`` object) both take it."""

from __future__ import annotations

from typing import Any

from charter.domain.exchange import Exchange, Usage

__all__ = ["cache_object", "charter_object", "completion_body", "usage_body"]

#: ``ContentFilter.guard`` of the JSON-mode check (charter.gateway.answer), which runs after the
#: output guards and after ``logprobs`` are withheld.
RESPONSE_FORMAT = "response_format"


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
    tool_calls: list[dict[str, Any]] | None = None,
    **extension: dict[str, Any],
) -> dict[str, Any]:
    """One choice, ``chatcmpl-<completion_id>``; ``extension`` adds Charter's own objects after
    ``usage`` (``charter=...`` or ``review=...``). With ``tool_calls`` the message carries them (and
    ``content`` null when the model wrote no text, as OpenAI sends it)."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
        if not content:
            message["content"] = None
    return {
        "id": f"chatcmpl-{completion_id}",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": finish_reason,
                "logprobs": logprobs,
            }
        ],
        "usage": usage_body(usage),
        **extension,
    }


def cache_object(ex: Exchange) -> dict[str, Any] | None:
    """``charter.cache`` of an answer served from the response cache: ``{"hit": true, "mode"}`` and,
    for a semantic hit, the question's ``similarity`` (None when the answer was generated)."""
    note = ex.cache
    if note is None or note.result != "hit":
        return None
    body: dict[str, Any] = {"hit": True, "mode": note.mode}
    if note.similarity is not None:
        body["similarity"] = note.similarity
    return body


def charter_object(ex: Exchange, interaction_id: str) -> dict[str, Any]:
    """The ``charter`` object of an answer: the record it is, the charter and model version that made
    it, and what the stages declared for the client, in the order the stages ran (ground: citations;
    screen_output: grounding, an output guard's cut; the answer check: logprobs withheld, the JSON-mode
    cut). Nothing else a stage knows reaches the client."""
    body: dict[str, Any] = {
        "interaction_id": interaction_id,
        "use_case": ex.charter.name,
        "charter_version": ex.charter_version,
    }
    if ex.model is not None:
        body["model_version"] = ex.model.version
        body["platform_model_id"] = ex.model.platform_model_id
    cached = cache_object(ex)
    if cached is not None:
        body["cache"] = cached
    if ex.citations is not None:
        body["citations"] = ex.citations
    if ex.grounding is not None:
        body["grounding"] = ex.grounding.as_dict()
    cut = ex.content_filter
    if cut is not None and cut.guard != RESPONSE_FORMAT:
        body["content_filter"] = cut.as_dict()
    if ex.logprobs_withheld is not None:
        body["logprobs"] = ex.logprobs_withheld
    if cut is not None and cut.guard == RESPONSE_FORMAT:
        body["content_filter"] = cut.as_dict()
    return body

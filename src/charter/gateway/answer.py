"""What the client asked of the answer's form, checked once the output guards are done with it.

* **JSON mode** (``response_format`` ``json_object`` or ``json_schema``): the client gets JSON or is
  told it did not. An answer that does not parse as a JSON object (one the model wrote that way, or
  one an output guard's redaction broke) is not released as text: its content is empty and
  ``finish_reason`` is ``content_filter``, with ``charter.content_filter = {"guard":
  "response_format", "types": [<reason>]}`` (``not_json`` or ``changed_by_guard``). A streamed
  answer has gone out by then: it ends with that finish reason and object instead. An answer cut
  at ``max_tokens`` keeps ``finish_reason: length``, which says so already. The output guards
  change a JSON answer inside its string values only, JSON-escaped (charter.guards.jsontext), so a
  redacted answer is still valid JSON with the placeholders in it, and the caller's values go back
  escaped; PII a guard finds outside a string (a number) cuts the answer at that guard (its
  ``charter.content_filter`` has ``reason`` ``json_unredactable: ...``). ``changed_by_guard`` is the
  safety net behind that. A streamed JSON answer with output guards on is screened whole and sent
  in one piece.
* **logprobs**: the log probabilities name every token the model wrote. When an output guard
  changed the answer (redaction, a block, pseudonyms put back), they would show what it took out:
  they are withheld (``logprobs: null``) and ``charter.logprobs`` says why.
"""

from __future__ import annotations

import json
from typing import Any

from charter.domain import ContentFilter, Exchange
from charter.domain.completion import RESPONSE_FORMAT

__all__ = ["check_answer"]

_WITHHELD = "withheld: an output guard changed the answer, and the log probabilities would show what it took out"


def _json_object(text: str) -> bool:
    try:
        value: Any = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict)


def check_answer(ex: Exchange) -> None:
    if ex.logprobs is not None and ex.output != ex.model_output:
        ex.logprobs = None
        ex.logprobs_withheld = _WITHHELD
    if (
        not ex.params.json_mode
        or ex.tool_calls  # an answer that calls tools has no text to hold to the format
        or ex.finish_reason in ("content_filter", "length")
        or _json_object(ex.output)
    ):
        return
    changed = ex.output != ex.model_output and _json_object(ex.model_output)
    reason = "changed_by_guard" if changed else "not_json"
    ex.verdict("response_format", "block", reason=reason, chars=len(ex.output))
    if not ex.params.stream:
        ex.output = ""
    ex.finish_reason = "content_filter"
    ex.content_filter = ContentFilter(RESPONSE_FORMAT, (reason,))

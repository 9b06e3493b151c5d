"""The optional decision webhook (``review.webhook_url`` in the charter): Charter POSTs
``{id, status, status_url}`` when a review is decided. The answer itself is never sent; the
requester fetches it from the status URL with its own key. Best effort: failures are logged.

The URL must be on the outbound allow-list, checked when the charter is applied and again here
(a charter stored before is not trusted), and every address the host resolves to is checked at
connect time; redirects are not followed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import Connection

from charter.errors import InvalidRequest
from charter.outbound import OutboundPolicy
from charter.oversight.responses import review_ref
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = ["decide_and_notify", "post_decision"]

log = logging.getLogger(__name__)


def decide_and_notify(
    later: Callable[..., Any], rt: Runtime, decide: Callable[[Connection, dt.datetime], dict[str, Any]]
) -> dict[str, Any]:
    """Decide in the writer (at one ``now``), then hand the webhook post, where the charter names a
    webhook, to ``later`` (a face's background tasks, ``BackgroundTasks.add_task``): the API and the
    console decide the same way, and the decision's answer does not wait on the webhook."""
    now = utcnow()
    result: dict[str, Any] = rt.writer.write(lambda c: decide(c, now))
    url = result.pop("webhook_url", None)
    if url:
        later(post_decision, url, result, outbound=rt.egress.outbound)
    return result


def post_decision(
    url: str,
    decision: dict[str, Any],
    *,
    outbound: OutboundPolicy,
    attempts: int = 3,
    timeout: float = 5.0,
    transport: httpx.BaseTransport | None = None,
) -> bool:
    try:
        outbound.check_url(url, param="review.webhook_url")
    except InvalidRequest as exc:
        log.warning("review webhook not sent: %s", exc.message)
        return False
    payload = {"event": "review.decided", "review": review_ref(decision["id"], decision["status"])}
    if transport is None:
        client = outbound.httpx_client(timeout=timeout)
    else:
        client = httpx.Client(timeout=timeout, transport=transport, trust_env=False, follow_redirects=False)
    with client:
        for attempt in range(1, attempts + 1):
            try:
                response = client.post(url, json=payload)
                if response.status_code < 300:
                    return True
                log.warning("review webhook %s answered %s (attempt %d)", url, response.status_code, attempt)
            except httpx.HTTPError as exc:
                log.warning("review webhook %s failed: %s (attempt %d)", url, exc, attempt)
    return False

"""The optional decision webhook (``review.webhook_url`` in the charter): Charter POSTs
``{id, status, status_url}`` when a review is decided. The answer itself is never sent; the
requester fetches it from the status URL with its own key. Best effort: failures are logged.

The URL must be on the outbound allow-list, checked when the charter is applied and again here
(a charter stored before is not trusted), and every address the host resolves to is checked at
connect time; redirects are not followed."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from charter.errors import InvalidRequest
from charter.outbound import OutboundPolicy
from charter.oversight.responses import review_ref

__all__ = ["post_decision"]

log = logging.getLogger(__name__)


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

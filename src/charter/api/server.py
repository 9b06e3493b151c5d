"""How ``charter serve`` runs uvicorn: the HTTP protocol and the connection limits Charter needs.

uvicorn closes idle keep-alive connections, and the edge (:mod:`charter.api.edge`) bounds how long a
body may take, but nothing bounds the headers: a client can open a connection and send a byte of
its request line every few seconds for ever (slowloris). :class:`GuardedHttpTools` closes a
connection whose request headers are not complete ``CHARTER_HEADER_TIMEOUT_S`` after it connected
or began the request, answering ``408`` with ``connection: close``; quietly, without a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from charter.settings import Settings

__all__ = ["GuardedHttpTools", "uvicorn_options"]

log = logging.getLogger(__name__)

_TIMEOUT_BODY = (
    b'{"error":{"message":"the request headers did not arrive in time","type":"invalid_request_error",'
    b'"param":null,"code":"header_timeout"}}'
)
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b"content-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + _TIMEOUT_BODY
)


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on each request's headers."""

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self._header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expired(self) -> None:
        self._header_timer = None
        if self.transport is not None and not self.transport.is_closing():
            log.debug("closing a connection whose request headers took over %.1f s", self._header_timeout)
            self.transport.write(_TIMEOUT_RESPONSE)
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run`` / ``uvicorn.Config`` that every Charter server uses."""
    options: dict[str, Any] = {
        "http": functools.partial(GuardedHttpTools, header_timeout=settings.header_timeout_s),
        "timeout_keep_alive": 5,
        "access_log": False,
        "log_level": settings.log_level,
    }
    if settings.tls_certfile is not None and settings.tls_keyfile is not None:
        options |= {"ssl_certfile": str(settings.tls_certfile), "ssl_keyfile": str(settings.tls_keyfile)}
    return options

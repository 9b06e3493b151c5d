"""Real receivers on loopback for the alert sinks: an HTTP server, an SMTP server (aiosmtpd) and a
UDP syslog socket. Each keeps what it received; tests poll with a deadline."""

from __future__ import annotations

import email
import http.server
import json
import socket
import threading
import time
from collections.abc import Callable
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.upstream import free_port


def wait_for(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


class WebhookReceiver:
    """Records every POST (headers and raw body); answers ``status`` (set it to 500 to fail)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests]


class SmtpReceiver:
    """An aiosmtpd server on loopback keeping each message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                receiver.messages.append(email.message_from_bytes(envelope.content))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class SyslogReceiver:
    """A UDP socket on loopback; :meth:`lines` reads what arrived."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = int(self.sock.getsockname()[1])
        self.received: list[bytes] = []

    def lines(self) -> list[bytes]:
        while True:
            try:
                self.received.append(self.sock.recv(65535))
            except (TimeoutError, BlockingIOError):
                return self.received

    def stop(self) -> None:
        self.sock.close()

"""A scripted OpenAI-compatible upstream on loopback: the only thing tests may play instead of a model.

It speaks real HTTP. Tests set ``reply``, queue failures (``fail_next(n, status)``), add ``delay``,
and read ``requests`` to see exactly what a provider received. Asked for ``logprobs``, it sends one
entry per word of the reply. With ``tool_calls`` set (``[(name, arguments JSON text), ...]``) it
answers with those tool calls instead of text (``finish_reason: tool_calls``), streamed as OpenAI
streams them: the id and name first, then the arguments in pieces. ``/v1/embeddings`` answers
``[len(text), 1.0, 0.5]`` per text, or ``embed(text)`` when a test sets ``embed``. With ``script``
set, a plain chat request is answered ``script(request body)`` (a reply that depends on the question).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn


def free_port() -> int:
    """A free port on loopback, drawn below the kernel's ephemeral range: the tests hand it to a server that
    binds it a moment later (a Charter, a mock upstream, an OpenID provider, Prometheus), and a port the
    kernel picked (``bind(0)``) is an ephemeral one, which it may give to another test's outgoing connection
    in between (CI once lost an OpenID provider's start to EADDRINUSE that way)."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    top = max(min(low, 32768), 12000)
    for _ in range(200):
        port = secrets.randbelow(top - 10000) + 10000
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port on loopback below the ephemeral range")


class ScriptedUpstream:
    def __init__(self, tls: tuple[str, str] | None = None) -> None:
        #: (certificate file, key file): serve HTTPS instead of HTTP
        self.tls = tls
        self.reply = "Passports are renewed online at the passport office website."
        self.delay = 0.0
        self.stream_pieces: list[str] | None = None
        self.tool_calls: list[tuple[str, str]] | None = None
        self.embed: Callable[[str], list[float]] | None = None
        #: When set, the reply to a (non-streamed) chat request is ``script(request body)``.
        self.script: Callable[[dict[str, Any]], str] | None = None
        self.requests: list[dict[str, Any]] = []
        self._failures: list[int] = []
        self.port = free_port()
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}/v1"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def fail_next(self, count: int, status: int = 503) -> None:
        self._failures.extend([status] * count)

    # -- the ASGI app -------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope["path"]
        data = json.loads(body) if body else {}
        self.requests.append({"path": path, "body": data, "headers": dict(scope["headers"])})
        if self.delay:
            await asyncio.sleep(self.delay)
        if self._failures:
            status = self._failures.pop(0)
            await self._json(send, status, {"error": {"message": "scripted failure", "code": "scripted"}})
            return
        if path.endswith("/embeddings"):
            inputs = data["input"] if isinstance(data["input"], list) else [data["input"]]
            embed = self.embed or (lambda t: [float(len(t)), 1.0, 0.5])
            vectors = [{"object": "embedding", "index": i, "embedding": embed(t)} for i, t in enumerate(inputs)]
            await self._json(send, 200, {"object": "list", "data": vectors, "model": data.get("model"),
                                         "usage": {"prompt_tokens": 3 * len(inputs), "total_tokens": 3 * len(inputs)}})
            return
        if data.get("stream"):
            await self._stream(send, data)
            return
        reply = self.script(data) if self.script is not None else self.reply
        choice: dict[str, Any] = {"index": 0, "message": {"role": "assistant", "content": reply},
                                  "finish_reason": "stop"}
        if self.tool_calls:
            choice = {"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": None, "tool_calls": [
                    {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": arguments}}
                    for i, (name, arguments) in enumerate(self.tool_calls)]}}
        if data.get("logprobs"):  # one entry per word of the reply, as a model would per token
            choice["logprobs"] = {"content": [
                {"token": word, "logprob": -0.25, "bytes": list(word.encode()),
                 "top_logprobs": [{"token": word, "logprob": -0.25, "bytes": list(word.encode())}]
                 [:data.get("top_logprobs") or 0]}
                for word in self.reply.split(" ")], "refusal": None}
        await self._json(send, 200, {
            "id": "cmpl-1", "object": "chat.completion", "created": int(time.time()), "model": data.get("model"),
            "choices": [choice],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        })

    async def _json(self, send: Any, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]})
        await send({"type": "http.response.body", "body": raw})

    async def _stream(self, send: Any, data: dict[str, Any]) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        pieces = self.stream_pieces or [w + " " for w in self.reply.split(" ")]
        deltas: list[dict[str, Any]] = [{"content": piece} for piece in pieces]
        if self.tool_calls:
            deltas = [{"role": "assistant", "content": None}]
            for i, (name, arguments) in enumerate(self.tool_calls):
                deltas.append({"tool_calls": [{"index": i, "id": f"call_{i}", "type": "function",
                                               "function": {"name": name, "arguments": ""}}]})
                half = len(arguments) // 2
                deltas += [{"tool_calls": [{"index": i, "function": {"arguments": part}}]}
                           for part in (arguments[:half], arguments[half:])]
            pieces = [""] * len(deltas)
        for delta in deltas:
            chunk = {"id": "c", "object": "chat.completion.chunk", "model": data.get("model"),
                     "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            body = f"data: {json.dumps(chunk)}\n\n".encode()
            await send({"type": "http.response.body", "body": body, "more_body": True})
        final = {"id": "c", "object": "chat.completion.chunk",
                 "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls" if self.tool_calls else "stop"}]}
        usage = {"id": "c", "object": "chat.completion.chunk", "choices": [],
                 "usage": {"prompt_tokens": 11, "completion_tokens": len(pieces), "total_tokens": 11 + len(pieces)}}
        body = f"data: {json.dumps(final)}\n\ndata: {json.dumps(usage)}\n\ndata: [DONE]\n\n".encode()
        await send({"type": "http.response.body", "body": body})

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> ScriptedUpstream:
        tls = {"ssl_certfile": self.tls[0], "ssl_keyfile": self.tls[1]} if self.tls else {}
        config = uvicorn.Config(self, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on", **tls)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")

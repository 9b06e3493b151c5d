"""A fast OpenAI-compatible mock upstream for benchmarks: raw ASGI on uvicorn (uvloop + httptools).

Serves ``POST /v1/chat/completions`` (plain JSON, or SSE when ``"stream": true``, with ``usage`` in the
body and, for streams, in a last chunk when ``stream_options.include_usage`` is set), ``GET /v1/models``
and ``POST /v1/embeddings``. It answers at once (optionally after ``--delay-ms``) so that what a gateway
adds dominates what is measured. No auth: any bearer token is accepted.

    .venv/bin/python benchmarks/mock_upstream.py --port 18001
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ANSWER = "Hello! This is the mock upstream answering quickly."
ANSWER_TOKENS = 10
STREAM_PIECES = ("Hello!", " This is", " the mock", " upstream", " answering", " quickly.")
JSON_HEADERS = [(b"content-type", b"application/json")]
SSE_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
_ids = itertools.count(1)


def _prompt_tokens(request: dict[str, Any]) -> int:
    chars = 0
    for message in request.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            chars += len(content)
    return max(1, chars // 4)


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion(request: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-mock{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(request.get("model") or "mock"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": ANSWER},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": _usage(_prompt_tokens(request), ANSWER_TOKENS),
    }


def stream_events(request: dict[str, Any]) -> list[bytes]:
    """The whole SSE body as a list of ``data:`` events (sent as separate chunks)."""
    base = {
        "id": f"chatcmpl-mock{next(_ids)}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": str(request.get("model") or "mock"),
    }
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    deltas += [{"content": piece} for piece in STREAM_PIECES]
    chunks = [{**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]} for delta in deltas]
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    options = request.get("stream_options") or {}
    if isinstance(options, dict) and options.get("include_usage"):
        chunks.append({**base, "choices": [], "usage": _usage(_prompt_tokens(request), ANSWER_TOKENS)})
    events = [b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n" for chunk in chunks]
    events.append(b"data: [DONE]\n\n")
    return events


def embeddings(request: dict[str, Any]) -> dict[str, Any]:
    raw = request.get("input")
    inputs = raw if isinstance(raw, list) else [raw]
    data = [
        {"object": "embedding", "index": i, "embedding": [0.01 * ((i + k) % 7) for k in range(8)]}
        for i in range(len(inputs))
    ]
    tokens = sum(max(1, len(str(x)) // 4) for x in inputs)
    return {
        "object": "list",
        "data": data,
        "model": str(request.get("model") or "mock"),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


MODELS = json.dumps(
    {"object": "list", "data": [{"id": "mock", "object": "model", "created": 0, "owned_by": "mock"}]}
).encode()


async def _read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def _send_json(send: Send, status: int, payload: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": JSON_HEADERS})
    await send({"type": "http.response.body", "body": payload})


def _error(message: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode()


class MockUpstream:
    """The ASGI app. ``delay`` (seconds) is slept before each answer when above zero."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path, method = scope["path"], scope["method"]
        if method == "GET" and path.rstrip("/").endswith("/models"):
            await _send_json(send, 200, MODELS)
            return
        if method != "POST":
            await _send_json(send, 404, _error(f"no route {method} {path}"))
            return
        try:
            request = json.loads(await _read_body(receive) or b"{}")
        except ValueError:
            await _send_json(send, 400, _error("body is not JSON"))
            return
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        if path.endswith("/chat/completions"):
            await self._chat(request, send)
        elif path.endswith("/embeddings"):
            await _send_json(send, 200, json.dumps(embeddings(request)).encode())
        else:
            await _send_json(send, 404, _error(f"no route {method} {path}"))

    async def _chat(self, request: dict[str, Any], send: Send) -> None:
        if not request.get("stream"):
            await _send_json(send, 200, json.dumps(completion(request), separators=(",", ":")).encode())
            return
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        for event in stream_events(request):
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18001)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    args = parser.parse_args()
    uvicorn.run(
        MockUpstream(args.delay_ms / 1000.0),
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="on",
        backlog=4096,
    )


if __name__ == "__main__":
    main()

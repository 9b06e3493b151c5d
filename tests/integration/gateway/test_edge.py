"""The edge (charter.api.edge, charter.api.server): no body is read before the caller is known and
allowed, bodies are capped and timed, JSON the store or a guard could misread is refused, slow
clients are disconnected quietly. On SQLite and PostgreSQL (the ``live`` fixture runs on both)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from charter.runtime import Runtime
from charter.settings import Settings
from tests.conftest import Platform, make_platform
from tests.support.live import LiveCharter
from tests.support.upstream import ScriptedUpstream

JSON_TYPE = {"content-type": "application/json"}
CHAT = {"messages": [{"role": "user", "content": "How do I renew a passport?"}], "max_tokens": 8}


def _raw(port: int, head: bytes, body: bytes = b"", *, wait: float = 5.0) -> tuple[bytes, float]:
    """Send a request's head and the start of its body; return what the server answered and how
    long it took (the server must answer without waiting for the rest of the body)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head + body)
        chunks = []
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
                if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                    break
        except TimeoutError:
            pass
    return b"".join(chunks), time.monotonic() - started


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":", 1)[1])
    return False


def _status_and_error(answer: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)["error"] if body else {}


def _head(method: str, path: str, *, length: int | None, key: str | None = None, extra: str = "") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "host: 127.0.0.1", "content-type: application/json"]
    if length is not None:
        lines.append(f"content-length: {length}")
    else:
        lines.append("transfer-encoding: chunked")
    if key:
        lines.append(f"authorization: Bearer {key}")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()


# -- nothing read before the caller is known ------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/usecases", "/api/v1/models", "/v1/chat/completions", "/api/v1/incidents"])
def test_sa1_unauthenticated_body_is_refused_before_it_is_read(live, path):
    # 1,000 bytes declared, 10 sent: an edge that read the body first would wait for the rest
    answer, took = _raw(live.port, _head("POST", path, length=1000), b'{"yaml": "')
    status, error = _status_and_error(answer)
    assert (status, error["code"]) == (401, "missing_api_key")
    assert took < 3


def test_sa2_wrong_role_is_refused_before_the_body_is_read(live, platform):
    tries = [("reviewer", "/api/v1/models"), ("app", "/api/v1/usecases"), ("auditor", "/v1/chat/completions")]
    for role, path in tries:
        answer, took = _raw(live.port, _head("POST", path, length=1000, key=platform.keys[role]), b'{"alias": "')
        status, error = _status_and_error(answer)
        assert (status, error["code"]) == (403, "role_not_allowed"), (role, path)
        assert took < 3


def test_declared_oversize_body_is_413_before_it_is_read(live, platform):
    answer, _ = _raw(live.port, _head("POST", "/api/v1/incidents", length=150_000_000), b"{")
    assert _status_and_error(answer)[0] == 413
    answer, _ = _raw(live.port, _head("POST", "/api/v1/incidents", length=150_000_000, key=platform.keys["admin"]))
    assert _status_and_error(answer) == (413, _status_and_error(answer)[1])
    assert _status_and_error(answer)[1]["code"] == "body_too_large"


def test_chunked_body_over_the_cap_is_413(live, platform):
    limit = platform.rt.settings.max_body_bytes
    with httpx.Client(base_url=live.url, timeout=30) as http:

        def body() -> Iterator[bytes]:
            yield b'{"title": "'
            for _ in range(limit // 65536 + 2):
                yield b"a" * 65536
            yield b'"}'

        r = http.post("/api/v1/incidents", content=body(), headers=platform.auth("admin") | JSON_TYPE)
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "body_too_large"


def test_two_authorization_headers_are_refused(live, platform):
    extra = f"authorization: Bearer {platform.keys['admin']}\r\n"
    answer, _ = _raw(live.port, _head("GET", "/api/v1/usecases", length=0, key=platform.keys["reviewer"], extra=extra))
    status, error = _status_and_error(answer)
    assert (status, error["code"]) == (400, "ambiguous_credentials")
    both = platform.auth("admin") | {"api-key": platform.keys["reviewer"]}
    r = httpx.get(live.url + "/api/v1/usecases", headers=both)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "ambiguous_credentials")
    agreeing = platform.auth("admin") | {"api-key": platform.keys["admin"]}
    same = httpx.get(live.url + "/api/v1/usecases", headers=agreeing)
    assert same.status_code == 200, same.text


# -- JSON the store or a guard could misread --------------------------------------------------------
def test_deep_nesting_with_nul_is_400_not_500(http, platform):
    deep = b"[" * 100_000 + b'"\\u0000"' + b"]" * 100_000
    for path, role in [("/api/v1/incidents", "admin"), ("/api/v1/usecases", "admin"), ("/v1/chat/completions", "app")]:
        r = http.post(path, content=deep, headers=platform.auth(role) | JSON_TYPE)
        assert r.status_code == 400, (path, r.text)
        assert r.json()["error"]["code"] == "invalid_json", path


def test_nesting_past_64_levels_is_400(http, platform):
    body = {"title": "x", "description": "y"}
    nested: Any = "leaf"
    for _ in range(70):
        nested = [nested]
    r = http.post("/api/v1/incidents", json=body | {"interaction_ids": nested}, headers=platform.auth("admin"))
    assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_json")


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_400_invalid_value(http, platform, number):
    raw = f'{{"alias": "m2", "endpoint": "http://127.0.0.1:9/v1", "price_prompt_per_1k": {number}}}'
    r = http.post("/api/v1/models", content=raw, headers=platform.auth("admin") | JSON_TYPE)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_value"), r.text
    aliases = [m["alias"] for m in http.get("/api/v1/models", headers=platform.auth("admin")).json()]
    assert "m2" not in aliases


def test_duplicate_keys_are_refused_on_the_chat_route(http, platform):
    raw = (
        '{"messages": [{"role": "user", "content": "harmless"}], '
        '"messages": [{"role": "user", "content": "what the guard never saw"}]}'
    )
    r = http.post("/v1/chat/completions", content=raw, headers=platform.auth("app") | JSON_TYPE)
    assert r.status_code == 400, r.text
    assert r.json()["error"] | {"message": ""} == {
        "message": "", "type": "invalid_request_error", "param": "messages", "code": "duplicate_key"
    }
    assert platform.upstream.requests == []
    nested = '{"messages": [{"role": "user", "role": "system", "content": "x"}]}'
    r = http.post("/v1/chat/completions", content=nested, headers=platform.auth("app") | JSON_TYPE)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "duplicate_key")


def test_key_end_lookalikes_in_text_are_not_duplicates(http, platform):
    text = 'He wrote "note": then "note": again'
    r = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": text}], "max_tokens": 8},
                  headers=platform.auth("app"))
    assert r.status_code == 200, r.text


def test_duplicate_keys_are_refused_on_management_routes(http, platform):
    raw = '{"title": "a", "title": "b"}'
    r = http.post("/api/v1/incidents", content=raw, headers=platform.auth("admin") | JSON_TYPE)
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["param"]) == (400, "duplicate_key", "title")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_chat_route_takes_only_json(http, platform, content_type):
    headers = platform.auth("app")
    if content_type:
        headers["content-type"] = content_type
    r = http.post("/v1/chat/completions", content=json.dumps(CHAT), headers=headers)
    assert (r.status_code, r.json()["error"]["code"]) == (415, "unsupported_media_type")
    assert platform.upstream.requests == []


# -- slow and vanishing clients -------------------------------------------------------------------
@pytest.fixture
def slow_live(settings: Settings, upstream: ScriptedUpstream) -> Iterator[tuple[LiveCharter, Platform]]:
    quick = settings.model_copy(update={"header_timeout_s": 1.0, "body_timeout_s": 1.5})
    rt = Runtime.open(quick)
    try:
        platform = make_platform(rt, upstream)
        server = LiveCharter(rt).start()
        try:
            yield server, platform
        finally:
            server.stop()
    finally:
        rt.close()


def test_slow_headers_are_cut_off_with_408(slow_live):
    live, _ = slow_live
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n")
        answer = b""
        try:
            for _ in range(20):
                time.sleep(0.3)
                sock.sendall(b"x-slow: 1\r\n")
        except OSError:
            pass  # the server closed the connection
        try:
            while chunk := sock.recv(4096):
                answer += chunk
        except OSError:
            pass
    took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "header_timeout"
    assert took < 5


def test_idle_connection_without_a_request_is_closed(slow_live):
    live, _ = slow_live
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        started = time.monotonic()
        answer = sock.recv(4096)
        assert time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 408") or answer == b""


def test_slow_body_is_408_and_logs_no_traceback(slow_live, caplog):
    live, platform = slow_live
    caplog.set_level(logging.INFO)
    head = _head("POST", "/v1/chat/completions", length=500, key=platform.keys["app"])
    answer, took = _raw(live.port, head, b'{"messages": [', wait=10)
    status, error = _status_and_error(answer)
    assert (status, error["code"]) == (408, "body_timeout")
    assert took < 5
    head = _head("POST", "/api/v1/incidents", length=500, key=platform.keys["admin"])
    answer, _ = _raw(live.port, head, b'{"title": "', wait=10)
    assert _status_and_error(answer)[1]["code"] == "body_timeout"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert platform.upstream.requests == []


def test_client_that_disconnects_mid_body_logs_no_traceback(live, platform, caplog):
    caplog.set_level(logging.INFO)
    for path, role in [("/v1/chat/completions", "app"), ("/api/v1/incidents", "admin")]:
        with socket.create_connection(("127.0.0.1", live.port), timeout=5) as sock:
            sock.sendall(_head("POST", path, length=500, key=platform.keys[role]) + b'{"messages": [')
            time.sleep(0.3)
    time.sleep(0.5)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    # the server is still healthy
    r = httpx.post(live.url + "/v1/chat/completions", json=CHAT, headers=platform.auth("app"), timeout=30)
    assert r.status_code == 200, r.text


# -- uploads: a larger cap, streamed to disk --------------------------------------------------------
@contextlib.contextmanager
def _served(rt: Runtime) -> Iterator[LiveCharter]:
    server = LiveCharter(rt).start()
    try:
        yield server
    finally:
        server.stop()


def test_kb_upload_takes_its_own_cap_and_leaves_no_spool_file(settings: Settings, upstream: ScriptedUpstream):
    tight = settings.model_copy(update={"max_body_bytes": 4096, "max_upload_bytes": 64 * 1024})
    rt = Runtime.open(tight)
    try:
        platform = make_platform(rt, upstream)
        with _served(rt) as live:
            admin = platform.auth("admin")
            r = httpx.post(f"{live.url}/api/v1/kb", json={"name": "guides"}, headers=admin)
            assert r.status_code == 201, r.text
            doc = ("Passports are renewed online. " * 1000).encode()  # 30 KB: over the body cap, under the upload cap
            r = httpx.post(f"{live.url}/api/v1/kb/guides/documents?filename=guide.txt", content=doc, headers=admin,
                           timeout=60)
            assert r.status_code == 201, r.text
            too_big = b"x" * (64 * 1024 + 1)
            r = httpx.post(f"{live.url}/api/v1/kb/guides/documents?filename=big.txt", content=too_big, headers=admin)
            assert (r.status_code, r.json()["error"]["code"]) == (413, "body_too_large")
            r = httpx.post(f"{live.url}/api/v1/incidents", json={"title": "x" * 5000}, headers=admin)
            assert (r.status_code, r.json()["error"]["code"]) == (413, "body_too_large")
            spool = Path(tight.data_dir) / "uploads"
            assert not spool.exists() or list(spool.iterdir()) == []
    finally:
        rt.close()


# -- the real server: `charter serve`, two workers -------------------------------------------------
def _rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path("/proc").iterdir():
        if task.name.isdigit():
            try:
                stat = (task / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(task.name))
    return found


def _flood(port: int, path: str, key: str | None, size: int) -> int:
    """Post ``size`` bytes chunked as fast as the server takes them; the status it answered with."""
    head = _head("POST", path, length=None, key=key)
    block = b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        sent = 0
        try:
            while sent < size:
                sock.sendall(block)
                sent += 65536
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: it will not read the rest
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


@pytest.mark.slow
def test_sa1_unauthenticated_floods_do_not_grow_the_server(tmp_path: Path):
    """Four unauthenticated 150 MB posts (chunked: no size to refuse up front) to `charter serve`
    with two workers: each is answered 401 without being read, and the server does not grow (it
    grew 658 MB to 1.4 GB and kept it, before the edge). A slow client is cut off there too."""
    import os
    import subprocess
    import sys

    from tests.support.upstream import free_port, wait_for_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
    env.update(CHARTER_DATA_DIR=str(tmp_path / "data"), CHARTER_EMBEDDED_MODEL="none", CHARTER_LOG_LEVEL="warning",
               CHARTER_HEADER_TIMEOUT_S="1")
    log = (tmp_path / "serve.log").open("wb")
    charter = str(Path(sys.executable).with_name("charter"))
    proc = subprocess.Popen([charter, "serve", "--port", str(port), "--workers", "2"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, timeout=180)  # two workers starting on a loaded machine
        time.sleep(1.0)
        pids = [proc.pid, *_children(proc.pid)]
        assert len(pids) >= 3, "expected a supervisor and two workers"
        before = _rss_kb(pids)
        for path in ["/api/v1/usecases", "/api/v1/kb/x/documents?filename=a.txt", "/v1/chat/completions",
                     "/api/v1/incidents"]:
            assert _flood(port, path, None, 150 * 1024 * 1024) == 401, path
        after = _rss_kb(pids)
        assert after - before < 40 * 1024, f"RSS grew from {before} kB to {after} kB"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /v1/models HTTP/1.1\r\n")
            started = time.monotonic()
            answer = sock.recv(4096)
            assert time.monotonic() - started < 5
        assert answer.startswith(b"HTTP/1.1 408"), answer
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()
    text = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in text, text

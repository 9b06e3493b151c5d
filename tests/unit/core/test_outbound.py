"""The outbound allow-list: entry syntax, registration-time URL checks and connect-time address rules."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest
from pydantic import ValidationError

from charter.errors import InvalidRequest
from charter.outbound import OutboundPolicy, parse_entry
from charter.settings import Settings


@pytest.mark.parametrize(("entry", "shown"), [
    ("https://api.openai.com", "https://api.openai.com:443"),
    ("http://vllm.internal:8000", "http://vllm.internal:8000"),
    ("https://*.openai.azure.com:*", "https://*.openai.azure.com:*"),
    ("http://10.0.0.0/8:*", "http://10.0.0.0/8:*"),
    ("http://127.0.0.1:*", "http://127.0.0.1:*"),
    ("http://[fd00::/8]:8000", "http://[fd00::/8]:8000"),
    ("HTTP://API.Example.COM.", "http://api.example.com:80"),
])
def test_entries_parse(entry: str, shown: str) -> None:
    assert str(parse_entry(entry)) == shown


@pytest.mark.parametrize("entry", [
    "api.openai.com",            # no scheme
    "https://*",                 # a bare wildcard is "anywhere"
    "https://a.*.com",           # wildcard only as the first label
    "https://host/path",         # no path
    "https://host:0", "https://host:70000", "https://host:http",
    "grpc://host",               # no default port for the scheme
    "http://10.0.0.1/8:*",       # host bits set: a typo, not a network
    "http://[fd00::1:80",        # unclosed bracket
    "https://exa mple.com",
])
def test_bad_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError):
        parse_entry(entry)


def test_setting_refuses_a_bad_entry_at_load(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", '["https://*"]')
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path)
    monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", '["https://api.openai.com", "http://127.0.0.1:*"]')
    assert Settings(data_dir=tmp_path).outbound_allow == ["https://api.openai.com", "http://127.0.0.1:*"]


def test_default_allows_nothing_outbound(tmp_path) -> None:
    policy = OutboundPolicy.parse(Settings(data_dir=tmp_path).outbound_allow)
    for url in ("http://127.0.0.1:8000/v1", "https://api.openai.com/v1", "http://169.254.169.254/"):
        with pytest.raises(InvalidRequest) as refused:
            policy.check_url(url)
        assert refused.value.code == "destination_not_allowed"


POLICY = OutboundPolicy.parse([
    "https://api.openai.com",
    "https://*.example.com:*",
    "http://vllm.internal:8000",
    "http://10.0.0.0/8:*",
    "http://169.254.169.254",
    "http://[fd00::/8]:8000",
])


@pytest.mark.parametrize("url", [
    "https://api.openai.com/v1", "https://API.OpenAI.com:443/v1", "https://a.b.example.com:8443/x",
    "http://vllm.internal:8000/v1", "http://10.20.30.40:9000/v1", "http://169.254.169.254/latest",
    "http://[fd00::5]:8000/v1",
])
def test_urls_an_entry_covers_pass(url: str) -> None:
    POLICY.check_url(url)


@pytest.mark.parametrize("url", [
    "http://api.openai.com/v1",          # scheme differs
    "https://api.openai.com:8443/v1",    # port differs from the default
    "https://example.com/",              # *.example.com is not example.com itself
    "https://evil-example.com/",
    "http://vllm.internal:8001/v1",
    "http://127.0.0.1:8000/v1", "http://[::1]:8000/v1", "http://[::ffff:127.0.0.1]:8000/v1",
    "http://169.254.170.2/", "http://0.0.0.0:8000/", "http://11.0.0.1/",
    "https://user:pw@api.openai.com/v1", "not a url", "/relative/path", "http://host:99999/",
])
def test_urls_no_entry_covers_are_refused(url: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        POLICY.check_url(url, param="endpoint")
    assert (refused.value.code, refused.value.param) == ("destination_not_allowed", "endpoint")


@pytest.mark.parametrize(("host", "port", "address", "allowed"), [
    ("a.example.com", 443, "93.184.216.34", True),    # public address under a wildcard
    ("a.example.com", 443, "127.0.0.1", False),       # a wildcard never reaches loopback...
    ("a.example.com", 443, "10.1.2.3", False),        # ...or a private range...
    ("a.example.com", 443, "100.64.0.1", False),      # ...or shared address space...
    ("a.example.com", 443, "169.254.169.254", False),  # ...or link-local (cloud metadata)
    ("a.example.com", 443, "::1", False),
    ("a.example.com", 443, "::ffff:127.0.0.1", False),
    ("a.example.com", 443, "fe80::1", False),
    ("vllm.internal", 8000, "10.1.2.3", True),         # an exact name may be private...
    ("vllm.internal", 8000, "127.0.0.1", True),
    ("vllm.internal", 8000, "169.254.1.1", False),     # ...but never link-local
    ("169.254.169.254", 80, "169.254.169.254", True),  # an IP entry that names it
    ("vllm.internal", 8001, "10.1.2.3", False),        # no entry for that port
    ("other.internal", 8000, "10.1.2.3", False),
])
def test_connect_time_address_rules(host: str, port: int, address: str, allowed: bool) -> None:
    assert POLICY.admits_address(host, port, address) is allowed


class _Hello(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback_server() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_httpx_client_checks_every_dns_answer(loopback_server: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx has no resolver hook: the policy's client swaps the network backend of its pool. If an
    httpx upgrade ever bypasses it, the wildcard request below reaches loopback and this fails."""
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda host, *a, **k: real("127.0.0.1" if str(host).endswith(".test") else host, *a, **k))
    policy = OutboundPolicy.parse(["http://*.wild.test:*", "http://exact.test:*"])
    with policy.httpx_client(timeout=5) as client:
        with pytest.raises(httpx.ConnectError, match="outbound allow-list"):
            client.post(f"http://hook.wild.test:{loopback_server}/x")
        assert client.post(f"http://exact.test:{loopback_server}/x").status_code == 204

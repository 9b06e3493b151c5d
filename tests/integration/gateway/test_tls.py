"""Encryption in transit: `charter serve` speaks HTTPS with the operator's certificate, and Charter
verifies model servers against the agency's own CA bundle (never against nothing)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from charter.runtime import Runtime
from charter.settings import Settings
from tests.conftest import make_platform
from tests.support.live import LiveCharter
from tests.support.tls import TlsFiles, make_tls
from tests.support.upstream import ScriptedUpstream

QUESTION = {"model": "mock", "messages": [{"role": "user", "content": "How do I renew a passport?"}]}


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return make_tls(tmp_path / "tls")


def _runtime(data_dir: Path, **options: object) -> Runtime:
    return Runtime.open(Settings(data_dir=data_dir, embedded_model="none", llama_threads=1, **options))  # type: ignore[arg-type]


@pytest.fixture
def https_upstream(tls: TlsFiles) -> Iterator[ScriptedUpstream]:
    server = ScriptedUpstream(tls=(str(tls.cert), str(tls.key))).start()
    try:
        yield server
    finally:
        server.stop()


def test_sa_charter_serves_https_with_the_operators_certificate(data_dir: Path, tls: TlsFiles) -> None:
    upstream = ScriptedUpstream().start()
    rt = _runtime(data_dir, outbound_allow=["http://127.0.0.1:*"], tls_certfile=tls.cert, tls_keyfile=tls.key)
    try:
        platform = make_platform(rt, upstream)
        live = LiveCharter(rt).start()
        try:
            url = f"https://127.0.0.1:{live.port}/v1/chat/completions"
            agency_ca = ssl.create_default_context(cafile=tls.ca)
            answer = httpx.post(url, json=QUESTION, headers=platform.auth(), verify=agency_ca, timeout=30)
            assert answer.status_code == 200, answer.text
            assert answer.json()["choices"][0]["message"]["content"] == upstream.reply
            with pytest.raises(httpx.ConnectError):  # an unknown CA is refused by the client
                httpx.post(url, json=QUESTION, headers=platform.auth(), timeout=10)
            with pytest.raises(httpx.HTTPError):  # plain HTTP gets no answer on the TLS port
                httpx.post(url.replace("https", "http"), json=QUESTION, headers=platform.auth(), timeout=10)
        finally:
            live.stop()
    finally:
        rt.close()
        upstream.stop()


def test_sa_tls_settings_come_in_pairs(tls: TlsFiles, data_dir: Path) -> None:
    with pytest.raises(ValueError, match="together"):
        Settings(data_dir=data_dir, tls_certfile=tls.cert)
    with pytest.raises(ValueError, match="no such file"):
        Settings(data_dir=data_dir, upstream_ca_bundle=data_dir / "missing.pem")


@pytest.mark.parametrize("trusted", [True, False], ids=["agency-ca", "system-cas"])
def test_sa_upstream_https_is_verified_against_the_agency_ca_bundle(
    data_dir: Path, tls: TlsFiles, https_upstream: ScriptedUpstream, trusted: bool
) -> None:
    options: dict[str, object] = {"outbound_allow": ["https://127.0.0.1:*"]}
    if trusted:
        options["upstream_ca_bundle"] = tls.ca
    rt = _runtime(data_dir, **options)
    try:
        platform = make_platform(rt, https_upstream)
        live = LiveCharter(rt).start()
        try:
            answer = httpx.post(f"{live.url}/v1/chat/completions", json=QUESTION, headers=platform.auth(), timeout=30)
        finally:
            live.stop()
    finally:
        rt.close()
    if trusted:
        assert answer.status_code == 200, answer.text
        assert len(https_upstream.requests) == 1
    else:  # the certificate is not from a CA the system trusts: nothing is sent
        assert answer.status_code == 502 and answer.json()["error"]["code"] == "upstream_unavailable"
        assert https_upstream.requests == []

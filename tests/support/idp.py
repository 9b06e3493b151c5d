"""A real OpenID provider on loopback for the single sign-on tests: ``oidc-provider`` (Node), started
from tests/support/oidc/provider.mjs, and a client that signs a person in non-interactively
(authorization code + PKCE, the way the console will) and ends their session (RP-initiated logout,
which makes the provider send its back-channel logout token to Charter)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from tests.support.upstream import free_port

__all__ = ["NODE", "PROVIDER_DIR", "RESOURCE", "Provider", "Tokens"]

PROVIDER_DIR = Path(__file__).parent / "oidc"
NODE = shutil.which("node")
RESOURCE = "https://charter.test/api"
REDIRECT = "http://127.0.0.1/callback"


@dataclass
class Tokens:
    id_token: str
    access_token: str
    session: httpx.Client  # the browser: holds the provider's session cookie


class Provider:
    """``node provider.mjs PORT [BACKCHANNEL_URI]``; see that file for its clients and accounts."""

    def __init__(
        self, backchannel_uri: str | None = None, port: int | None = None, console_redirects: tuple[str, ...] = ()
    ) -> None:
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError(f"run `npm ci` in {PROVIDER_DIR} first (.ci/run does)")
        self.port = port or free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        args = [str(NODE), "provider.mjs", str(self.port)] + ([backchannel_uri] if backchannel_uri else [])
        if console_redirects:
            assert backchannel_uri, "the console's redirect URIs come after the back-channel logout URI"
            args.append(",".join(console_redirects))
        self._args = args
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self._proc = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self._args, cwd=PROVIDER_DIR, stdout=subprocess.DEVNULL, stderr=self._log)

    def log(self) -> str:
        """What the provider wrote to stderr (its warnings, back-channel deliveries and errors)."""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def start(self, timeout: float = 180.0, hang: float = 45.0) -> Provider:
        """Wait until the provider serves its own discovery document: an open port alone may be another
        process that took the port between ``free_port`` and the bind (the provider then exits with
        EADDRINUSE), or a provider still starting on a loaded machine. The port is fixed (Charter's
        settings name the issuer before the provider starts), so a provider that exits before it serves,
        or that still does not serve after ``hang`` seconds (CI saw node stop between loading
        oidc-provider and building it, twice in eight runs), is started again on the same port when
        nothing else holds it, at most twice; every failure says what the provider wrote to stderr."""
        deadline = time.monotonic() + timeout  # node starts slowly on a loaded machine (CI runs -n 2)
        spawned, restarts = time.monotonic(), 0
        try:
            while True:
                hung = self._proc.poll() is None and time.monotonic() - spawned > hang
                if self._proc.poll() is not None or hung:
                    if hung:
                        self._halt()
                    if restarts >= 2 or not _port_free(self.port):
                        raise RuntimeError(
                            f"the OpenID provider {'hung' if hung else 'exited'} ({self._proc.returncode}) after "
                            f"{restarts} restarts: {self.log()[-2000:]}")
                    restarts += 1
                    self._log.write(f"[tests] provider restarted ({'hung' if hung else 'exited'})\n".encode())
                    self._proc, spawned = self._spawn(), time.monotonic()
                try:
                    found = httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5)
                    if found.status_code == 200 and found.json().get("issuer") == self.issuer:
                        return self
                except (httpx.HTTPError, ValueError):
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"the OpenID provider on {self.port} never served its discovery document in {timeout:.0f} s"
                        f" (running: {self._proc.poll() is None}, {restarts} restarts); its stderr: "
                        f"{self.log()[-2000:]!r}")
                time.sleep(0.1)
        except (TimeoutError, RuntimeError):
            self.stop()
            raise

    def _halt(self) -> None:
        """Stop the provider process (terminate, then kill), keeping the stderr log open."""
        self._proc.terminate()
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(10)

    def stop(self) -> None:
        self._halt()
        self._log.close()

    def rotate(self) -> str:
        """A new signing key, first in the JWKS (the old one stays published); returns its kid."""
        kid: str = httpx.post(f"{self.issuer}/test/rotate", timeout=10).json()["kid"]
        return kid

    def sign_in(self, account: str, *, client: str = "charter", resource: bool = True) -> Tokens:
        """Authorization code + PKCE for ``account`` (login_hint); returns the ID and access tokens."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        params: dict[str, Any] = {
            "client_id": client, "response_type": "code", "scope": "openid charter" + (" api" if resource else ""),
            "redirect_uri": REDIRECT, "login_hint": account, "state": secrets.token_hex(8),
            "nonce": secrets.token_hex(8), "code_challenge": challenge, "code_challenge_method": "S256",
        }
        if resource:
            params["resource"] = RESOURCE
        browser = httpx.Client(timeout=10)
        response = browser.get(f"{self.issuer}/auth", params=params)
        for _ in range(10):
            location = response.headers.get("location")
            assert location and response.is_redirect, f"sign-in stopped: {response.status_code} {response.text[:500]}"
            url = urljoin(str(response.url), location)
            if url.startswith(REDIRECT):
                break
            response = browser.get(url)
        query = parse_qs(urlsplit(url).query)
        assert "code" in query, f"no code: {query}"
        token = httpx.post(
            f"{self.issuer}/token",
            data={"grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": REDIRECT,
                  "code_verifier": verifier},
            auth=(client, f"{client}-secret"),
            timeout=10,
        )
        assert token.status_code == 200, token.text
        body = token.json()
        return Tokens(body["id_token"], body.get("access_token", ""), browser)

    def sign_out(self, tokens: Tokens) -> None:
        """RP-initiated logout with the person's browser session; the provider then sends a
        back-channel logout token to every client of the session that registered a URI."""
        self.end_session(tokens.session, tokens.id_token)

    def end_session(self, browser: httpx.Client, id_token: str | None = None) -> None:
        """:meth:`sign_out` for a browser that holds the provider's session cookie (the console's sign-in
        keeps no ID token in the browser, so none is hinted)."""
        params = {"id_token_hint": id_token} if id_token else {}
        page = browser.get(f"{self.issuer}/session/end", params=params)
        found = re.search(r'name="xsrf" value="([^"]+)"', page.text)
        assert found, page.text[:500]
        done = browser.post(f"{self.issuer}/session/end/confirm", data={"xsrf": found.group(1), "logout": "yes"})
        assert done.status_code in (200, 303), done.text[:500]


def _port_free(port: int) -> bool:
    """Whether ``port`` on loopback can be bound now (no other process took it)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True

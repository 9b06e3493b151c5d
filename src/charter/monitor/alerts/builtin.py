"""Charter's own alert sinks, registered through the same hook as outside plugins: ``webhook`` (a
JSON POST signed with HMAC-SHA256), ``email`` (SMTP, STARTTLS) and ``syslog`` (RFC 5424 over UDP or
TCP). Each destination must be on the outbound allow-list (``https://…``, ``smtp://host:port``,
``syslog://host:port``), checked at start-up and again for every address the host resolves to.

A factory takes ``(options, settings, egress)`` and returns an :class:`~.sinks.AlertSink`."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import smtplib
import socket
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any, Literal

import httpx
import orjson
from pydantic import Field

from charter.errors import CharterError
from charter.hookspecs import Register, hookimpl
from charter.monitor.alerts.config import config_invalid
from charter.monitor.alerts.sinks import SinkOptions, parse_options
from charter.outbound import OutboundPolicy, OutboundRefused
from charter.policy.tenants import PLATFORM_TENANT
from charter.secretstore import Egress
from charter.settings import Settings

__all__ = ["SIGNATURE_HEADER", "EmailSink", "SyslogSink", "WebhookSink", "register_alert_sinks", "sign"]

#: The webhook's signature header: ``sha256=<hex HMAC-SHA256 of the raw body>``.
SIGNATURE_HEADER = "x-charter-signature"


def sign(key: str, body: bytes) -> str:
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def _checked(policy: OutboundPolicy, scheme: str, host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to that the allow-list admits (refused: none)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    answers = list(dict.fromkeys(str(info[4][0]) for info in infos))
    allowed = [a for a in answers if policy.admits_address(host, port, a, scheme=scheme)]
    if not allowed:
        raise OutboundRefused(f"{scheme}://{host}:{port} resolves to no address the allow-list admits")
    return allowed


def _admit(egress: Egress, url: str, param: str) -> None:
    try:
        egress.outbound.check_url(url, param=param)
    except CharterError as exc:
        raise config_invalid(exc.message) from None


def _secret(egress: Egress, name: str, host: str, param: str) -> str:
    try:
        return egress.secrets.credential(name, tenant=PLATFORM_TENANT, host=host, param=param).value
    except CharterError as exc:
        raise config_invalid(f"{exc.message} (grant it to tenant {PLATFORM_TENANT!r})") from None


def _subject(notice: Mapping[str, Any]) -> str:
    alert = notice["alert"]
    where = f" ({alert['use_case']})" if alert.get("use_case") else ""
    return f"[Charter] {notice['kind'].upper()} {alert['severity']} {alert['name']}{where}: {alert['summary']}"


class WebhookOptions(SinkOptions):
    url: str
    secret: str = Field(description="Name of the secret (secrets file) used as the HMAC key.")
    timeout_s: float = Field(default=10.0, gt=0, le=120)


class WebhookSink:
    def __init__(self, options: WebhookOptions, egress: Egress) -> None:
        _admit(egress, options.url, "alerts.sinks.url")
        host = egress.outbound.check_url(options.url).host
        self._key = _secret(egress, options.secret, host, "alerts.sinks.secret")
        self._url = options.url
        self._client: httpx.AsyncClient = egress.outbound.async_httpx_client(timeout=options.timeout_s)

    async def send(self, notice: Mapping[str, Any]) -> None:
        body = orjson.dumps(notice, option=orjson.OPT_SORT_KEYS)
        headers = {"content-type": "application/json", SIGNATURE_HEADER: sign(self._key, body)}
        response = await self._client.post(self._url, content=body, headers=headers)
        if response.status_code >= 300:
            raise RuntimeError(f"webhook answered {response.status_code}")

    async def aclose(self) -> None:
        await self._client.aclose()


class EmailOptions(SinkOptions):
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    sender: str = Field(alias="from", min_length=3)
    to: list[str] = Field(min_length=1)
    username: str | None = None
    password_secret: str | None = Field(default=None, description="Secret holding the SMTP password.")
    timeout_s: float = Field(default=10.0, gt=0, le=120)


class EmailSink:
    def __init__(self, options: EmailOptions, egress: Egress) -> None:
        _admit(egress, f"smtp://{options.host}:{options.port}", "alerts.sinks.host")
        self._o = options
        self._policy = egress.outbound
        self._password = (
            _secret(egress, options.password_secret, options.host, "alerts.sinks.password_secret")
            if options.password_secret
            else None
        )

    def _send(self, message: EmailMessage) -> None:
        o = self._o
        address = _checked(self._policy, "smtp", o.host, o.port)[0]
        with smtplib.SMTP(timeout=o.timeout_s) as smtp:
            smtp.connect(address, o.port)  # the checked address, never a second DNS answer
            smtp._host = o.host  # type: ignore[attr-defined]  # STARTTLS verifies the certificate for the name
            if o.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if o.username and self._password:
                smtp.login(o.username, self._password)
            smtp.send_message(message)

    async def send(self, notice: Mapping[str, Any]) -> None:
        message = EmailMessage()
        message["Subject"] = _subject(notice)[:200]
        message["From"] = self._o.sender
        message["To"] = ", ".join(self._o.to)
        message.set_content(_subject(notice) + "\n\n" + json.dumps(notice, indent=2, sort_keys=True) + "\n")
        await asyncio.to_thread(self._send, message)

    async def aclose(self) -> None:
        return None


class SyslogOptions(SinkOptions):
    host: str
    port: int = Field(default=514, ge=1, le=65535)
    protocol: Literal["udp", "tcp"] = "udp"
    facility: int = Field(default=16, ge=0, le=23, description="16 = local0.")
    timeout_s: float = Field(default=5.0, gt=0, le=60)


#: RFC 5424 severities: critical 2, warning 4, info 6; a resolve notice is 5 (notice).
_SYSLOG_SEVERITY = {"critical": 2, "warning": 4, "info": 6}


class SyslogSink:
    def __init__(self, options: SyslogOptions, egress: Egress) -> None:
        _admit(egress, f"syslog://{options.host}:{options.port}", "alerts.sinks.host")
        self._o = options
        self._policy = egress.outbound
        self._hostname = socket.gethostname() or "-"

    def line(self, notice: Mapping[str, Any]) -> bytes:
        alert = notice["alert"]
        severity = 5 if notice["kind"] == "resolved" else _SYSLOG_SEVERITY.get(alert["severity"], 4)
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        text = _subject(notice) + " " + json.dumps(notice, sort_keys=True, separators=(",", ":"))
        return f"<{self._o.facility * 8 + severity}>1 {stamp} {self._hostname} charter - alert - {text}".encode()

    def _send(self, payload: bytes) -> None:
        o = self._o
        address = _checked(self._policy, "syslog", o.host, o.port)[0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        kind = socket.SOCK_DGRAM if o.protocol == "udp" else socket.SOCK_STREAM
        with socket.socket(family, kind) as sock:
            sock.settimeout(o.timeout_s)
            sock.connect((address, o.port))
            if o.protocol == "udp":
                sock.send(payload)
            else:
                sock.sendall(str(len(payload)).encode() + b" " + payload)  # RFC 6587 octet counting

    async def send(self, notice: Mapping[str, Any]) -> None:
        await asyncio.to_thread(self._send, self.line(notice))

    async def aclose(self) -> None:
        return None


def make_webhook(options: Mapping[str, Any], settings: Settings, egress: Egress) -> WebhookSink:
    return WebhookSink(parse_options(WebhookOptions, "webhook", options), egress)


def make_email(options: Mapping[str, Any], settings: Settings, egress: Egress) -> EmailSink:
    return EmailSink(parse_options(EmailOptions, "email", options), egress)


def make_syslog(options: Mapping[str, Any], settings: Settings, egress: Egress) -> SyslogSink:
    return SyslogSink(parse_options(SyslogOptions, "syslog", options), egress)


@hookimpl
def register_alert_sinks(register: Register) -> None:
    register("webhook", make_webhook)
    register("email", make_email)
    register("syslog", make_syslog)

"""The outbound allow-list: where Charter may open a connection (model endpoints, knowledge-base
embedders, evaluation targets, review webhooks). Nothing outbound goes where an operator did not
allow: the default list is empty, and the embedded model needs none.

An entry is ``scheme://host[:port]`` (``CHARTER_OUTBOUND_ALLOW``). ``host`` is a DNS name
(``vllm.internal``), a wildcard (``*.openai.azure.com``, never the bare suffix itself), an IP
(``10.0.0.5``, ``[fd00::5]``) or a CIDR (``10.0.0.0/8``, ``[fd00::/8]``); ``port`` is a number or
``*``, and without one the scheme's default (80, 443; other schemes must name a port).

Two checks, both here:

- **at registration** (:meth:`OutboundPolicy.check_url`): the URL's scheme, host and port must match
  an entry, else ``400 destination_not_allowed``;
- **at connect time** (:meth:`OutboundPolicy.admits_address`, used by :class:`CheckedResolver` for
  aiohttp and :class:`CheckedBackend` for httpx): every address a name resolves to is checked, and
  Charter connects only to the checked ones (a name that changes its answer cannot slip past).
  Loopback, private, shared, reserved and other non-global addresses pass only when the matching
  entry names that IP/CIDR or is an exact (non-wildcard) host name; link-local addresses
  (169.254.0.0/16, fe80::/10, the cloud metadata service) only when an IP/CIDR entry covers them.

Clients built here never follow redirects and never read proxy settings from the environment.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp
import anyio.to_thread
import httpcore
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from charter.errors import InvalidRequest

__all__ = [
    "AllowEntry",
    "CheckedBackend",
    "CheckedResolver",
    "HostPattern",
    "OutboundPolicy",
    "OutboundRefused",
    "parse_entry",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{0,31}$")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_DNS_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")


class OutboundRefused(OSError):
    """A connection the outbound allow-list refuses (an ``OSError``, so HTTP clients report it as a
    failed connection; nothing was sent)."""


@dataclass(frozen=True, slots=True)
class HostPattern:
    """One host of an allow-list entry or of a secret's ``hosts``: exact name, ``*.suffix`` or IP/CIDR."""

    kind: Literal["name", "wildcard", "network"]
    value: str
    network: IPNetwork | None = None

    @classmethod
    def parse(cls, text: str) -> HostPattern:
        host = text.strip().lower().rstrip(".")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if "://" in host:
            raise ValueError(f"{text!r}: a host (DNS name, `*.suffix`, IP or CIDR), not a URL")
        if "/" in host or ":" in host or re.fullmatch(r"[0-9.]+", host):
            try:
                network = ipaddress.ip_network(host, strict=True)
            except ValueError as exc:
                raise ValueError(f"{text!r} is not an IP address or CIDR ({exc})") from None
            return cls("network", str(network), network)
        if host.startswith("*."):
            suffix = host[2:]
            if not _DNS_NAME.match(suffix) or "*" in suffix:
                raise ValueError(f"{text!r}: a wildcard is `*.` followed by a DNS name")
            return cls("wildcard", suffix)
        if not _DNS_NAME.match(host):
            raise ValueError(f"{text!r} is not a DNS name, `*.suffix`, IP address or CIDR")
        return cls("name", host)

    def matches(self, host: str) -> bool:
        """Does a URL's host (lower-case, no brackets) match this pattern?"""
        if self.kind == "name":
            return host == self.value
        if self.kind == "wildcard":
            return host.endswith("." + self.value)
        ip = _ip(host)
        return ip is not None and self.network is not None and ip in self.network

    def __str__(self) -> str:
        if self.network is not None and self.network.prefixlen == self.network.max_prefixlen:
            return str(self.network.network_address)
        return f"*.{self.value}" if self.kind == "wildcard" else self.value


@dataclass(frozen=True, slots=True)
class AllowEntry:
    scheme: str
    host: HostPattern
    port: int | None  # None: any port

    def matches(self, scheme: str | None, host: str, port: int) -> bool:
        return (scheme is None or scheme == self.scheme) and (self.port is None or self.port == port) and (
            self.host.matches(host)
        )

    def admits_address(self, ip: IPAddress) -> bool:
        """May this entry's destination be reached at ``ip`` (an address its host resolved to)?"""
        covered = self.host.network is not None and ip in self.host.network
        if ip.is_link_local:
            return covered
        if _special(ip):
            return covered or self.host.kind == "name"
        return True

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in str(self.host) else str(self.host)
        return f"{self.scheme}://{host}:{'*' if self.port is None else self.port}"


def parse_entry(text: str) -> AllowEntry:
    """``scheme://host[:port]`` → :class:`AllowEntry` (``ValueError`` with the reason otherwise)."""
    scheme, sep, rest = text.strip().partition("://")
    scheme = scheme.lower()
    if not sep or not _SCHEME.match(scheme):
        raise ValueError(f"{text!r}: an entry is scheme://host[:port], e.g. https://api.openai.com")
    if rest.startswith("["):
        host, bracket, tail = rest[1:].partition("]")
        if not bracket:
            raise ValueError(f"{text!r}: unclosed [ in an IPv6 host")
    else:
        host, _, tail = rest.partition(":")
        tail = f":{tail}" if _ else ""
    if tail and not tail.startswith(":"):
        raise ValueError(f"{text!r}: nothing may follow the host but :port (no path)")
    port_text = tail[1:]
    if port_text == "*":
        port: int | None = None
    elif port_text:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise ValueError(f"{text!r}: the port is a number 1-65535 or *")
        port = int(port_text)
    elif scheme in DEFAULT_PORTS:
        port = DEFAULT_PORTS[scheme]
    else:
        raise ValueError(f"{text!r}: name the port (the scheme {scheme} has no default)")
    return AllowEntry(scheme, HostPattern.parse(host), port)


def _ip(host: str) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _special(ip: IPAddress) -> bool:
    """Loopback, private, shared, reserved, unspecified, multicast: anything not plainly public."""
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True, slots=True)
class Destination:
    scheme: str
    host: str
    port: int


def split_url(url: str, *, param: str = "endpoint") -> Destination:
    """The scheme, host and port a URL connects to (400 ``destination_not_allowed`` when it has none)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidRequest(
            f"{param}: {url!r} is not a URL ({exc})", code="destination_not_allowed", param=param
        ) from None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".")
    if not scheme or not host:
        raise InvalidRequest(f"{param}: {url!r} is not an absolute URL", code="destination_not_allowed", param=param)
    if parts.username is not None or parts.password is not None:
        raise InvalidRequest(
            f"{param}: credentials in the URL are refused; reference an operator-defined secret instead",
            code="destination_not_allowed",
            param=param,
        )
    if port is None:
        port = DEFAULT_PORTS.get(scheme, 0)
    ip = _ip(host)
    return Destination(scheme, str(ip) if ip is not None else host, port)


class OutboundPolicy:
    """The parsed allow-list (immutable). ``OutboundPolicy()`` allows nothing."""

    def __init__(self, entries: Iterable[AllowEntry] = (), *, ca_bundle: Path | None = None) -> None:
        self.entries: tuple[AllowEntry, ...] = tuple(entries)
        #: The CAs HTTPS destinations are verified against (None: the system's). Always verified.
        self.ca_bundle = ca_bundle
        self.ssl_context: ssl.SSLContext | None = (
            None if ca_bundle is None else ssl.create_default_context(cafile=str(ca_bundle))
        )

    @classmethod
    def parse(cls, entries: Sequence[str], *, ca_bundle: Path | None = None) -> OutboundPolicy:
        return cls((parse_entry(e) for e in entries), ca_bundle=ca_bundle)

    @classmethod
    def from_settings(cls, settings: Any) -> OutboundPolicy:
        """The operator's policy: ``outbound_allow`` and ``upstream_ca_bundle``."""
        return cls.parse(settings.outbound_allow, ca_bundle=settings.upstream_ca_bundle)

    def _matching(self, scheme: str | None, host: str, port: int) -> list[AllowEntry]:
        return [e for e in self.entries if e.matches(scheme, host, port)]

    def check_url(self, url: str, *, param: str = "endpoint") -> Destination:
        """Refuse (400 ``destination_not_allowed``) a URL no entry allows; an IP literal is also held
        to the address rules (a loopback or private IP needs an entry that names it)."""
        dest = split_url(url, param=param)
        found = self._matching(dest.scheme, dest.host, dest.port)
        ip = _ip(dest.host)
        if found and (ip is None or any(e.admits_address(ip) for e in found)):
            return dest
        host = f"[{dest.host}]" if ":" in dest.host else dest.host
        raise InvalidRequest(
            f"{param}: {dest.scheme}://{host}:{dest.port} is not on the operator's outbound allow-list "
            "(CHARTER_OUTBOUND_ALLOW); ask the operator to allow it",
            code="destination_not_allowed",
            param=param,
        )

    def admits_address(self, host: str, port: int, address: str, *, scheme: str | None = None) -> bool:
        """Connect time: may ``host:port`` be reached at ``address`` (one of the host's DNS answers)?"""
        ip = _ip(address)
        if ip is None:
            return False
        return any(e.admits_address(ip) for e in self._matching(scheme, host.lower().rstrip("."), port))

    def __bool__(self) -> bool:
        return bool(self.entries)

    # -- clients ---------------------------------------------------------------------------
    def aiohttp_connector(self, **options: Any) -> aiohttp.TCPConnector:
        """A connector whose DNS answers pass :meth:`admits_address` (IP literals skip DNS in aiohttp,
        so check the URL with :meth:`check_url` before using it)."""
        if self.ssl_context is not None:
            options.setdefault("ssl", self.ssl_context)
        return aiohttp.TCPConnector(resolver=CheckedResolver(self), **options)

    def httpx_client(self, **options: Any) -> httpx.Client:
        """An httpx client that connects only where the policy admits (no redirects, no env proxies)."""
        transport = httpx.HTTPTransport(verify=self.ssl_context or True)
        # httpx offers no public hook for name resolution; its connection pool (httpcore) takes a
        # network backend, set here. tests/unit/core/test_outbound.py fails if that ever stops working.
        transport._pool._network_backend = CheckedBackend(self)
        return httpx.Client(transport=transport, trust_env=False, follow_redirects=False, **options)

    def async_httpx_client(self, **options: Any) -> httpx.AsyncClient:
        """The async twin of :meth:`httpx_client`."""
        transport = httpx.AsyncHTTPTransport(verify=self.ssl_context or True)
        transport._pool._network_backend = AsyncCheckedBackend(self)
        return httpx.AsyncClient(transport=transport, trust_env=False, follow_redirects=False, **options)


def _refused(host: str, port: int) -> OutboundRefused:
    return OutboundRefused(
        f"{host}:{port}: no address it resolves to is allowed by the outbound allow-list (CHARTER_OUTBOUND_ALLOW)"
    )


class CheckedResolver(AbstractResolver):
    """aiohttp's default resolver, keeping only the answers the policy admits."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self.policy = policy
        self._inner = aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        allowed = [a for a in answers if self.policy.admits_address(host, port, a["host"])]
        if not allowed:
            raise _refused(host, port)
        return allowed

    async def close(self) -> None:
        await self._inner.close()


def _checked_addresses(policy: OutboundPolicy, host: str, port: int) -> list[str]:
    ip = _ip(host)
    if ip is not None:
        answers = [str(ip)]
    else:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        answers = list(dict.fromkeys(str(info[4][0]) for info in infos))
    allowed = [a for a in answers if policy.admits_address(host, port, a)]
    if not allowed:
        raise _refused(host, port)
    return allowed


class CheckedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend connecting only to addresses the policy admits (TLS still verifies
    the host name: httpcore passes it as the server name)."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = _checked_addresses(self.policy, host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not outbound destinations")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class AsyncCheckedBackend(httpcore.AsyncNetworkBackend):
    """The async twin of :class:`CheckedBackend` (name resolution runs in a thread)."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await anyio.to_thread.run_sync(_checked_addresses, self.policy, host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not outbound destinations")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)

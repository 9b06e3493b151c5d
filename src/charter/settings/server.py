"""Settings of ``charter serve``: where it listens, what it accepts, TLS, and what it loads."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator

from charter.settings.section import Section

__all__ = ["ServerSettings"]


class ServerSettings(Section):
    """The server's address, limits, TLS, plugins and logging (part of :class:`~charter.settings.Settings`)."""

    host: str = "127.0.0.1"
    """Address `charter serve` binds to."""
    port: int = Field(default=8080, ge=1, le=65535)
    """Port `charter serve` listens on."""
    workers: int = Field(default=1, ge=1, le=64)
    """Uvicorn worker processes for `charter serve`."""
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    """Largest request body accepted on every route but uploads, in bytes (413 above it, before the body is read)."""
    max_upload_bytes: int = Field(default=67_108_864, ge=1024)
    """Largest file accepted by the routes that take one (knowledge-base uploads), in bytes; streamed to disk, never
    held in memory (413 above it)."""
    header_timeout_s: float = Field(default=10.0, gt=0, le=300)
    """A client must send a request's headers within this many seconds of starting it (or of connecting); slower
    connections are closed (`charter serve`)."""
    body_timeout_s: float = Field(default=60.0, gt=0, le=3600)
    """A request's whole body must arrive within this many seconds of the request's start (408 `body_timeout` after
    that)."""
    tls_certfile: Path | None = None
    """`charter serve` speaks HTTPS with this certificate chain (PEM); set with `tls_keyfile`. Unset: plain HTTP
    (behind a TLS-terminating proxy, or on loopback)."""
    tls_keyfile: Path | None = None
    """The private key (PEM, owner-only) of `tls_certfile`."""
    upstream_ca_bundle: Path | None = None
    """CA certificates (PEM) Charter trusts for HTTPS to model servers, embedders, webhooks and alert sinks, instead
    of the system's: an agency's internal CA. Certificates are always verified."""
    plugins: list[str] | None = None
    """Allow-list of outside plugin names (entry points in group `charter`): only these are imported, and a name no
    installed package provides stops the start (`plugin_invalid`). Unset: every installed plugin loads; `[]`:
    built-ins only."""
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    """Log level of the server."""
    demo: bool = True
    """`charter init` creates a demo tenant, use case and API key on first run."""

    @model_validator(mode="after")
    def _tls_pair(self) -> Self:
        if (self.tls_certfile is None) != (self.tls_keyfile is None):
            raise ValueError("set tls_certfile and tls_keyfile together (CHARTER_TLS_CERTFILE, CHARTER_TLS_KEYFILE)")
        for path in (self.tls_certfile, self.tls_keyfile, self.upstream_ca_bundle):
            if path is not None and not path.is_file():
                raise ValueError(f"{path}: no such file")
        return self

"""Provider secrets: credentials the operator names, grants to tenants and binds to hosts.

A tenant never names an environment variable; it references a secret by name (``secret:
openai-prod`` in a model entry or a knowledge base's embedder options), and Charter sends it only
when the secret is granted to that tenant and the destination's host is one of the secret's
``hosts``. The file (``CHARTER_SECRETS_FILE``; unset: ``keys/secrets.toml`` in the data directory
when it exists) must be readable by its owner only::

    [secrets.openai-prod]
    env = "OPENAI_API_KEY"           # or: value = "sk-..."
    tenants = ["agency", "health"]   # or: tenants = "*"
    hosts = ["api.openai.com"]       # required: DNS names, *.suffix, IPs or CIDRs

``env`` may not name a ``CHARTER_*`` variable: platform settings are never reachable. The checks
run when a model or knowledge base is registered (400 ``secret_not_allowed``) and again when its
client is built (:class:`Egress`): a row stored before the rules changed is not trusted.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from charter.errors import InvalidRequest, Unavailable
from charter.outbound import HostPattern, OutboundPolicy, split_url
from charter.settings import Settings

__all__ = ["NO_EGRESS", "SECRET_NAME", "Credential", "Egress", "SecretStore", "secret_name_refusal"]

#: What a secret's name looks like (model entries and embedder options reference it).
SECRET_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"  # noqa: S105 - a pattern, not a password

#: Endpoint schemes served inside the gateway process: nothing goes out.
LOCAL_SCHEMES = ("embedded",)


class _SecretSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,199}$")
    value: str | None = Field(default=None, min_length=1)
    tenants: list[str] | Literal["*"]
    hosts: list[str] = Field(min_length=1)

    @field_validator("env")
    @classmethod
    def _not_platform(cls, env: str | None) -> str | None:
        if env is not None and env.upper().startswith("CHARTER_"):
            raise ValueError("a CHARTER_* variable is a platform setting and may not be a provider secret")
        return env

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, hosts: list[str]) -> list[str]:
        """Every host must parse (:meth:`HostPattern.parse`): a malformed one fails the file at load (503
        ``secret_store_invalid``), not the first request that would send the secret."""
        for host in hosts:
            HostPattern.parse(host)
        return hosts

    @model_validator(mode="after")
    def _one_source(self) -> _SecretSpec:
        if (self.env is None) == (self.value is None):
            raise ValueError("give exactly one of env and value")
        if not self.tenants:
            raise ValueError('tenants lists tenant names, or is "*" for every tenant')
        return self


class _SecretsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secrets: dict[str, _SecretSpec] = Field(default_factory=dict)

    @field_validator("secrets")
    @classmethod
    def _names(cls, secrets: dict[str, _SecretSpec]) -> dict[str, _SecretSpec]:
        bad = [name for name in secrets if not re.match(SECRET_NAME, name)]
        if bad:
            raise ValueError(f"secret names are letters, digits, '.', '_' and '-' (not: {', '.join(bad)})")
        return secrets


@dataclass(frozen=True, slots=True)
class Credential:
    """A resolved secret, bound to its hosts: it refuses to be used for any other host."""

    name: str
    hosts: tuple[HostPattern, ...]
    value: str = field(repr=False)

    def allows(self, url: str) -> bool:
        host = split_url(url).host
        return any(h.matches(host) for h in self.hosts)

    def authorization(self, url: str) -> str:
        """The ``Authorization`` header value for a request to ``url`` (never for another host)."""
        if not self.allows(url):
            raise InvalidRequest(
                f"secret {self.name!r} may not be sent to {split_url(url).host}", code="secret_not_allowed"
            )
        return f"Bearer {self.value}"


def _unsafe(path: Path, why: str) -> Unavailable:
    return Unavailable(f"secrets file {path}: {why}", code="secret_store_invalid")


@dataclass(frozen=True)
class SecretStore:
    """The operator's secrets, loaded once at start-up. ``SecretStore()`` holds none."""

    specs: dict[str, _SecretSpec] = field(default_factory=dict)
    source: Path | None = None

    @classmethod
    def load(cls, path: Path | None, *, required: bool = False) -> SecretStore:
        """Read ``path``; refuse (503 ``secret_store_invalid``) a file that others may read, or that is
        missing when it was named explicitly, or malformed."""
        if path is None or (not required and not path.exists()):
            return cls()
        try:
            info = path.stat()
        except OSError as exc:
            raise _unsafe(path, f"cannot be read ({exc.strerror or exc}); CHARTER_SECRETS_FILE names it") from None
        if not stat.S_ISREG(info.st_mode):
            raise _unsafe(path, "is not a regular file")
        if info.st_mode & 0o077:
            raise _unsafe(
                path,
                f"is readable or writable by group or others (mode {stat.S_IMODE(info.st_mode):04o}); "
                f"run `chmod 600 {path}` (owner-only) and start again",
            )
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            parsed = _SecretsFile.model_validate(data)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise _unsafe(path, f"cannot be parsed ({exc})") from None
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise _unsafe(path, problems) from None
        return cls(dict(parsed.secrets), path)

    def names(self) -> list[str]:
        return sorted(self.specs)

    def _granted(self, name: str, tenant: str, *, param: str) -> _SecretSpec:
        spec = self.specs.get(name)
        if spec is None or (spec.tenants != "*" and tenant not in spec.tenants):
            # one answer for "no such secret" and "not yours": a tenant cannot probe for names
            raise InvalidRequest(
                f"{param}: no secret {name!r} is granted to tenant {tenant!r}; the operator defines secrets "
                "and grants them to tenants (docs/operations.md, Provider secrets)",
                code="secret_not_allowed",
                param=param,
            )
        return spec

    def check(self, name: str, *, tenant: str, host: str, param: str = "secret") -> None:
        """Refuse (400 ``secret_not_allowed``) a secret that is unknown, not granted to ``tenant``, or
        bound to hosts other than ``host``."""
        spec = self._granted(name, tenant, param=param)
        if not any(HostPattern.parse(h).matches(host) for h in spec.hosts):
            raise InvalidRequest(
                f"{param}: secret {name!r} may not be sent to {host}; the operator binds each secret to its hosts",
                code="secret_not_allowed",
                param=param,
            )

    def credential(self, name: str, *, tenant: str, host: str, param: str = "secret") -> Credential:
        self.check(name, tenant=tenant, host=host, param=param)
        spec = self.specs[name]
        value = spec.value if spec.env is None else os.environ.get(spec.env, "")
        if not value:
            raise Unavailable(
                f"secret {name!r} has no value on this server (its variable {spec.env} is unset or empty)",
                code="secret_store_invalid",
            )
        return Credential(name, tuple(HostPattern.parse(h) for h in spec.hosts), value)


def secret_name_refusal(field_name: str, *, replacement: str = "secret", param: str | None = None) -> InvalidRequest:
    """The refusal of a field that named an environment variable (``api_key_env``), replaced by ``secret``."""
    return InvalidRequest(
        f"`{field_name}` is no longer accepted: reference an operator-defined secret by name with "
        f"`{replacement}` (docs/operations.md, Provider secrets)",
        code="unsupported_parameter",
        param=param or field_name,
    )


@dataclass(frozen=True)
class Egress:
    """What may leave the gateway: the outbound allow-list and the secret store, checked together."""

    outbound: OutboundPolicy = field(default_factory=OutboundPolicy)
    secrets: SecretStore = field(default_factory=SecretStore)

    @classmethod
    def from_settings(cls, settings: Settings) -> Egress:
        return cls(
            OutboundPolicy.from_settings(settings),
            SecretStore.load(settings.effective_secrets_file, required=settings.secrets_file is not None),
        )

    def admit(
        self,
        endpoint: str | None,
        *,
        secret: str | None,
        tenant: str,
        param: str = "endpoint",
        reference_param: str = "secret",
    ) -> str | None:
        """Registration: refuse (400) an endpoint off the allow-list or a secret this tenant may not
        send there. Returns the host the endpoint connects to (None: nothing goes out)."""
        if endpoint is None or endpoint.split("://", 1)[0].lower() in LOCAL_SCHEMES:
            if secret is not None:
                raise InvalidRequest(
                    f"{reference_param}: a secret needs an endpoint on one of its hosts; "
                    f"{endpoint or 'no endpoint'} has none",
                    code="secret_not_allowed",
                    param=reference_param,
                )
            return None
        host = self.outbound.check_url(endpoint, param=param).host
        if secret is not None:
            self.secrets.check(secret, tenant=tenant, host=host, param=reference_param)
        return host

    def credential(self, endpoint: str | None, *, secret: str | None, tenant: str) -> Credential | None:
        """Client build: the same checks again (a stored row is not trusted), then the secret's value."""
        host = self.admit(endpoint, secret=secret, tenant=tenant)
        if secret is None or host is None:
            return None
        return self.secrets.credential(secret, tenant=tenant, host=host)


#: Nothing outbound, no secrets: what a caller that passes no runtime egress gets (fail closed).
NO_EGRESS = Egress()

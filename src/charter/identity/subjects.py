"""End users as pseudonymous subjects (SA-3, SA-5).

An application names the person it asks for in the OpenAI ``user`` field (or in the request header
its charter names in ``end_users.header``). Charter never stores that value: it keeps
``subject_id = "sub_" + HMAC-SHA256(tenant key, value)[:32 hex]``, where the tenant key is derived
from the deployment's subject key (``keys/subjects.key`` in the data directory, 32 random bytes,
owner-only, created on first use) and the tenant id. The same person gets the same id in one tenant
and unrelated ids in two tenants; nobody without the key can test a guess. Every replica must hold
the same key file (copy ``keys/`` as for the raw tier's key ring); losing it only breaks the link
between old and new ids of the same person.

An officer's identity (staff, in the header ``end_users.officer_header``) is not pseudonymised: the
record must say which officer asked, and the review screen shows it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from charter.domain import Charter
from charter.errors import InvalidRequest, Unavailable
from charter.files import private_dir
from charter.runtime import Runtime

__all__ = [
    "CONSENT_HEADER", "MAX_ID_CHARS", "Identity", "SubjectKey", "check_identifier", "identify", "subject_key",
    "training_consent",
]

#: The request header with the end user's answer on training use of this exchange (docs/learning.md).
CONSENT_HEADER = "x-charter-training-consent"
_CONSENT_VALUES = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}

#: The longest end-user or officer identifier accepted.
MAX_ID_CHARS = 256
_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a request is for: the pseudonymous end user and the officer, either may be unknown."""

    subject_id: str | None = None
    officer: str | None = None
    #: What the request's :data:`CONSENT_HEADER` said about training use (None: nothing).
    training_consent: bool | None = None


def check_identifier(value: str, param: str) -> str:
    """An identifier as sent, or ``400 invalid_value`` naming ``param``: 1..256 characters, no
    control characters, not only white space."""
    if not value.strip() or len(value) > MAX_ID_CHARS:
        raise InvalidRequest(f"{param} must be 1 to {MAX_ID_CHARS} characters", code="invalid_value", param=param)
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise InvalidRequest(f"{param} must not contain control characters", code="invalid_value", param=param)
    return value


class SubjectKey:
    """The deployment's subject key and the per-tenant keys derived from it."""

    def __init__(self, master: bytes) -> None:
        if len(master) != _KEY_BYTES:
            raise Unavailable(f"the subject key must be {_KEY_BYTES} bytes", code="store_unavailable")
        self._master = master
        self._tenants: dict[str, bytes] = {}

    @classmethod
    def open_or_create(cls, path: Path) -> SubjectKey:
        private_dir(path.parent)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(os.urandom(_KEY_BYTES))
        try:
            return cls(path.read_bytes())
        except OSError as exc:
            raise Unavailable(f"subject key {path} cannot be read ({exc}); restore it from the backup of keys/",
                              code="store_unavailable") from None

    def _tenant_key(self, tenant_id: str) -> bytes:
        key = self._tenants.get(tenant_id)
        if key is None:
            key = hmac.new(self._master, f"charter:subject-key:{tenant_id}".encode(), hashlib.sha256).digest()
            self._tenants[tenant_id] = key
        return key

    def subject_id(self, tenant_id: str, value: str) -> str:
        """The pseudonymous id of end user ``value`` in tenant ``tenant_id``."""
        digest = hmac.new(self._tenant_key(tenant_id), value.encode("utf-8", "surrogatepass"), hashlib.sha256)
        return "sub_" + digest.hexdigest()[:32]


def subject_key(rt: Runtime) -> SubjectKey:
    """The runtime's subject key (``rt.parts["subjects"]``), read or created on first use (two
    threads racing here read the same file: it is created once, exclusively)."""
    return rt.part(
        "subjects", SubjectKey, lambda: SubjectKey.open_or_create(rt.settings.data_dir / "keys" / "subjects.key")
    )


def identify(rt: Runtime, charter: Charter, tenant_id: str, user: str | None,
             headers: Mapping[str, str]) -> Identity:
    """The request's :class:`Identity` under ``charter.end_users``: the body's ``user`` field, else
    the charter's header, pseudonymised; the officer header as sent. ``400 missing_end_user`` when
    the charter requires an end user and none is named; ``400 invalid_value`` for a malformed one."""
    policy = charter.end_users
    value, param = user, "user"
    if value is None and policy.header:
        value, param = headers.get(policy.header.lower()), policy.header.lower()
    if value is None and policy.required:
        where = "the `user` field" + (f" or the {policy.header} header" if policy.header else "")
        raise InvalidRequest(f"this use case needs the end user named in {where}", code="missing_end_user",
                             param="user")
    officer_header = (policy.officer_header or "").lower()
    officer = headers.get(officer_header) if officer_header else None
    return Identity(
        subject_id=None if value is None else subject_key(rt).subject_id(tenant_id, check_identifier(value, param)),
        officer=None if officer is None else check_identifier(officer, officer_header),
        training_consent=training_consent(headers),
    )


def training_consent(headers: Mapping[str, str]) -> bool | None:
    """The :data:`CONSENT_HEADER` as a bool (None when absent); ``400 invalid_value`` otherwise."""
    value = headers.get(CONSENT_HEADER)
    if value is None:
        return None
    consent = _CONSENT_VALUES.get(value.strip().lower())
    if consent is None:
        raise InvalidRequest(f"{CONSENT_HEADER} must be true or false", code="invalid_value", param=CONSENT_HEADER)
    return consent

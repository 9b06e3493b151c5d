"""Fixtures for knowledge-base tests: a runtime on both engines with a tenant, and guards.

The real ``pii`` and ``injection`` guards are used when a plugin registers them; otherwise small
stand-ins that find e-mail addresses and "ignore previous instructions" take their place, so these
tests prove the knowledge capability's use of the Guard protocol either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from charter.domain import Finding, Principal
from charter.guards.base import GuardContext, GuardResult
from charter.knowledge import service
from charter.policy.service import ensure_tenant
from charter.runtime import Runtime
from charter.settings import Settings

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class StandInPII:
    name, version, directions = "pii", "test", ("input", "output", "context")

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        found = [Finding("pii", "EMAIL_ADDRESS", m.start(), m.end(), 0.95) for m in EMAIL.finditer(text)]
        return GuardResult(found, "flag" if found else "pass", 0.95 if found else 0.0)


class StandInInjection:
    name, version, directions = "injection", "test", ("input", "context")

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        at = text.lower().find("ignore previous instructions")
        if at < 0:
            return GuardResult([], "pass", 0.0)
        return GuardResult([Finding("injection", "instruction_override", at, at + 28, 0.99)], "flag", 0.99)


class BagOfWordsEmbedder:
    """A deterministic test embedder: hashed bag of words (no model, no network)."""

    name, model, dim = "bow", "test-bow", 256

    def __init__(self, settings: Settings | None = None, **_options: Any) -> None:
        pass

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                out[i, sum(map(ord, word)) * 31 % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms


def _ensure(rt: Runtime, kind: str, name: str, factory: Any) -> None:
    if name not in rt.extensions.names(kind):
        rt.extensions.items[kind][name] = factory


@pytest.fixture
def kb_runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime.open(settings)
    _ensure(rt, "guards", "pii", lambda s, **_: StandInPII())
    _ensure(rt, "guards", "injection", lambda s, **_: StandInInjection())
    rt.extensions.items["embedders"]["bow"] = BagOfWordsEmbedder
    try:
        yield rt
    finally:
        rt.close()


@pytest.fixture
def tenant(kb_runtime: Runtime) -> str:
    return kb_runtime.writer.write(lambda conn: ensure_tenant(conn, "agency-a"))


@pytest.fixture
def other_tenant(kb_runtime: Runtime) -> str:
    return kb_runtime.writer.write(lambda conn: ensure_tenant(conn, "agency-b"))


def admin(tenant_id: str, tenant: str = "agency-a") -> Principal:
    return Principal(key_id="key_admin", tenant_id=tenant_id, tenant=tenant, role="admin", use_case=None)


def make_kb(rt: Runtime, tenant_id: str, name: str = "handbook", **options: Any) -> dict[str, Any]:
    options.setdefault("pii_policy", "redact")
    egress = options.pop("egress", rt.egress)
    spec = service.KnowledgeBaseSpec(name=name, **options)
    return rt.writer.write(
        lambda conn: service.create_kb(conn, spec, tenant_id=tenant_id, actor="tester", egress=egress)
    )

"""The runtime: the explicit objects one Charter process works with (no module-level globals).

The API app, the CLI and tests each open one :class:`Runtime` from :class:`Settings`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from sqlalchemy import Connection, Engine

from charter.files import private_dir, warn_exposed
from charter.plugins import Extensions, load_extensions
from charter.secretstore import Egress
from charter.settings import Settings
from charter.store import Writer, make_engine, upgrade

__all__ = ["PolicyCache", "Runtime"]

P = TypeVar("P")
R = TypeVar("R")


@runtime_checkable
class PolicyCache(Protocol):
    """A part that keeps policy read from the store (charters, model entries, kill switches, keys,
    prompt labels) for a while: it forgets all of it on :meth:`invalidate`."""

    def invalidate(self) -> None: ...


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    writer: Writer
    extensions: Extensions
    #: Where outbound connections may go and which provider secrets each tenant may send there.
    egress: Egress
    #: Capability-owned objects (router, caches, guard set, ...), created lazily by their owners.
    #: A part that caches policy is a :class:`PolicyCache`.
    parts: dict[str, Any] = field(default_factory=dict)

    def part(self, name: str, kind: type[P], make: Callable[[], P]) -> P:
        """The part ``name`` (a ``kind``), made by ``make`` the first time its owner asks for it."""
        found = self.parts.get(name)
        if found is None:
            found = self.parts[name] = make()
        assert isinstance(found, kind)
        return found

    def read(self, query: Callable[[Connection], R]) -> R:
        """``query``'s answer, read on a connection of its own (writes go through :attr:`writer`)."""
        with self.engine.connect() as conn:
            return query(conn)

    def policy_changed(self) -> None:
        """Every writer of policy (charters, keys, models, kill switches, suspensions, prompt labels)
        calls this after its write commits: each policy cache of this process forgets what it holds,
        so the change applies to the next request here. Other processes see it within
        ``policy_cache_ttl_s``."""
        for part in list(self.parts.values()):
            if isinstance(part, PolicyCache):
                part.invalidate()

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True, extra_plugins: tuple[object, ...] = ()) -> Runtime:
        egress = Egress.from_settings(settings)  # a bad secrets file stops the start, before anything opens
        extensions = load_extensions(settings.plugins, extra=extra_plugins)  # so does a bad plugin (plugin_invalid)
        private_dir(settings.data_dir)  # 0700 when Charter creates it
        warn_exposed(settings)  # an existing data directory, database or key file open to others
        engine = make_engine(settings.effective_database_url, synchronous=settings.sqlite_synchronous)
        if migrate:
            upgrade(engine)
        writer = Writer(
            engine,
            max_batch=settings.group_commit_max_batch,
            max_wait_ms=settings.group_commit_max_wait_ms,
        )
        writer.start()
        return cls(settings=settings, engine=engine, writer=writer, extensions=extensions, egress=egress)

    def close(self) -> None:
        for part in list(self.parts.values()):
            closer = getattr(part, "close", None)
            if callable(closer):
                closer()
        self.parts.clear()
        self.writer.stop()
        self.engine.dispose()

"""The guard set of one runtime: guards built lazily from the plugins' extensions, and ``scan_text``,
the one function behind ``charter guards scan`` and ``POST /api/v1/guards/scan``."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from charter.domain import Charter
from charter.domain.charter import GuardAction
from charter.errors import InvalidRequest, Unavailable
from charter.guards.base import Direction, Guard, GuardContext, GuardResult
from charter.guards.cache import DEFAULT_SIZE, VerdictCache
from charter.plugins import Extensions
from charter.settings import Settings

__all__ = ["GuardSet", "guard_set", "run_guard", "scan_text"]

T = TypeVar("T")
_PER_CHARTER = 256  # charters whose derived plans a guard set keeps


class GuardSet:
    """Registered guard factories, the guards built from them (one instance per name) and the
    runtime's verdict cache."""

    def __init__(self, extensions: Extensions, settings: Settings | None = None) -> None:
        self._factories: dict[str, Any] = dict(extensions.items.get("guards", {}))
        self._settings = settings
        self._built: dict[str, Guard] = {}
        self._lock = threading.Lock()
        self.cache = VerdictCache(settings.guard_cache_size if settings is not None else DEFAULT_SIZE)
        # what a stage works out from a charter alone (which guards are on for a direction), kept
        # per charter object: a charter is immutable, and the one a use case runs under is the same
        # object from request to request. An entry holds its charter, so its id is not reused.
        self._per_charter: OrderedDict[tuple[int, str], tuple[Charter, Any]] = OrderedDict()

    def names(self) -> list[str]:
        return sorted(self._factories)

    def get(self, name: str) -> Guard:
        """The guard called ``name``; fails closed (503 guard_unavailable) when it cannot be had."""
        guard = self._built.get(name)
        if guard is not None:
            return guard
        factory = self._factories.get(name)
        if factory is None:
            raise Unavailable(
                f"the charter turns on guard {name!r}, which is not installed (installed: "
                f"{', '.join(self.names()) or 'none'}); install it or set its action to off",
                code="guard_unavailable",
            )
        with self._lock:
            guard = self._built.get(name)
            if guard is None:
                try:
                    guard = factory(self._settings)
                except Exception as exc:  # a guard that cannot start must not be skipped
                    raise Unavailable(f"guard {name!r} could not start: {exc}",
                                      code="guard_unavailable") from exc
                if not isinstance(guard, Guard):
                    raise Unavailable(f"guard {name!r} does not implement the Guard protocol",
                                      code="guard_unavailable")
                self._built[name] = guard
        return guard

    def per_charter(self, charter: Charter, key: str, make: Callable[[], T]) -> T:
        """``make()``, worked out once per charter object and ``key`` (the last 256 are kept; what
        raises is not kept, so a charter that fails fails every time)."""
        found = self._per_charter.get((id(charter), key))
        if found is not None and found[0] is charter:
            value: T = found[1]
            return value
        value = make()
        with self._lock:
            self._per_charter[(id(charter), key)] = (charter, value)
            while len(self._per_charter) > _PER_CHARTER:
                self._per_charter.popitem(last=False)
        return value

    def check_charter(self, charter: Charter) -> None:
        """Refuse a charter whose options a guard it turns on rejects (``400 invalid_charter`` naming
        ``guards.<name>.options``), at apply time rather than on the first request. A guard that is
        not installed is left to the request path, which fails closed (``guard_unavailable``)."""
        problems = []
        for name, policy in charter.guards.items():
            if policy.action is GuardAction.off or name not in self._factories:
                continue
            check = getattr(self.get(name), "check_options", None)
            if not callable(check):
                continue
            try:
                check(dict(policy.options))
            except ValueError as exc:
                problems.append({"field": f"guards.{name}.options", "line": None, "message": str(exc)})
        if problems:
            first = problems[0]
            raise InvalidRequest(f"{first['field']}: {first['message']}", code="invalid_charter",
                                 param=str(first["field"]), extra={"problems": problems})

    def describe(self) -> list[dict[str, Any]]:
        out = []
        for name in self.names():
            guard = self.get(name)
            out.append({"name": name, "version": guard.version, "directions": list(guard.directions)})
        return out


def guard_set(rt: Any) -> GuardSet:
    """The runtime's guard set (kept in ``rt.parts["guards"]``)."""
    found: GuardSet = rt.part("guards", GuardSet, lambda: GuardSet(rt.extensions, rt.settings))
    return found


def run_guard(guard: Guard, text: str, context: GuardContext) -> tuple[GuardResult, float]:
    """Scan with fail-closed semantics: a crash, or a finding outside the text, refuses the request."""
    started = time.perf_counter()
    try:
        result = guard.scan(text, context)
    except Exception as exc:
        raise Unavailable(f"guard {guard.name!r} failed ({type(exc).__name__}); the request was refused "
                          "rather than let through unscreened", code="guard_unavailable") from exc
    if not isinstance(result, GuardResult) or (result.findings and any(
        not 0 <= f.start <= f.end <= len(text) for f in result.findings
    )):
        raise Unavailable(f"guard {guard.name!r} returned an invalid result", code="guard_unavailable")
    return result, (time.perf_counter() - started) * 1000.0


def scan_text(guards: GuardSet, text: str, names: list[str] | None = None, *,
              direction: Direction = "input", threshold: float = 0.5) -> dict[str, Any]:
    """Run guards over ``text``: findings (guard, type, start, end, score) with character offsets
    into ``text``, and a verdict (``flag`` when any guard flags). Default: every guard that screens
    the given direction."""
    if names is None:
        names = [n for n in guards.names() if direction in guards.get(n).directions]
    unknown = [n for n in names if n not in guards.names()]
    if unknown:
        raise InvalidRequest(f"unknown guard(s): {', '.join(unknown)}; "
                             f"installed: {', '.join(guards.names())}",
                             code="invalid_value", param="guards")
    findings: list[dict[str, Any]] = []
    per_guard: dict[str, Any] = {}
    for name in names:
        guard = guards.get(name)
        result, ms = run_guard(guard, text, GuardContext(direction=direction, threshold=threshold))
        kept = [f for f in result.findings if f.score >= threshold]
        flagged = bool(kept) or (result.verdict == "flag" and result.score >= threshold)
        per_guard[name] = {"version": guard.version, "verdict": "flag" if flagged else "pass",
                           "score": round(result.score, 4), "ms": round(ms, 3)}
        findings.extend({"guard": name, "type": f.type, "start": f.start, "end": f.end,
                         "score": round(f.score, 4)} for f in kept)
    verdict = "flag" if any(g["verdict"] == "flag" for g in per_guard.values()) else "pass"
    return {"findings": findings, "verdict": verdict, "guards": per_guard}

"""Routing: which registered model serves a request, with retries, fallbacks and circuit breakers.

Candidates are the charter's allowed aliases, in order (the requested alias first), filtered by
enabled flag, model kill switch, hosting region (DP-8) and classification ceiling (DP-6). Within an
alias, entries are picked by traffic weight (canary). Each endpoint has a circuit breaker. When
nothing allowed is left, the caller gets a clear error: never a silent route elsewhere.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from charter.domain import Charter, ModelEntry, classification_rank
from charter.errors import InvalidRequest, NotFound, Suspended

__all__ = [
    "CircuitBreaker", "Route", "canary_bucket", "check_requested", "eligible_models", "keep_supporting", "plan_route",
    "split_canary",
]


@dataclass(slots=True)
class CircuitBreaker:
    """Closed → open after ``failures`` consecutive failures → half-open (one probe) after ``reset_s``."""

    failures: int = 5
    reset_s: float = 30.0
    consecutive: int = 0
    opened_at: float | None = None
    probing: bool = False

    def allow(self, now: float | None = None) -> bool:
        if self.opened_at is None:
            return True
        now = time.monotonic() if now is None else now
        if now - self.opened_at >= self.reset_s and not self.probing:
            self.probing = True
            return True
        return False

    def success(self) -> None:
        self.consecutive = 0
        self.opened_at = None
        self.probing = False

    def failure(self, now: float | None = None) -> None:
        self.consecutive += 1
        self.probing = False
        if self.consecutive >= self.failures:
            self.opened_at = time.monotonic() if now is None else now

    @property
    def state(self) -> str:
        return "closed" if self.opened_at is None else ("half-open" if self.probing else "open")


@dataclass(slots=True)
class Route:
    """The ordered fallback chain: one list of weighted entries per alias."""

    chain: list[list[ModelEntry]]
    filtered: dict[str, str]  # alias/entry -> why it was left out


def eligible_models(
    charter: Charter, entries: Sequence[ModelEntry], killed_models: set[str]
) -> tuple[dict[str, list[ModelEntry]], dict[str, str]]:
    ceiling = classification_rank(charter.classification_ceiling)
    allowed_regions = set(charter.regions)
    by_alias: dict[str, list[ModelEntry]] = {}
    why: dict[str, str] = {}
    for entry in entries:
        if entry.alias not in charter.models:
            continue
        label = f"{entry.alias}/{entry.platform_model_id}@{entry.version}"
        if not entry.enabled:
            why[label] = "disabled"
        elif entry.alias in killed_models:
            why[label] = "kill switch"
        elif entry.region not in allowed_regions:
            why[label] = f"region {entry.region} not in charter regions"
        elif classification_rank(entry.classification_ceiling) < ceiling:
            why[label] = f"classification ceiling {entry.classification_ceiling} below {charter.classification_ceiling}"
        elif entry.weight <= 0:
            why[label] = "weight 0"
        else:
            by_alias.setdefault(entry.alias, []).append(entry)
    return by_alias, why


def check_requested(charter: Charter, requested: str | None, entries: Sequence[ModelEntry]) -> None:
    """404 ``model_not_found`` for a model nobody registered, 400 ``model_not_allowed`` for one the
    charter does not list. Cheap, so the gateway asks it at admission, before any guard reads the
    request: a request for a model that does not exist costs no screening."""
    if requested is not None and requested not in charter.models:
        registered = {e.alias for e in entries}
        if requested not in registered:
            raise NotFound(
                f"model {requested!r} does not exist; GET /v1/models lists the ones you may use",
                code="model_not_found",
                param="model",
            )
        raise InvalidRequest(
            f"model {requested!r} is not allowed for this use case (allowed: {', '.join(charter.models)})",
            code="model_not_allowed",
            param="model",
        )


def plan_route(
    charter: Charter, requested: str | None, entries: Sequence[ModelEntry], killed_models: set[str]
) -> Route:
    """Decide the fallback chain for one request (raises a clear error when none is allowed)."""
    check_requested(charter, requested, entries)
    by_alias, why = eligible_models(charter, entries, killed_models)
    order = [requested] if requested else []
    order += [a for a in charter.models if a != requested]
    chain = [by_alias[a] for a in order if a in by_alias]
    if not chain:
        if why and all(reason == "kill switch" for reason in why.values()):
            raise Suspended(
                "every model this use case may use is switched off; " + charter.outage_message, code="model_suspended"
            )
        detail = "; ".join(f"{k}: {v}" for k, v in sorted(why.items())) or "none of its aliases is registered"
        raise InvalidRequest(f"no model may serve this use case ({detail})", code="no_eligible_model", param="model")
    return Route(chain=chain, filtered=why)


def keep_supporting(
    planned: Route,
    needed: Sequence[str],
    supports: Callable[[ModelEntry], frozenset[str]],
    conflicts: Callable[[ModelEntry], tuple[frozenset[str], ...]] = lambda entry: (),
) -> Route:
    """Keep the entries whose provider passes on every optional parameter in ``needed`` and is not
    known to break on a combination of them (``conflicts``: e.g. JSON mode with penalties on the
    embedded model); why the others were left out goes to ``filtered``. None left:
    ``400 unsupported_parameter`` naming the parameter, never an answer that quietly ignores it."""
    chain: list[list[ModelEntry]] = []
    filtered = dict(planned.filtered)
    first_missing: str | None = None
    for alias_entries in planned.chain:
        kept = []
        for entry in alias_entries:
            missing = [name for name in needed if name not in supports(entry)]
            missing += [" with ".join(sorted(combo)) for combo in conflicts(entry) if combo <= set(needed)]
            if missing:
                first_missing = first_missing or missing[0]
                filtered[f"{entry.alias}/{entry.platform_model_id}@{entry.version}"] = (
                    f"{entry.provider} provider does not support {', '.join(missing)}"
                )
            else:
                kept.append(entry)
        if kept:
            chain.append(kept)
    if not chain:
        param = (first_missing or needed[0]).split(" with ")[0]
        detail = "; ".join(f"{k}: {v}" for k, v in sorted(filtered.items()))
        raise InvalidRequest(
            f"`{param}` is not supported by any model this use case may use ({detail}); drop it",
            code="unsupported_parameter",
            param=param,
        )
    return Route(chain=chain, filtered=filtered)


def canary_bucket(canary_id: str, request_id: str) -> float:
    """Where a request falls in [0, 1) for a canary: the same request id always falls in the same place."""
    digest = hashlib.sha256(f"{canary_id}:{request_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def split_canary(planned: Route, request_id: str) -> tuple[Route, dict[str, object] | None]:
    """Send the request to a canary entry or away from it (charter.training.canary). A request whose
    bucket falls under the canary's share tries the canary first, then the alias's serving entries
    (fallback); every other request never reaches the canary. Returns the route and what to record
    (``{id, arm, version}``), or None when no alias on the chain has a canary."""
    chain: list[list[ModelEntry]] = []
    mark: dict[str, object] | None = None
    for alias_entries in planned.chain:
        canaries = [e for e in alias_entries if e.canary_id is not None]
        if not canaries or mark is not None:
            kept = [e for e in alias_entries if e.canary_id is None]
            if kept:
                chain.append(kept)
            continue
        canary = canaries[0]
        assert canary.canary_id is not None
        rest = [e for e in alias_entries if e.canary_id is None]
        to_candidate = canary_bucket(canary.canary_id, request_id) < canary.canary_share
        mark = {"id": canary.canary_id, "arm": "candidate" if to_candidate else "incumbent",
                "version": f"{canary.alias}@{canary.registry_version}"}
        if to_candidate:
            chain.append([canary])
        if rest:
            chain.append(rest)
    if mark is None:
        return planned, None
    return Route(chain=chain, filtered=planned.filtered), mark


def pick_weighted(entries: list[ModelEntry], rng: Callable[[], float] = random.random) -> list[ModelEntry]:
    """Order an alias's entries: one drawn by weight first, the rest after (as in-alias fallbacks)."""
    if len(entries) == 1:
        return entries
    total = sum(e.weight for e in entries)
    point = rng() * total
    for i, entry in enumerate(entries):
        point -= entry.weight
        if point < 0:
            return [entry, *entries[:i], *entries[i + 1 :]]
    return entries


async def backoff(attempt: int, base: float) -> None:
    if base > 0:
        await asyncio.sleep(base * (2**attempt) * (0.5 + random.random() / 2))

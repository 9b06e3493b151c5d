"""Claims and self-review on the store, on SQLite and PostgreSQL: two replicas (two runtimes, two
writers) race for the same item and exactly one wins."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from charter.domain import Charter, ChatMessage, Exchange, GenerationParams, Principal
from charter.errors import Conflict, PermissionDenied
from charter.gateway.record import record
from charter.interactions.crypto import KeyRing
from charter.oversight import claim, claim_next, oversee
from charter.policy.service import apply_charter, ensure_tenant
from charter.principals.keys import create_key
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import utcnow

CHARTER = Charter(name="permits", tenant="city", models=["m"], regions=["local"], review={"always": True})  # type: ignore[arg-type]


def _world(rt: Runtime) -> tuple[str, str, list[Principal]]:
    KeyRing.open_or_create(rt.settings.effective_raw_key_file)

    def make(conn: Any) -> tuple[str, str, list[Principal]]:
        tid = ensure_tenant(conn, "city")
        apply_charter(conn, CHARTER, actor="test")
        from charter.policy.service import get_use_case

        uc = get_use_case(conn, tid, "permits")["id"]
        app = create_key(conn, tenant_id=tid, role="app", actor="test", use_case_id=uc)
        people = [Principal(app.id, tid, "city", "app", "permits")]
        for i in range(8):
            key = create_key(conn, tenant_id=tid, role="reviewer", actor="test", name=f"r{i}")
            people.append(Principal(key.id, tid, "city", "reviewer", None))
        return tid, uc, people

    return rt.writer.write(make)


def _held(rt: Runtime, use_case_id: str, requester: Principal) -> str:
    ex = Exchange(
        request_id="req-1",
        principal=requester,
        use_case_id=use_case_id,
        charter=CHARTER,
        charter_version=1,
        messages=[ChatMessage("user", "May I build a shed?")],
        params=GenerationParams(),
    )
    ex.output = "Sheds under 10 m2 need no permit."

    async def run() -> None:
        await oversee(ex, rt)
        await record(ex, rt)

    asyncio.run(run())
    assert ex.held_review_id is not None
    return ex.held_review_id


def test_ho1_concurrent_claims_from_two_replicas_have_one_winner(settings: Settings) -> None:
    first = Runtime.open(settings)
    second = Runtime.open(settings)
    try:
        _, uc, people = _world(first)
        review_id = _held(first, uc, people[0])
        reviewers = people[1:]
        barrier = threading.Barrier(len(reviewers))
        outcomes: list[str] = []

        def attempt(i: int, who: Principal) -> None:
            rt = first if i % 2 else second
            barrier.wait()
            try:
                rt.writer.write(lambda c: claim(c, who, review_id, utcnow()))
                outcomes.append(who.key_id)
            except Conflict:
                outcomes.append("lost")

        threads = [threading.Thread(target=attempt, args=(i, p)) for i, p in enumerate(reviewers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        winners = [o for o in outcomes if o != "lost"]
        assert len(outcomes) == len(reviewers) and len(winners) == 1
        loser = next(p for p in reviewers if p.key_id not in winners)
        assert second.writer.write(lambda c: claim_next(c, loser, utcnow())) is None
    finally:
        second.close()
        first.close()


def test_ho1_concurrent_next_hands_out_distinct_items(settings: Settings) -> None:
    first = Runtime.open(settings)
    second = Runtime.open(settings)
    try:
        _, uc, people = _world(first)
        items = {_held(first, uc, people[0]) for _ in range(3)}
        reviewers = people[1:]
        barrier = threading.Barrier(len(reviewers))
        got: list[str | None] = []

        def take(i: int, who: Principal) -> None:
            rt = first if i % 2 else second
            barrier.wait()
            got.append(rt.writer.write(lambda c: claim_next(c, who, utcnow())))

        threads = [threading.Thread(target=take, args=(i, p)) for i, p in enumerate(reviewers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        claimed = [g for g in got if g is not None]
        assert sorted(claimed) == sorted(items)  # every item once, nobody shares one
    finally:
        second.close()
        first.close()


def test_ho1_nobody_reviews_their_own_request(runtime: Runtime) -> None:
    _, uc, people = _world(runtime)
    reviewer = people[1]
    own = _held(runtime, uc, Principal(reviewer.key_id, reviewer.tenant_id, "city", "reviewer", "permits"))
    with pytest.raises(PermissionDenied):
        runtime.writer.write(lambda c: claim(c, reviewer, own, utcnow()))
    assert runtime.writer.write(lambda c: claim_next(c, reviewer, utcnow())) is None
    assert runtime.writer.write(lambda c: claim_next(c, people[2], utcnow())) == own


def test_ho1_a_lapsed_claim_returns_to_the_queue(runtime: Runtime) -> None:
    import datetime as dt

    _, uc, people = _world(runtime)
    review_id = _held(runtime, uc, people[0])
    runtime.writer.write(lambda c: claim(c, people[1], review_id, utcnow()))
    with pytest.raises(Conflict):
        runtime.writer.write(lambda c: claim(c, people[2], review_id, utcnow()))
    later = utcnow() + dt.timedelta(minutes=31)
    assert runtime.writer.write(lambda c: claim(c, people[2], review_id, later))["claimed_by"] == people[2].key_id

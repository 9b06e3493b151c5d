"""AT-2: the background checkpointer signs a head every N entries or T seconds, and a final one on stop."""

from __future__ import annotations

import asyncio
from pathlib import Path

from charter.ledger.checkpoint import start_checkpointer, stop_checkpointer
from charter.ledger.keys import ensure_keys
from charter.ledger.proofs import heads
from charter.runtime import Runtime
from charter.settings import Settings
from tests.integration.ledger.ledgerkit import record_change, verify


def _sizes(rt: Runtime) -> list[int]:
    with rt.engine.connect() as conn:
        return sorted(h.tree_size for h in heads(conn))


async def _wait_for(rt: Runtime, size: int, timeout: float = 5.0) -> list[int]:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        sizes = _sizes(rt)
        if sizes and sizes[-1] >= size:
            return sizes
        await asyncio.sleep(0.05)
    return _sizes(rt)


async def test_at2_checkpointer_signs_every_n_entries_then_by_time_then_on_stop(data_dir: Path) -> None:
    settings = Settings(
        data_dir=data_dir, embedded_model="none", ledger_checkpoint_every=5, ledger_checkpoint_interval_s=1.0
    )
    ensure_keys(settings)
    rt = Runtime.open(settings)
    try:
        await start_checkpointer(rt)
        assert await start_checkpointer(rt) is rt.parts["ledger.checkpointer"]  # idempotent
        for i in range(5):
            await asyncio.to_thread(record_change, rt, "ten_a", i)
        assert (await _wait_for(rt, 5, timeout=0.8))[-1] == 5  # by count, well before the interval
        await asyncio.to_thread(record_change, rt, "ten_a", 5)
        assert (await _wait_for(rt, 6, timeout=3.0))[-1] == 6  # by time
        await asyncio.to_thread(record_change, rt, "ten_a", 6)
        await stop_checkpointer(rt)
        assert _sizes(rt)[-1] == 7
        assert verify(rt).ok
    finally:
        rt.close()

"""Two replicas' writers that take the same rows in the other order (a review claim against the ledger's
sequence row, found by benchmarks/soak.py): PostgreSQL aborts one transaction as the deadlock's
victim, and its writer runs the write again instead of answering ``503 store_unavailable``."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from charter.errors import Unavailable
from charter.store import make_engine
from charter.store.writer import Writer


class _Aborted(Exception):
    """What psycopg raises for a deadlock victim, as far as the writer looks: its SQLSTATE."""

    sqlstate = "40P01"


def test_a_write_aborted_as_a_conflict_again_and_again_is_run_until_it_commits(tmp_path):
    """The batch attempt and the first attempt on its own are both aborted: without running it
    again, the second abort was ``503 store_unavailable`` (before the soak found it)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    runs = []

    def write(conn):
        runs.append(1)
        if len(runs) <= 2:
            raise OperationalError("UPDATE ledger_state ...", {}, _Aborted("deadlock detected"))
        return conn.execute(text("SELECT 42")).scalar_one()

    writer = Writer(engine)
    writer.start()
    try:
        assert writer.write(write, timeout=10) == 42
    finally:
        writer.stop()
    assert len(runs) == 3 and writer.conflicts == 1
    engine.dispose()


def test_a_write_that_keeps_conflicting_is_store_unavailable_in_the_end(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")

    def write(conn):
        raise OperationalError("UPDATE ...", {}, _Aborted("deadlock detected"))

    writer = Writer(engine)
    writer.start()
    try:
        with pytest.raises(Unavailable) as err:
            writer.write(write, timeout=10)
    finally:
        writer.stop()
    assert err.value.code == "store_unavailable"
    engine.dispose()


@pytest.mark.postgres
def test_a_deadlock_victim_is_run_again_and_both_writes_commit(pg_url: str):
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE probe (id integer PRIMARY KEY, v integer NOT NULL)"))
        conn.execute(text("INSERT INTO probe VALUES (1, 0), (2, 0)"))
    both_hold_one = threading.Barrier(2, timeout=10)
    runs = {"a": 0, "b": 0}

    def crossing(name: str, first: int, second: int):
        def write(conn):
            runs[name] += 1
            conn.execute(text("UPDATE probe SET v = v + 1 WHERE id = :id"), {"id": first})
            if runs[name] == 1:
                both_hold_one.wait()  # each holds one row and asks for the other's: a deadlock
            conn.execute(text("UPDATE probe SET v = v + 1 WHERE id = :id"), {"id": second})
            return name

        return write

    writers = [Writer(engine), Writer(engine)]  # one per replica
    for w in writers:
        w.start()
    try:
        futures = [writers[0].submit_future(crossing("a", 1, 2)), writers[1].submit_future(crossing("b", 2, 1))]
        assert sorted(f.result(timeout=30) for f in futures) == ["a", "b"]
    finally:
        for w in writers:
            w.stop()
    assert sorted(runs.values())[0] == 1 and sorted(runs.values())[1] >= 2  # the victim ran again
    with engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM probe ORDER BY id")).scalars().all() == [2, 2]
    engine.dispose()

"""The citizen chat's conversations, kept in the store (``citizen_turns``, migration 0023) so that any
replica serves a citizen: no sticky sessions, and a restart loses nothing.

One row per question: the question, the answer and its citations (and a person's reply to an appeal)
**sealed** with the raw tier's key ring and bound to the row; the ids, flags and codes in ``state``. A
conversation is ``(tenant, use case, conversation id)``, the id a hash of the citizen's cookie
(:class:`charter.console.citizen.Citizen`). A turn is forgotten :data:`IDLE_S` after its last change
(deleted by the next question asked on any page, at most :data:`PURGE_BATCH` rows at a time) and with
its interaction (``ON DELETE CASCADE``); the record of the exchange is the gateway's, as for any app.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from charter.identity.tables import citizen_turns
from charter.oversight.sealing import open_json, seal_json
from charter.runtime import Runtime
from charter.store.schema import new_id, utcnow

__all__ = ["IDLE_S", "MAX_TURNS", "Turn", "add_turn", "load_turns", "save_turns"]

#: Turns a conversation shows; earlier ones are left out of the page (never out of the record).
MAX_TURNS = 20
#: A turn not changed for this long is forgotten by the page.
IDLE_S = 24 * 3600
#: Expired turns deleted by one question, at most.
PURGE_BATCH = 500

#: A conversation's key: (tenant id, use case id, conversation id).
Key = tuple[str, str, str]

_CONTENT = ("question", "answer", "citations", "appeal_answer")
_STATE = ("review_id", "key_id", "reviewed", "holding", "refusal_code", "feedback", "appeal_id", "appeal_key_id",
          "appeal_status")


@dataclass(slots=True)
class Turn:
    """One question and what became of it."""

    no: int
    question: str
    #: answered, waiting (held for a person), rejected (a person did not release it), refused
    status: str = "waiting"
    answer: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    interaction_id: str | None = None
    review_id: str | None = None
    key_id: str = ""
    reviewed: bool = False
    holding: bool = False
    refusal_code: str | None = None
    feedback: str | None = None
    appeal_id: str | None = None
    appeal_key_id: str = ""
    appeal_status: str | None = None
    appeal_answer: str = ""
    row_id: str | None = None  # its row in citizen_turns, once stored

    @property
    def waiting(self) -> bool:
        return self.status == "waiting" or self.appeal_status == "pending"


def _binding(row_id: str) -> str:
    return f"{row_id}:citizen-turn"


def _values(rt: Runtime, turn: Turn, row_id: str) -> dict[str, Any]:
    content = {name: getattr(turn, name) for name in _CONTENT}
    return {"status": turn.status, "sealed": seal_json(rt, content, _binding(row_id)),
            "state": {name: getattr(turn, name) for name in _STATE}, "interaction_id": turn.interaction_id}


def load_turns(rt: Runtime, key: Key, now: dt.datetime | None = None) -> list[Turn]:
    """The conversation's last :data:`MAX_TURNS` turns changed within :data:`IDLE_S`, oldest first."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=IDLE_S)
    tenant_id, use_case_id, conversation_id = key
    latest = (
        select(citizen_turns)
        .where(citizen_turns.c.tenant_id == tenant_id, citizen_turns.c.use_case_id == use_case_id,
               citizen_turns.c.conversation_id == conversation_id, citizen_turns.c.updated_at >= cutoff)
        .order_by(citizen_turns.c.no.desc())
        .limit(MAX_TURNS)
    )
    rows = rt.read(lambda conn: conn.execute(latest).all())
    turns = []
    for row in reversed(rows):
        content = open_json(rt, row.sealed, _binding(row.id))
        state = {name: row.state.get(name) for name in _STATE if name in row.state}
        turns.append(Turn(no=row.no, status=row.status, interaction_id=row.interaction_id, row_id=row.id,
                          **{name: content[name] for name in _CONTENT if name in content}, **state))
    return turns


def add_turn(rt: Runtime, key: Key, turn: Turn) -> Turn:
    """Store a new turn as the conversation's next number (in the writer); expired turns go first."""
    tenant_id, use_case_id, conversation_id = key
    row_id = new_id("ctn")
    now = utcnow()
    values = _values(rt, turn, row_id)

    def insert(conn: Connection) -> int:
        _purge(conn, now)
        last = conn.execute(
            select(func.max(citizen_turns.c.no)).where(
                citizen_turns.c.tenant_id == tenant_id, citizen_turns.c.use_case_id == use_case_id,
                citizen_turns.c.conversation_id == conversation_id)
        ).scalar()
        no = int(last or 0) + 1
        conn.execute(citizen_turns.insert().values(
            id=row_id, tenant_id=tenant_id, use_case_id=use_case_id, conversation_id=conversation_id, no=no,
            created_at=now, updated_at=now, **values))
        return no

    for attempt in range(3):  # two replicas adding to one conversation at once: the unique number decides
        try:
            no = rt.writer.write(insert)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    return dataclasses.replace(turn, no=no, row_id=row_id)


def save_turns(rt: Runtime, turns: list[Turn]) -> None:
    """Write back turns that changed (a released answer, feedback, an appeal)."""
    stored = [t for t in turns if t.row_id]
    if not stored:
        return
    now = utcnow()
    values = [(t.row_id, _values(rt, t, str(t.row_id))) for t in stored]

    def write(conn: Connection) -> None:
        for row_id, v in values:
            conn.execute(update(citizen_turns).where(citizen_turns.c.id == row_id).values(updated_at=now, **v))

    rt.writer.write(write)


def _purge(conn: Connection, now: dt.datetime) -> None:
    cutoff = now - dt.timedelta(seconds=IDLE_S)
    old = select(citizen_turns.c.id).where(citizen_turns.c.updated_at < cutoff).limit(PURGE_BATCH)
    ids = list(conn.execute(old).scalars())
    if ids:
        conn.execute(delete(citizen_turns).where(citizen_turns.c.id.in_(ids)))

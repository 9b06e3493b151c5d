"""The ground stage: retrieve from the use case's knowledge bases, screen, cite.

For the last user message it retrieves ``charter.top_k`` chunks from the knowledge bases the
charter names (the charter is the grant: a use case reads only what its charter lists, in its own
tenant). Each chunk is screened for indirect prompt injection (a flagged chunk is dropped) and for
personal data (redacted in place) by the registered ``injection`` and ``pii`` guards, under the
charter's policy for them; a guard that is not registered is skipped with a verdict saying so.
A chunk of a document classified above the charter's ``classification_ceiling`` never reaches
the model (DP-6; every model the router may choose is cleared for at least that ceiling): it is
left out at retrieval and named in the verdict (``withheld_above_ceiling``).
The chunks go into ``ex.context`` with citation markers ``[1]``, ``[2]`` ... for the compose stage,
their citations into ``ex.citations`` (the response's ``charter.citations``), and a write into ``ex.writes`` records the
knowledge-base versions and chunk ids (with each chunk's grounding support of the final answer)
atomically with the interaction.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from charter.domain import Charter, GuardAction
from charter.domain.exchange import Exchange, Outcome
from charter.knowledge.grounding import grounding_score
from charter.knowledge.lineage import citation_writer
from charter.knowledge.retrieve import Hit, retrieve
from charter.knowledge.screening import REDACT_THRESHOLD, redact, scan
from charter.knowledge.service import kb_record
from charter.knowledge.state import KnowledgeState, state
from charter.knowledge.tables import knowledge_bases
from charter.runtime import Runtime

__all__ = ["ground"]


@dataclass
class _Screening:
    kept: list[tuple[Hit, str]] = field(default_factory=list)  # (hit, text passed to the model)
    dropped: list[str] = field(default_factory=list)
    redactions: int = 0
    skipped: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # chunks classified above the charter's ceiling


def _question(ex: Exchange) -> str:
    for message in reversed(ex.messages):
        if message.role == "user" and message.content.strip():
            return message.content
    return ""


def _knowledge_bases(conn: Connection, tenant_id: str, names: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    rows = conn.execute(
        select(knowledge_bases).where(knowledge_bases.c.tenant_id == tenant_id, knowledge_bases.c.name.in_(names))
    ).all()
    found = [kb_record(r) for r in rows]
    return found, sorted(set(names) - {kb["name"] for kb in found})


def _policy(charter: Charter, guard: str, default_threshold: float) -> tuple[bool, float]:
    policy = charter.guards.get(guard)
    if policy is None:
        return True, default_threshold
    return policy.action != GuardAction.off and "retrieved" in policy.screened_roles, policy.threshold


def _screen(st: KnowledgeState, charter: Charter, hits: list[Hit]) -> _Screening:
    out = _Screening()
    injection_on, injection_threshold = _policy(charter, "injection", 0.5)
    pii_on, pii_threshold = _policy(charter, "pii", REDACT_THRESHOLD)
    injection = st.guard("injection") if injection_on else None
    pii = st.guard("pii") if pii_on else None
    out.skipped = [
        name
        for name, on, guard in (("injection", injection_on, injection), ("pii", pii_on, pii))
        if on and guard is None
    ]
    for hit in hits:
        if injection is not None and scan(injection, hit.text, threshold=injection_threshold).verdict == "flag":
            out.dropped.append(hit.chunk_id)
            continue
        text = hit.text
        if pii is not None:
            screened = redact(pii, text, threshold=pii_threshold)
            text, out.redactions = screened.text, out.redactions + screened.redactions
        out.kept.append((hit, text))
    return out


def _retrieve_and_screen(rt: Runtime, ex: Exchange, question: str) -> tuple[_Screening, list[str]]:
    st = state(rt)
    with rt.engine.connect() as conn:
        kbs, missing = _knowledge_bases(conn, ex.principal.tenant_id, list(ex.charter.knowledge_bases))
        withheld: list[str] = []
        hits = retrieve(conn, st, kbs, question, top_k=ex.charter.top_k, ceiling=ex.charter.classification_ceiling,
                        withheld=withheld)
    screening = _screen(st, ex.charter, hits)
    screening.withheld = withheld
    return screening, missing


def _support_by_chunk(answer: str, texts: list[str]) -> list[dict[str, Any]]:
    """For each chunk: the answer sentence it supports best (character span) and how well."""
    best: list[dict[str, Any]] = [{"support": None, "answer_start": None, "answer_end": None} for _ in texts]
    if not answer.strip() or not texts:
        return best
    _, sentences = grounding_score(answer, texts)
    for s in sentences:
        if s.chunk is not None and s.support > (best[s.chunk]["support"] or 0.0):
            best[s.chunk] = {"support": round(s.support, 4), "answer_start": s.start, "answer_end": s.end}
    return best


def _cite(ex: Exchange, kept: list[tuple[Hit, str]]) -> list[dict[str, Any]]:
    """Put the kept chunks into the context with markers, their citations into the response
    extension; return the citation rows to record."""
    rows: list[dict[str, Any]] = []
    citations: list[dict[str, Any]] = []
    for rank, (hit, text) in enumerate(kept, start=1):
        marker = f"[{rank}]"
        ex.context.append(
            {
                "marker": marker,
                "text": text,
                "kb": hit.kb,
                "kb_version": hit.kb_version,
                "chunk_id": hit.chunk_id,
                "document_id": hit.document_id,
                "title": hit.title,
                "heading": hit.heading,
                "page": hit.page,
                "url": hit.source_uri,
                "score": hit.score,
            }
        )
        citations.append(hit.citation(marker))
        rows.append(
            {
                "kb_id": hit.kb_id,
                "kb_name": hit.kb,
                "kb_version": hit.kb_version,
                "chunk_id": hit.chunk_id,
                "document_id": hit.document_id,
                "chunk_sha256": hit.text_sha256,
                "marker": marker,
                "rank": rank,
                "score": hit.score,
            }
        )
    ex.citations = citations
    return rows


async def ground(ex: Exchange, rt: Runtime) -> None:
    if not ex.charter.knowledge_bases:
        return
    question = _question(ex)
    if not question:
        ex.verdict("ground", "skip", reason="no user message to retrieve for")
        return
    screening, missing = await asyncio.to_thread(_retrieve_and_screen, rt, ex, question)
    for name in screening.skipped:
        ex.verdict(f"ground.{name}", "skip", reason=f"no {name!r} guard is registered; chunks not screened for it")
    rows = _cite(ex, screening.kept)
    outcome: Outcome = "warn" if missing or screening.dropped else "pass"
    ex.verdict(
        "ground",
        outcome,
        chunks=len(rows),
        dropped_for_injection=screening.dropped,
        withheld_above_ceiling=screening.withheld,
        pii_redactions=screening.redactions,
        missing_knowledge_bases=missing,
        versions={hit.kb: hit.kb_version for hit, _ in screening.kept},
    )
    if rows:
        texts = [text for _, text in screening.kept]
        write = citation_writer(ex.principal.tenant_id, rows)

        def record(conn: Connection, interaction_id: str) -> None:
            for row, support in zip(rows, _support_by_chunk(ex.output, texts), strict=True):
                row.update(support)  # the final answer is known by now
            write(conn, interaction_id)

        ex.writes.append(record)

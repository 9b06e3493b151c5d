"""Ingestion: files in, one new immutable knowledge-base version out.

Per file, outside the writer: checksum (the same bytes again change nothing), load by suffix,
clean, exact de-duplication by content hash, near-duplicate detection (MinHash over word
shingles, LSH at Jaccard >= 0.9: flagged, still ingested, since a revised policy is a near
duplicate of the old one), chunking, PII scrubbing per the knowledge base's policy, embedding. A
file that fails is reported and skipped; the batch goes on. Then one writer transaction records
every new document and chunk, a version and the ledger entries -- or, when nothing is new, nothing.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, select

from charter import ledger
from charter.cluster import fan_out
from charter.errors import ContentFiltered, Unavailable
from charter.knowledge import service
from charter.knowledge.chunking import Chunk, chunk_sections
from charter.knowledge.index import store_vectors
from charter.knowledge.loaders import LoadError
from charter.knowledge.screening import redact
from charter.knowledge.state import KnowledgeState, state
from charter.knowledge.tables import kb_chunks, kb_documents
from charter.knowledge.text import sha256_text, terms
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import new_id, utcnow

__all__ = ["IngestReport", "Source", "ingest", "sources_from_paths"]

_NUM_PERM = 64
_NEAR_DUPLICATE = 0.9
_SCHEME = "affine64"  # 64-bit hash values, stored as uint64 bytes


@dataclass(frozen=True, slots=True)
class Source:
    filename: str
    data: bytes
    source_uri: str


@dataclass
class _Prepared:
    source: Source
    checksum: str
    content_sha256: str
    media_type: str
    title: str
    pages: int | None
    chunks: list[Chunk]
    texts: list[str]
    redactions: int
    minhash: bytes
    near_duplicate_of: str | None
    vectors: npt.NDArray[np.float32] | None


@dataclass
class IngestReport:
    kb: str
    version: int | None = None  # the new version; None when nothing changed
    added: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kb": self.kb,
            "version": self.version,
            "changed": self.version is not None,
            "added": self.added,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def sources_from_paths(paths: Iterable[Path]) -> list[Source]:
    """Files, and the files under directories (sorted), as sources with ``file://`` URIs."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return [Source(p.name, p.read_bytes(), p.resolve().as_uri()) for p in found]


def _minhash(text: str) -> Any:
    from datasketch import MinHash  # type: ignore[import-untyped]

    words = terms(text)
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    signature = MinHash(num_perm=_NUM_PERM, seed=7, scheme=_SCHEME)
    signature.update_batch([s.encode() for s in shingles])
    return signature


class _Batch:
    """What the batch knows about existing and newly prepared documents, for de-duplication."""

    def __init__(self, conn: Connection, kb_id: str) -> None:
        from datasketch import MinHash, MinHashLSH

        rows = conn.execute(
            select(
                kb_documents.c.id,
                kb_documents.c.checksum,
                kb_documents.c.content_sha256,
                kb_documents.c.minhash,
            ).where(kb_documents.c.kb_id == kb_id, kb_documents.c.status == "active")
        ).all()
        self.checksums = {r.checksum: r.id for r in rows}
        self.contents = {r.content_sha256: r.id for r in rows}
        self.lsh = MinHashLSH(threshold=_NEAR_DUPLICATE, num_perm=_NUM_PERM)
        for r in rows:
            if r.minhash:
                values = np.frombuffer(bytes(r.minhash), dtype=np.uint64)
                self.lsh.insert(r.id, MinHash(num_perm=_NUM_PERM, seed=7, hashvalues=values, scheme=_SCHEME))

    def near_duplicate(self, key: str, signature: Any) -> str | None:
        matches = sorted(self.lsh.query(signature))
        self.lsh.insert(key, signature)
        return matches[0] if matches else None


def _scrub(st: KnowledgeState, kb: KbConfig, texts: list[str]) -> tuple[list[str], int]:
    if kb.pii_policy == "off":
        return texts, 0
    guard = st.guard("pii")
    if guard is None:
        raise Unavailable(
            f"knowledge base {kb.name!r} scrubs PII but no 'pii' guard is registered; install the "
            "guards or create the knowledge base with --pii off",
            code="guard_unavailable",
        )
    out, count = [], 0
    for body in texts:
        screened = redact(guard, body)
        if screened.redactions and kb.pii_policy == "block":
            raise ContentFiltered(
                "the document contains personal data and this knowledge base blocks it", code="content_filter"
            )
        out.append(screened.text)
        count += screened.redactions
    return out, count


@dataclass(frozen=True, slots=True)
class KbConfig:
    """What digesting a file needs to know of its knowledge base (plain values: it travels to workers)."""

    name: str
    tenant_id: str
    pii_policy: str
    chunk_chars: int
    overlap_chars: int

    @classmethod
    def of(cls, kb: Any) -> KbConfig:
        return cls(kb.name, kb.tenant_id, kb.pii_policy, kb.chunk_chars, kb.overlap_chars)


@dataclass
class _Digest:
    """One file read, cleaned, chunked, scrubbed and signed: everything that depends only on the file
    and the knowledge base's settings, so it can be computed anywhere (:func:`digest`). Failures are
    kept as values, by stage, so that the batch decides in file order (:func:`_admit`), as one process
    would: ``failed_early`` (no loader, unreadable, no text) before the content hash is known,
    ``failed_late`` (PII blocked) after it; ``unavailable`` (no guard) stops the batch."""

    checksum: str
    content_sha256: str | None = None
    failed_early: str | None = None
    failed_late: str | None = None
    unavailable: tuple[str, str] | None = None  # (message, code)
    media_type: str = ""
    title: str = ""
    pages: int | None = None
    chunks: list[Chunk] | None = None  # None: not chunked (a failure, or content already known)
    texts: list[str] = field(default_factory=list)
    redactions: int = 0
    minhash: bytes = b""


def digest(st: KnowledgeState, kb: KbConfig, source: Source, known: Callable[[str], bool] | None = None) -> _Digest:
    """Read ``source`` as the knowledge base ``kb`` would (steps 2, 5 and 6 of the module docstring, and
    the MinHash signature). ``known(content_sha256)``: stop after the content hash when the batch
    already has that content (a duplicate needs no chunks)."""
    out = _Digest(hashlib.sha256(source.data).hexdigest())
    try:
        loader = st.loaders().get(PurePath(source.filename).suffix.lower())
        if loader is None:
            raise LoadError(
                f"no loader for {PurePath(source.filename).suffix or 'files without a suffix'}; "
                f"known: {', '.join(sorted(st.loaders()))}"
            )
        document = loader(source.data, source.filename)
        out.content_sha256 = sha256_text(document.text)
        if not document.text.strip():
            raise LoadError("no text found in this file")
    except Unavailable as exc:
        out.unavailable = (str(exc), exc.code)
        return out
    except Exception as exc:  # any parser failure belongs to this file, not the batch
        out.failed_early = str(exc) or type(exc).__name__
        return out
    if known is not None and known(out.content_sha256):
        return out
    out.media_type, out.title, out.pages = document.media_type, document.title[:500], document.pages
    try:
        chunks = chunk_sections(document.sections, max_chars=kb.chunk_chars, overlap_chars=kb.overlap_chars)
        out.texts, out.redactions = _scrub(st, kb, [c.text for c in chunks])
        out.minhash = np.asarray(_minhash(document.text).hashvalues, dtype=np.uint64).tobytes()
    except Unavailable as exc:
        out.unavailable = (str(exc), exc.code)
        return out
    except Exception as exc:
        out.failed_late = str(exc) or type(exc).__name__
        return out
    out.chunks = chunks
    return out


def _admit(batch: _Batch, source: Source, d: _Digest) -> _Prepared | dict[str, Any]:
    """The batch's decision on one digested file, in file order: a prepared document, or a skip record
    (same file or same content already there). Raises what the file's digest failed with."""
    if d.checksum in batch.checksums:
        return {"file": source.filename, "reason": "unchanged", "document_id": batch.checksums[d.checksum]}
    if d.unavailable is not None and d.content_sha256 is None:
        raise Unavailable(d.unavailable[0], code=d.unavailable[1])
    if d.failed_early is not None:
        raise LoadError(d.failed_early)
    assert d.content_sha256 is not None
    if d.content_sha256 in batch.contents:
        return {"file": source.filename, "reason": "duplicate", "document_id": batch.contents[d.content_sha256]}
    if d.unavailable is not None:
        raise Unavailable(d.unavailable[0], code=d.unavailable[1])
    if d.failed_late is not None:
        raise LoadError(d.failed_late)
    assert d.chunks is not None
    from datasketch import MinHash

    signature = MinHash(
        num_perm=_NUM_PERM, seed=7, hashvalues=np.frombuffer(d.minhash, dtype=np.uint64), scheme=_SCHEME
    )
    key = f"new:{d.checksum}"
    near = batch.near_duplicate(key, signature)
    batch.checksums[d.checksum] = key
    batch.contents[d.content_sha256] = key
    return _Prepared(
        source,
        d.checksum,
        d.content_sha256,
        d.media_type,
        d.title,
        d.pages,
        d.chunks,
        d.texts,
        d.redactions,
        d.minhash,
        near,
        None,  # embedded together with the rest of the batch
    )


def _embed(st: KnowledgeState, kb: Any, prepared: list[_Prepared]) -> None:
    """Embed every new chunk of the batch in one call (far faster than one call per file)."""
    texts = [t for p in prepared for t in p.texts]
    vectors = st.embedder(kb.embedder, kb.embedder_options, tenant_id=kb.tenant_id).embed(texts)
    start = 0
    for p in prepared:
        p.vectors = vectors[start : start + len(p.texts)]
        start += len(p.texts)


@dataclass(frozen=True, slots=True)
class _Target:
    kb: Any
    version: int
    uploader: str
    classification: str


def _insert_chunks(conn: Connection, t: _Target, p: _Prepared, doc_id: str) -> list[str]:
    kb = t.kb
    chunk_ids = [new_id("chk") for _ in p.chunks]
    if chunk_ids:
        conn.execute(
            kb_chunks.insert(),
            [
                {
                    "id": cid,
                    "tenant_id": kb.tenant_id,
                    "kb_id": kb.id,
                    "document_id": doc_id,
                    "ordinal": c.ordinal,
                    "text": body,
                    "text_sha256": sha256_text(body),
                    "heading": c.heading[:500],
                    "page": c.page,
                    "start_char": c.start_char,
                    "end_char": c.end_char,
                    "added_version": t.version,
                }
                for cid, c, body in zip(chunk_ids, p.chunks, p.texts, strict=True)
            ],
        )
    return chunk_ids


def _insert_document(conn: Connection, t: _Target, p: _Prepared, doc_id: str, near: str | None) -> dict[str, Any]:
    """One document with its chunks, vectors and ``kb.document_added`` ledger entry."""
    kb = t.kb
    conn.execute(
        kb_documents.insert().values(
            id=doc_id, tenant_id=kb.tenant_id, kb_id=kb.id, source_uri=p.source.source_uri[:1000],
            filename=p.source.filename[:300], media_type=p.media_type, checksum=p.checksum,
            content_sha256=p.content_sha256, minhash=p.minhash, near_duplicate_of=near, uploader=t.uploader,
            classification=t.classification, bytes=len(p.source.data), pages=p.pages, title=p.title,
            chunk_count=len(p.chunks), pii_redactions=p.redactions, status="active", added_version=t.version,
            created_at=utcnow(),
        )
    )
    chunk_ids = _insert_chunks(conn, t, p, doc_id)
    if p.vectors is not None:
        store_vectors(
            conn, tenant_id=kb.tenant_id, kb_id=kb.id, embedder=kb.embedder, chunk_ids=chunk_ids, vectors=p.vectors
        )
    record = {
        "file": p.source.filename,
        "document_id": doc_id,
        "source_uri": p.source.source_uri,
        "checksum": p.checksum,
        "chunks": len(chunk_ids),
        "pii_redactions": p.redactions,
        "near_duplicate_of": near,
    }
    event = {**record, "kb": kb.name, "uploader": t.uploader, "classification": t.classification, "version": t.version}
    ledger.append(conn, tenant_id=kb.tenant_id, actor=t.uploader, action="kb.document_added", subject=doc_id,
                  event=event)
    return record


def _record(
    conn: Connection, kb: Any, prepared: list[_Prepared], *, uploader: str, classification: str
) -> tuple[int | None, list[dict[str, Any]]]:
    present = set(
        conn.execute(
            select(kb_documents.c.checksum).where(
                kb_documents.c.kb_id == kb.id,
                kb_documents.c.status == "active",
                kb_documents.c.checksum.in_([p.checksum for p in prepared]),
            )
        ).scalars()
    )
    prepared = [p for p in prepared if p.checksum not in present]  # a concurrent ingestion won the race
    if not prepared:
        return None, []
    target = _Target(kb, service.next_version(conn, kb.id), uploader, classification)
    ids = {p.checksum: new_id("doc") for p in prepared}
    added = []
    for p in prepared:
        near = p.near_duplicate_of
        if near is not None and near.startswith("new:"):
            near = ids.get(near[4:])  # a near duplicate of another file of this batch
        added.append(_insert_document(conn, target, p, ids[p.checksum], near))
    service.new_version(
        conn, kb=kb, version=target.version, kind="ingest", added=sorted(ids.values()), removed=[], actor=uploader
    )
    return target.version, added


class _WorkerContext:
    """A batch worker's runtime and knowledge state (:func:`charter.cluster.fan_out`'s ``setup``)."""

    def __init__(self, settings: Settings) -> None:
        self.rt = Runtime.open(settings, migrate=False)
        self.st = state(self.rt)

    def close(self) -> None:
        self.rt.close()


def _open_worker(settings: Settings) -> _WorkerContext:
    return _WorkerContext(settings)


def _digest_on_worker(kb: KbConfig, context: _WorkerContext, source: Source) -> _Digest:
    return digest(context.st, kb, source)


def _digests(
    rt: Runtime, kb: KbConfig, batch: _Batch, sources: list[Source], ray_address: str, ray_workers: int | None
) -> list[_Digest]:
    """Every file's digest, computed by Ray workers; files the knowledge base already holds (same bytes)
    are not sent."""
    checksums = [hashlib.sha256(s.data).hexdigest() for s in sources]
    todo = [s for s, c in zip(sources, checksums, strict=True) if c not in batch.checksums]
    done = iter(
        fan_out(
            functools.partial(_digest_on_worker, kb),
            todo,
            setup=functools.partial(_open_worker, rt.settings),
            address=ray_address,
            workers=ray_workers,
        )
    )
    return [_Digest(c) if c in batch.checksums else next(done) for c in checksums]


def ingest(
    rt: Runtime,
    *,
    tenant_id: str,
    kb_name: str,
    sources: list[Source],
    uploader: str,
    classification: str | None = None,
    progress: Callable[[str], None] | None = None,
    ray_address: str | None = None,
    ray_workers: int | None = None,
) -> IngestReport:
    """Ingest ``sources`` into the knowledge base; see the module docstring. With ``ray_address`` (and
    more than one file) the files are read, chunked, scrubbed and signed on Ray workers
    (:func:`charter.cluster.fan_out`); de-duplication, embedding and the write stay here, in file
    order, so the report and what is stored are the same as without it."""
    st = state(rt)
    with rt.engine.connect() as conn:
        kb = service.kb_row(conn, tenant_id, kb_name)
        batch = _Batch(conn, kb.id)
    config = KbConfig.of(kb)
    report = IngestReport(kb=kb_name)
    prepared: list[_Prepared] = []
    remote = None
    if ray_address and len(sources) > 1:
        remote = _digests(rt, config, batch, sources, ray_address, ray_workers)
    for i, source in enumerate(sources):
        try:
            if remote is not None:
                d = remote[i]
            else:
                checksum = hashlib.sha256(source.data).hexdigest()
                known = checksum in batch.checksums  # the same bytes again: not even read
                d = _Digest(checksum) if known else digest(st, config, source, known=batch.contents.__contains__)
            outcome = _admit(batch, source, d)
        except Unavailable:
            raise  # a missing guard or embedder stops the batch: nothing would be ingested correctly
        except Exception as exc:  # any parser failure belongs to this file, not the batch
            report.failed.append({"file": source.filename, "error": str(exc) or type(exc).__name__})
        else:
            if isinstance(outcome, _Prepared):
                prepared.append(outcome)
            else:
                report.skipped.append(outcome)
        if progress is not None:
            progress(source.filename)
    if prepared and kb.embedder:
        _embed(st, kb, prepared)
    if prepared:
        level = classification or kb.classification
        report.version, report.added = rt.writer.write(
            lambda conn: _record(conn, kb, prepared, uploader=uploader, classification=level), timeout=600
        )
        if kb.embedder:
            st.refresh_vectors(kb.id)  # the index is built (or brought up to date) on ingest
    return report

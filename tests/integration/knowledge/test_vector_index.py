"""The approximate vector index (HNSW, usearch) on SQLite and PostgreSQL: built on ingest, used on
query, rebuilt after a restart from stored vectors, deletions honoured, replicas on one store in
step, recall@10 against exact search, exact search for small knowledge bases, pgvector detection
and fallback (RR-2, PC-4)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection

from charter.knowledge import Source, delete_document, ingest, query, rebuild, service
from charter.knowledge.ann import index_dir
from charter.knowledge.index import VectorCache, store_vectors
from charter.knowledge.pgvector import detect
from charter.knowledge.state import state
from charter.knowledge.tables import kb_chunks, kb_documents
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import new_id, utcnow
from tests.integration.knowledge.conftest import BagOfWordsEmbedder, StandInInjection, StandInPII, admin, make_kb

TOPICS = [
    "passport renewal takes six weeks at the passport office",
    "parking permits for residents cost forty pounds a year",
    "bins are collected every tuesday morning before seven",
    "council tax bands are set by the valuation office agency",
    "library cards are free and replacement cards cost three pounds",
    "annual leave for staff is twenty five days plus bank holidays",
    "planning applications are decided within eight weeks",
    "school admissions open in september for the following year",
]


def _open(settings: Settings, **update: Any) -> Runtime:
    rt = Runtime.open(settings.model_copy(update=update))
    for kind, name, factory in (("guards", "pii", StandInPII), ("guards", "injection", StandInInjection)):
        if name not in rt.extensions.names(kind):
            rt.extensions.items[kind][name] = lambda s, f=factory, **_: f()
    rt.extensions.items["embedders"]["bow"] = BagOfWordsEmbedder
    return rt


@pytest.fixture
def indexed(settings: Settings) -> Iterator[Runtime]:
    """A runtime whose knowledge bases use the HNSW index from 20 vectors up."""
    rt = _open(settings, vector_index_min_chunks=20)
    try:
        yield rt
    finally:
        rt.close()


def _replica(settings: Settings, tmp_path: Path, name: str, **update: Any) -> Runtime:
    """Another runtime on the same store with its own data directory (another machine)."""
    other = tmp_path / name
    other.mkdir()
    return _open(settings, data_dir=other, database_url=settings.effective_database_url, **update)


def _sources(start: int, count: int, tag: str = "") -> list[Source]:
    return [
        Source(f"doc{i}{tag}.txt", f"Notice {i}{tag}: {TOPICS[i % len(TOPICS)]} (item {i}{tag}).".encode(),
               f"u:{i}{tag}")
        for i in range(start, start + count)
    ]


def _ingest(rt: Runtime, tenant: str, sources: list[Source]) -> int | None:
    return ingest(rt, tenant_id=tenant, kb_name="handbook", sources=sources, uploader="alice").version


def _kb_id(rt: Runtime, tenant: str) -> str:
    with rt.engine.connect() as conn:
        return str(service.kb_row(conn, tenant, "handbook").id)


def _dense(rt: Runtime, tenant: str, text: str, top_k: int = 5) -> list[str]:
    return [h.filename for h in query(rt, admin(tenant), ["handbook"], text, top_k=top_k, mode="dense")]


def test_rr2_index_built_on_ingest_persisted_owner_only_and_used_on_query(indexed: Runtime, tenant: str) -> None:
    make_kb(indexed, tenant, embedder="bow")
    assert _ingest(indexed, tenant, _sources(0, 40)) == 1
    kb_id = _kb_id(indexed, tenant)
    st = state(indexed)
    assert st.vectors.kind(kb_id) == "hnsw"  # built by the ingest, before any query
    folder = index_dir(indexed.settings.data_dir, kb_id)
    assert sorted(p.name for p in folder.iterdir()) == ["g0-v1.json", "g0-v1.usearch"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    top = _dense(indexed, tenant, "council tax bands valuation office")
    assert top and top[0] in {f"doc{i}.txt" for i in range(3, 40, len(TOPICS))}
    exact = VectorCache(mode="exact")
    q = BagOfWordsEmbedder().embed(["council tax bands valuation office"])[0]
    with indexed.engine.connect() as conn:
        got, want = st.vectors.search(conn, kb_id, 1, q, 10), exact.search(conn, kb_id, 1, q, 10)
    assert got[0][0] == want[0][0] and len({c for c, _ in got} & {c for c, _ in want}) >= 9
    assert _ingest(indexed, tenant, _sources(40, 5)) == 2
    assert "doc43.txt" in _dense(indexed, tenant, "Notice 43: council tax", top_k=10)
    assert st.vectors.builds == 1  # caught up by version; five chunks do not re-write the file
    assert sorted(p.name for p in folder.iterdir()) == ["g0-v1.json", "g0-v1.usearch"]


def test_rr2_restart_loads_an_older_file_and_catches_up(settings: Settings, tenant: str) -> None:
    rt = _open(settings, vector_index_min_chunks=20)
    try:
        make_kb(rt, tenant, embedder="bow")
        _ingest(rt, tenant, _sources(0, 30))
        _ingest(rt, tenant, _sources(30, 4))
        doc = next(d for d in service_docs(rt, tenant) if d["filename"] == "doc3.txt")
        delete_document(rt, tenant_id=tenant, kb_name="handbook", document_id=doc["id"], actor="alice")
        kb_id = _kb_id(rt, tenant)
        folder = index_dir(settings.data_dir, kb_id)
        assert sorted(p.name for p in folder.iterdir()) == ["g0-v1.json", "g0-v1.usearch"]
    finally:
        rt.close()
    rt = _open(settings, vector_index_min_chunks=20)
    try:
        hits = query(rt, admin(tenant), ["handbook"], "Notice 32: council tax item 32", top_k=50, mode="dense")
        assert "doc32.txt" in [h.filename for h in hits[:5]] and all(h.document_id != doc["id"] for h in hits)
        entry = state(rt).vectors._entries[kb_id]
        assert (state(rt).vectors.builds, entry.version, len(entry)) == (0, 3, 33)  # type: ignore[arg-type]
    finally:
        rt.close()


def test_rr2_index_rebuilt_after_restart_from_stored_vectors(settings: Settings, tenant: str) -> None:
    rt = _open(settings, vector_index_min_chunks=20)
    make_kb(rt, tenant, embedder="bow")
    _ingest(rt, tenant, _sources(0, 30))
    before = _dense(rt, tenant, "school admissions september", top_k=10)
    kb_id = _kb_id(rt, tenant)
    rt.close()
    folder = index_dir(settings.data_dir, kb_id)
    (folder / "g0-v1.usearch").write_bytes(b"damaged")  # a damaged derived file is rebuilt, not trusted
    rt = _open(settings, vector_index_min_chunks=20)
    try:
        assert _dense(rt, tenant, "school admissions september", top_k=10) == before
        assert state(rt).vectors.kind(kb_id) == "hnsw"
        assert (folder / "g0-v1.usearch").stat().st_size > 1000  # written again from the store
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    finally:
        rt.close()
    rt = _open(settings, vector_index_min_chunks=20)  # no file at all: built from kb_vectors
    try:
        assert _dense(rt, tenant, "school admissions september", top_k=10) == before
        assert (folder / "g0-v1.usearch").exists()
        event = rebuild(rt, tenant_id=tenant, kb_name="handbook", actor="alice")  # a new generation
        assert event["vector_generation"] == 1
        assert sorted(p.name for p in folder.iterdir()) == ["g1-v1.json", "g1-v1.usearch"]
        assert _dense(rt, tenant, "school admissions september", top_k=10) == before
    finally:
        rt.close()


@pytest.fixture
def replica(settings: Settings, tmp_path: Path) -> Iterator[Runtime]:
    """Another runtime on the same store with its own data directory (another machine)."""
    rt = _replica(settings, tmp_path, "replica", vector_index_min_chunks=20)
    try:
        yield rt
    finally:
        rt.close()


def test_pc4_deletion_honoured_here_and_on_a_replica_with_an_older_index(
    indexed: Runtime, replica: Runtime, tenant: str
) -> None:
    make_kb(indexed, tenant, embedder="bow")
    _ingest(indexed, tenant, _sources(0, 32))
    assert "doc2.txt" in _dense(replica, tenant, "Notice 2: bins tuesday morning", top_k=10)  # replica at v1
    doc = next(d for d in service_docs(indexed, tenant) if d["filename"] == "doc2.txt")
    delete_document(indexed, tenant_id=tenant, kb_name="handbook", document_id=doc["id"], actor="alice")
    for rt in (indexed, replica):
        hits = query(rt, admin(tenant), ["handbook"], "Notice 2: bins tuesday morning", top_k=50, mode="dense")
        assert hits and all(h.document_id != doc["id"] for h in hits)
        assert state(rt).vectors.kind(_kb_id(rt, tenant)) == "hnsw"
        assert state(rt).vectors.builds == 1  # the removal applied to the existing graph
    assert len(state(replica).vectors._entries[_kb_id(replica, tenant)]) == 31  # type: ignore[arg-type]


def service_docs(rt: Runtime, tenant: str) -> list[dict[str, Any]]:
    with rt.engine.connect() as conn:
        return service.list_documents(conn, tenant, "handbook")


def test_rr2_two_replicas_on_one_store_see_each_others_ingests(indexed: Runtime, replica: Runtime, tenant: str) -> None:
    make_kb(indexed, tenant, embedder="bow")
    _ingest(indexed, tenant, _sources(0, 25))
    assert _dense(replica, tenant, "planning applications eight weeks")  # the replica builds its index (v1)
    _ingest(replica, tenant, _sources(100, 3, tag="r"))  # v2 through the replica
    _ingest(indexed, tenant, _sources(200, 3, tag="p"))  # v3 through the first runtime
    assert "doc101r.txt" in _dense(indexed, tenant, "Notice 101r: parking permits item 101r", top_k=10)
    assert "doc201p.txt" in _dense(replica, tenant, "Notice 201p: parking permits item 201p", top_k=10)
    kb_id = _kb_id(indexed, tenant)
    for rt in (indexed, replica):
        entry = state(rt).vectors._entries[kb_id]
        assert (entry.version, len(entry)) == (3, 31)  # type: ignore[arg-type]
        assert state(rt).vectors.builds == 1  # built once, then caught up by version


def _clustered(n: int, dim: int, seed: int, centres: int = 40) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centres, dim)).astype(np.float32)
    x = c[rng.integers(0, centres, n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _store_synthetic(rt: Runtime, tenant: str, kb: dict[str, Any], vectors: np.ndarray, per_doc: int) -> list[str]:
    """Documents of ``per_doc`` chunks each with the given vectors, as one new version (the ingest
    path without an embedder's cost); returns the document ids."""

    def write(conn: Connection) -> list[str]:
        row = service.kb_row(conn, tenant, kb["name"])
        version = service.next_version(conn, row.id)
        docs = []
        for start in range(0, len(vectors), per_doc):
            doc_id = new_id("doc")
            docs.append(doc_id)
            conn.execute(kb_documents.insert().values(
                id=doc_id, tenant_id=tenant, kb_id=row.id, source_uri=f"u:{doc_id}", filename=f"{doc_id}.txt",
                media_type="text/plain", checksum=doc_id, content_sha256=doc_id, uploader="t",
                classification="internal", bytes=1, title="", chunk_count=per_doc, status="active",
                added_version=version, created_at=utcnow()))
            ids = [new_id("chk") for _ in range(start, min(start + per_doc, len(vectors)))]
            conn.execute(kb_chunks.insert(), [
                {"id": cid, "tenant_id": tenant, "kb_id": row.id, "document_id": doc_id, "ordinal": i,
                 "text": f"chunk {cid}", "text_sha256": cid, "heading": "", "start_char": 0, "end_char": 1,
                 "added_version": version} for i, cid in enumerate(ids)])
            store_vectors(conn, tenant_id=tenant, kb_id=row.id, embedder="synthetic", chunk_ids=ids,
                          vectors=vectors[start:start + len(ids)])
        service.new_version(conn, kb=row, version=version, kind="ingest", added=docs, removed=[], actor="t")
        return docs

    return rt.writer.write(write, timeout=120)


def test_recall_at_10_against_exact_search_and_removals(indexed: Runtime, tenant: str) -> None:
    kb = make_kb(indexed, tenant, name="synthetic")
    data = _clustered(3000, 64, 1)
    docs = _store_synthetic(indexed, tenant, kb, data[:2500], per_doc=50)
    _store_synthetic(indexed, tenant, kb, data[2500:], per_doc=50)  # a second version: added incrementally
    queries = _clustered(100, 64, 2)
    ann, exact = state(indexed).vectors, VectorCache(mode="exact")
    with indexed.engine.connect() as conn:
        recalls = []
        for q in queries:
            found = {c for c, _ in ann.search(conn, kb["id"], 2, q, 10)}
            truth = {c for c, _ in exact.search(conn, kb["id"], 2, q, 10)}
            recalls.append(len(found & truth) / 10)
        assert ann.kind(kb["id"]) == "hnsw"
    assert float(np.mean(recalls)) >= 0.95, np.mean(recalls)
    gone = docs[:10]  # 500 vectors
    indexed.writer.write(lambda conn: service.remove_documents(
        conn, kb=service.kb_row(conn, tenant, "synthetic"), document_ids=gone, reason="deleted", actor="t"))
    with indexed.engine.connect() as conn:
        removed = {str(r[0]) for r in conn.execute(kb_chunks.select().with_only_columns(kb_chunks.c.id)
                                                   .where(kb_chunks.c.document_id.in_(gone)))}
        assert removed == set()  # hard-deleted in the store
        recalls = []
        for q in queries:
            found = [c for c, _ in ann.search(conn, kb["id"], 3, q, 10)]
            truth = {c for c, _ in exact.search(conn, kb["id"], 3, q, 10)}
            recalls.append(len(set(found) & truth) / 10)
        assert len(ann._entries[kb["id"]]) == 2500  # type: ignore[arg-type]
        assert ann.builds == 1  # the second version and the removal were applied to the same graph
    assert float(np.mean(recalls)) >= 0.95, np.mean(recalls)


def test_small_knowledge_bases_use_exact_search(kb_runtime: Runtime, tenant: str) -> None:
    kb = make_kb(kb_runtime, tenant, name="synthetic")
    data = _clustered(500, 32, 3)
    _store_synthetic(kb_runtime, tenant, kb, data, per_doc=50)
    cache = state(kb_runtime).vectors
    assert cache.min_chunks == 20_000 and cache.mode == "auto"
    with kb_runtime.engine.connect() as conn:
        ids = {c: i for i, (c, _) in enumerate(VectorCache(mode="exact").search(conn, kb["id"], 1, data[0], 500))}
        for q in _clustered(20, 32, 4):
            got = cache.search(conn, kb["id"], 1, q, 10)
            scores = data @ q
            want = np.argsort(-scores)[:10]
            assert [round(s, 5) for _, s in got] == [round(float(scores[i]), 5) for i in want]
        assert cache.kind(kb["id"]) == "exact" and len(ids) == 500
    assert not index_dir(kb_runtime.settings.data_dir, kb["id"]).exists()


def test_pgvector_detected_only_when_installed_and_otherwise_falls_back(indexed: Runtime, tenant: str) -> None:
    """pgvector's server extension is not installed here (FIELD-NOTES): this proves detection and the
    fallback to the HNSW files; pgvector's own search path is not exercised by this suite."""
    with indexed.engine.connect() as conn:
        status = detect(conn)
        assert not status.installed and not status.usable
        if conn.dialect.name == "sqlite":
            assert not status.available
        assert state(indexed).vectors.uses_pgvector(conn) is False
    make_kb(indexed, tenant, embedder="bow")
    _ingest(indexed, tenant, _sources(0, 25))
    assert state(indexed).vectors.kind(_kb_id(indexed, tenant)) == "hnsw"


def test_exact_setting_never_builds_an_index(settings: Settings, tenant: str) -> None:
    rt = _open(settings, vector_index="exact", vector_index_min_chunks=0)
    try:
        make_kb(rt, tenant, embedder="bow")
        _ingest(rt, tenant, _sources(0, 25))
        assert _dense(rt, tenant, "bins tuesday")
        kb_id = _kb_id(rt, tenant)
        assert state(rt).vectors.kind(kb_id) == "exact"
        assert not os.path.exists(index_dir(settings.data_dir, kb_id))
    finally:
        rt.close()

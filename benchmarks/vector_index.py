"""Dense retrieval at scale: Charter's HNSW index (usearch) against exact search, same store, same run.

One command, from the repository root:

    .venv/bin/python benchmarks/vector_index.py [--n 1000000] [--queries 1000] [--database-url URL] [--write]

1. Fills a fresh store (SQLite in a temporary data directory unless ``--database-url``) with one
   knowledge base of ``--n`` chunks and their 384-d vectors, as one version. The vectors are
   synthetic, drawn with cluster structure so that recall is meaningful: ``n / 100`` random unit
   centres (topics), each vector a centre plus Gaussian noise of norm 1, L2-normalised (cosine to
   a same-topic neighbour ~0.5, to another topic ~0, as with text embeddings; not uniform noise,
   where every neighbour is a near-tie). Queries are drawn the same way (not from the data).
2. Exact search: Charter's ``VectorCache(mode="exact")`` (the vectors as one numpy matrix, a scan
   per query). The index: ``VectorCache(mode="hnsw")`` with the default beam
   (``CHARTER_VECTOR_INDEX_EF`` = 128). Both read the same stored vectors; the first query of each
   pays its load (exact) or its build from the store, including writing the index file (HNSW).
3. Queries alternate between the two (A, B, A, B ...), k = 10, one at a time as retrieval asks;
   p50/p99 wall latency of each, recall@10 of the index against exact search's top 10.
4. After: a restart (a new cache loads the index file), and an ingest of 1,000 more chunks (a new
   version) that the warm index catches up with by version while exact search re-reads every vector.

Writes benchmarks/results/vector_index.md with ``--write``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from charter.knowledge import service  # noqa: E402
from charter.knowledge.index import VectorCache, store_vectors  # noqa: E402
from charter.knowledge.tables import kb_chunks, kb_documents  # noqa: E402
from charter.policy.service import ensure_tenant  # noqa: E402
from charter.runtime import Runtime  # noqa: E402
from charter.settings import Settings  # noqa: E402
from charter.store.schema import new_id, utcnow  # noqa: E402

DIM = 384
PER_DOC = 1000


def centres(n: int, seed: int = 1) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((max(1, n // 100), DIM)).astype(np.float32)
    return (c / np.linalg.norm(c, axis=1, keepdims=True)).astype(np.float32)


def draw(c: npt.NDArray[np.float32], count: int, rng: np.random.Generator) -> npt.NDArray[np.float32]:
    x = c[rng.integers(0, len(c), count)] + rng.standard_normal((count, DIM)).astype(np.float32) / np.sqrt(DIM)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def fill(rt: Runtime, tenant: str, kb_name: str, c: npt.NDArray[np.float32], count: int, seed: int) -> None:
    """``count`` chunks in documents of PER_DOC, their vectors, one new version (one transaction)."""
    rng = np.random.default_rng(seed)

    def write(conn: Any) -> None:
        row = service.kb_row(conn, tenant, kb_name)
        version = service.next_version(conn, row.id)
        docs = []
        for start in range(0, count, PER_DOC):
            n = min(PER_DOC, count - start)
            doc_id = new_id("doc")
            docs.append(doc_id)
            conn.execute(kb_documents.insert().values(
                id=doc_id, tenant_id=tenant, kb_id=row.id, source_uri=f"synthetic:{doc_id}",
                filename=f"{doc_id}.txt", media_type="text/plain", checksum=doc_id, content_sha256=doc_id,
                uploader="bench", classification="internal", bytes=n, title="", chunk_count=n, status="active",
                added_version=version, created_at=utcnow()))
            ids = [new_id("chk") for _ in range(n)]
            conn.execute(kb_chunks.insert(), [
                {"id": cid, "tenant_id": tenant, "kb_id": row.id, "document_id": doc_id, "ordinal": i,
                 "text": "c", "text_sha256": cid, "heading": "", "start_char": 0, "end_char": 1,
                 "added_version": version} for i, cid in enumerate(ids)])
            store_vectors(conn, tenant_id=tenant, kb_id=row.id, embedder="synthetic", chunk_ids=ids,
                          vectors=draw(c, n, rng))
        service.new_version(conn, kb=row, version=version, kind="ingest", added=docs, removed=[], actor="bench")

    rt.writer.write(write, timeout=24 * 3600)


def loadavg() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def replace_section(old: str, text: str) -> str:
    """The results file with this run's section first, in place of a previous run's with the same heading
    (same n and store); other sections (other sizes, the library choice) are kept after it."""
    heading = text.splitlines()[0].removeprefix("## ")
    parts = old.split("\n## ")
    head = parts[0].rstrip() if old else "# Vector index benchmarks"
    kept = [part.rstrip() for part in parts[1:] if part.splitlines()[0] != heading]
    return "\n\n## ".join([head, text.rstrip().removeprefix("## "), *kept]) + "\n"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--ef", type=int, default=128)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="charter-vi-"))
    settings = Settings(data_dir=data_dir, database_url=args.database_url, embedded_model="none", llama_threads=1)
    rt = Runtime.open(settings)
    try:
        run(rt, data_dir, args)
    finally:
        rt.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def run(rt: Runtime, data_dir: Path, args: argparse.Namespace) -> None:
    tenant = rt.writer.write(lambda conn: ensure_tenant(conn, "bench"))
    spec = service.KnowledgeBaseSpec(name="synthetic")
    kb = rt.writer.write(lambda conn: service.create_kb(conn, spec, tenant_id=tenant, actor="bench"))
    c = centres(args.n)
    load_start = loadavg()
    t0 = time.perf_counter()
    fill(rt, tenant, "synthetic", c, args.n, seed=2)
    fill_s = time.perf_counter() - t0
    print(f"store filled with {args.n:,} chunks in {fill_s:.0f} s", flush=True)
    queries = draw(c, args.queries, np.random.default_rng(3))
    exact = VectorCache(mode="exact")
    ann = VectorCache(data_dir=data_dir, mode="hnsw", min_chunks=0, ef=args.ef)
    with rt.engine.connect() as conn:
        t0, c0 = time.perf_counter(), time.process_time()
        exact.search(conn, kb["id"], 1, queries[0], 10)
        exact_load = (time.perf_counter() - t0, time.process_time() - c0)
        print(f"exact: matrix loaded in {exact_load[0]:.1f} s", flush=True)
        t0, c0 = time.perf_counter(), time.process_time()
        ann.search(conn, kb["id"], 1, queries[0], 10)
        ann_build = (time.perf_counter() - t0, time.process_time() - c0)
        print(f"hnsw: built from the store in {ann_build[0]:.1f} s", flush=True)
        exact_ms: list[float] = []
        ann_ms: list[float] = []
        recalls: list[float] = []
        exact_cpu = ann_cpu = 0.0
        for q in queries:
            t0, c0 = time.perf_counter(), time.process_time()
            truth = exact.search(conn, kb["id"], 1, q, 10)
            exact_ms.append((time.perf_counter() - t0) * 1000)
            exact_cpu += time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            found = ann.search(conn, kb["id"], 1, q, 10)
            ann_ms.append((time.perf_counter() - t0) * 1000)
            ann_cpu += time.process_time() - c0
            recalls.append(len({cid for cid, _ in found} & {cid for cid, _ in truth}) / 10)
        restart = VectorCache(data_dir=data_dir, mode="hnsw", min_chunks=0, ef=args.ef)
        t0 = time.perf_counter()
        restart.search(conn, kb["id"], 1, queries[0], 10)
        restart_s = time.perf_counter() - t0
    fill(rt, tenant, "synthetic", c, 1000, seed=4)
    with rt.engine.connect() as conn:
        t0 = time.perf_counter()
        ann.search(conn, kb["id"], 2, queries[0], 10)
        catch_up_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        exact.search(conn, kb["id"], 2, queries[0], 10)
        reload_s = time.perf_counter() - t0
    load_end = loadavg()
    files = sum(p.stat().st_size for p in (data_dir / "vector-index" / kb["id"]).iterdir())
    recall = statistics.fmean(recalls)
    rows = [
        ("exact (numpy scan)", exact_load, pct(exact_ms, 50), pct(exact_ms, 99), 1.0, exact_cpu),
        (f"HNSW (usearch, ef {args.ef})", ann_build, pct(ann_ms, 50), pct(ann_ms, 99), recall, ann_cpu),
    ]
    store = "SQLite" if args.database_url is None else "PostgreSQL"
    lines = [
        f"## Vector search at scale ({args.n:,} chunks, 384-d, {store})",
        "",
        f"Command: `.venv/bin/python benchmarks/vector_index.py --n {args.n} --queries {args.queries} --write`",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other work: timings are noisy), "
        f"Python {platform.python_version()}. Synthetic vectors with cluster structure ({args.n // 100:,} topic "
        "centres, noise of norm 1, queries drawn the same way), so recall@10 is meaningful; "
        f"{args.queries} queries, k = 10, exact and index alternating.",
        "",
        "| search | load / build s (CPU s) | query p50 ms | query p99 ms | exact p50 / this p50 | recall@10 "
        "| CPU ms / query |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (wall, cpu), p50, p99, rec, qcpu in rows:
        lines.append(
            f"| {name} | {wall:.1f} ({cpu:.1f}) | {p50:.3f} | {p99:.3f} | {rows[0][2] / p50:.1f}x | {rec:.4f} "
            f"| {qcpu * 1000 / len(queries):.3f} |"
        )
    lines += [
        "",
        f"Store filled in {fill_s:.0f} s (one version). Index file on disk: {files / 1e6:.0f} MB; a restart "
        f"loads it in {restart_s:.2f} s instead of building. An ingest of 1,000 more chunks (a new version): "
        f"the warm index catches up in {catch_up_s:.2f} s (reads the 1,000 new vectors); exact search "
        f"re-reads all {args.n + 1000:,} in {reload_s:.1f} s. The HNSW build includes reading every vector "
        "from the store and writing the index file. Worst-query recall@10: "
        f"{min(recalls):.1f}; queries below 0.9: {sum(r < 0.9 for r in recalls)}.",
        "",
        f"Load average (1/5/15 min, 2 cores shared with other work) at the start: {load_start}; at the end: "
        f"{load_end}. Wall times stretch with that load; the CPU columns (process time) do not.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        out = ROOT / "benchmarks" / "results" / "vector_index.md"
        out.write_text(replace_section(out.read_text() if out.exists() else "", text))
        print(f"wrote {out}")


if __name__ == "__main__":
    main()

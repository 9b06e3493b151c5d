"""Choose the approximate nearest-neighbour library for knowledge bases by measurement.

Run: ``python benchmarks/vector_index_select.py --n 100000``. Same synthetic vectors for each
candidate (384-d, L2-normalised, data and queries drawn around the same n/100 cluster centres so
that neighbours are meaningful), each library's HNSW (or faiss's HNSW-flat) with comparable parameters (M = 16,
ef_construction = 128, ef_search = 64), inner product. Reports build time, query p50/p99 (one query
at a time, as retrieval asks) and recall@10 against exact numpy search over the same vectors.
sqlite-vec is listed but not measured when this Python's sqlite3 cannot load extensions (Debian's
and python.org's builds here cannot), and its ``vec0`` table is an exact scan, not an ANN index.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def clustered(n: int, queries: int, dim: int, *, seed: int = 1, spread: float = 1.0) -> tuple[Vectors, Vectors]:
    """``n`` data and ``queries`` query vectors drawn around the same ``n / 100`` random unit centres
    (topics), with Gaussian noise of norm ``spread`` (cosine to the centre ~0.7, to a same-topic
    neighbour ~0.5, to another topic ~0): neighbours are real, as with text embeddings, not ties."""
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((max(1, n // 100), dim)).astype(np.float32)
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    out = []
    for count in (n, queries):
        x = c[rng.integers(0, len(c), count)]
        x = x + spread * rng.standard_normal((count, dim)).astype(np.float32) / np.sqrt(dim)
        out.append((x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32))
    return out[0], out[1]


def exact(data: Vectors, queries: Vectors, k: int) -> npt.NDArray[np.int64]:
    out = np.empty((len(queries), k), dtype=np.int64)
    for i, q in enumerate(queries):
        s = data @ q
        top = np.argpartition(-s, k)[:k]
        out[i] = top[np.argsort(-s[top])]
    return out


def recall(found: list[list[int]], truth: npt.NDArray[np.int64], k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(t[:k].tolist())) / k for f, t in zip(found, truth, strict=True)]))


def run_usearch(data: Vectors) -> tuple[Any, Callable[[Vectors, int], list[int]]]:
    from usearch.index import Index

    index = Index(ndim=data.shape[1], metric="ip", dtype="f32", connectivity=16, expansion_add=128, expansion_search=64)
    index.add(np.arange(len(data)), data, threads=1)

    def q(v: Vectors, k: int) -> list[int]:
        return [int(x) for x in index.search(v, k, threads=1).keys]

    return index, q


def run_hnswlib(data: Vectors) -> tuple[Any, Callable[[Vectors, int], list[int]]]:
    import hnswlib

    index = hnswlib.Index(space="ip", dim=data.shape[1])
    index.init_index(max_elements=len(data), ef_construction=128, M=16)
    index.set_num_threads(1)
    index.add_items(data, np.arange(len(data)))
    index.set_ef(64)

    def q(v: Vectors, k: int) -> list[int]:
        labels, _ = index.knn_query(v, k=k)
        return [int(x) for x in labels[0]]

    return index, q


def run_faiss(data: Vectors) -> tuple[Any, Callable[[Vectors, int], list[int]]]:
    import faiss

    faiss.omp_set_num_threads(1)
    index = faiss.IndexHNSWFlat(data.shape[1], 16, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 128
    index.add(data)
    index.hnsw.efSearch = 64

    def q(v: Vectors, k: int) -> list[int]:
        _, labels = index.search(v.reshape(1, -1), k)
        return [int(x) for x in labels[0]]

    return index, q


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--dim", type=int, default=384)
    args = parser.parse_args()
    data, queries = clustered(args.n, args.queries, args.dim)
    truth = exact(data, queries, 10)
    t0 = time.perf_counter()
    for v in queries[:100]:
        s = data @ v
        np.argpartition(-s, 10)[:10]
    exact_ms = (time.perf_counter() - t0) * 1000 / 100
    print(f"n={args.n} dim={args.dim} queries={args.queries}; exact numpy mean {exact_ms:.2f} ms/query", flush=True)
    print("| library | build s (1 thread) | build CPU s | p50 ms | p99 ms | CPU ms / query | recall@10 |")
    print("|---|---|---|---|---|---|---|")
    for name, build in (("usearch", run_usearch), ("hnswlib", run_hnswlib), ("faiss-cpu", run_faiss)):
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            _, q = build(data)
            built, built_cpu = time.perf_counter() - t0, time.process_time() - c0
        except ImportError as exc:
            print(f"| {name} | not installed ({exc}) | | | | | |")
            continue
        found, times = [], []
        c0 = time.process_time()
        for v in queries:
            t = time.perf_counter()
            found.append(q(v, 10))
            times.append((time.perf_counter() - t) * 1000)
        query_cpu = (time.process_time() - c0) * 1000 / len(queries)
        p50, p99 = np.percentile(times, [50, 99])
        print(
            f"| {name} | {built:.1f} | {built_cpu:.1f} | {p50:.3f} | {p99:.3f} | {query_cpu:.3f} "
            f"| {recall(found, truth, 10):.4f} |",
            flush=True,
        )
    loads = hasattr(sqlite3.connect(":memory:"), "enable_load_extension")
    print(f"| sqlite-vec | not measured: sqlite3 can load extensions = {loads}; vec0 is exact KNN | | | | | |")


if __name__ == "__main__":
    main()

"""The approximate nearest-neighbour index of one knowledge base: HNSW from ``usearch``, persisted
under the data directory.

An index is derived data (RR-2): labels are small integers, each standing for one stored chunk
(its id and its document's id are kept beside the graph), and the whole is rebuilt or brought up to
date from ``kb_vectors`` by :class:`charter.knowledge.index.VectorCache`. On disk, per knowledge
base, ``<data_dir>/vector-index/<kb id>/`` (0700) holds ``g<generation>-v<version>.usearch`` and
its ``.json`` label map (both 0600); a new pair is written beside the old one and the old one is
removed after, so a reader never sees half a file. A pair is written after a build and after
catching up with enough changes (:class:`charter.knowledge.index.VectorCache`); a file older than
the store's version is caught up by version when loaded. usearch was chosen by measurement
(benchmarks/vector_index_select.py, docs/knowledge.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from charter.files import private_dir

__all__ = ["AnnIndex", "index_dir", "load_latest", "save"]


def _usearch() -> Any:
    """usearch, imported when an index is first built or loaded, not with the module: a process that
    loads usearch's library before Ray's aborts at ``ray.init`` (std::regex_error inside Ray's GCS
    client: the two libraries' C++ runtimes collide), so an evaluation fanned out over Ray from the CLI
    must reach ``ray.init`` first."""
    import usearch.index

    return usearch.index

log = logging.getLogger(__name__)

#: HNSW graph degree and build-time beam; search beam is a setting (``vector_index_ef``).
CONNECTIVITY = 16
EXPANSION_ADD = 128
_PARALLEL_ADD = 10_000
_FILE = re.compile(r"^g(\d+)-v(\d+)\.usearch$")


@dataclass
class AnnIndex:
    """One knowledge base's HNSW graph over inner product (the stored vectors are L2-normalised,
    so the score is the cosine, as exact search gives)."""

    dim: int
    version: int
    generation: int
    ef: int
    index: Any = None
    chunk_of: dict[int, str] = field(default_factory=dict)  # label -> chunk id
    document_of: dict[int, str] = field(default_factory=dict)  # label -> document id
    labels_of_document: dict[str, list[int]] = field(default_factory=dict)
    next_label: int = 0
    unsaved: int = 0  # chunks added or removed since the graph was last written (a new build: all)

    def __post_init__(self) -> None:
        if self.index is None:
            self.index = _usearch().Index(
                ndim=self.dim,
                metric="ip",
                dtype="f32",
                connectivity=CONNECTIVITY,
                expansion_add=EXPANSION_ADD,
                expansion_search=self.ef,
            )

    def __len__(self) -> int:
        return len(self.chunk_of)

    def chunk_ids(self) -> set[str]:
        return set(self.chunk_of.values())

    def add(self, chunk_ids: list[str], document_ids: list[str], vectors: npt.NDArray[np.float32]) -> None:
        if not chunk_ids:
            return
        labels = np.arange(self.next_label, self.next_label + len(chunk_ids), dtype=np.uint64)
        # One thread for small additions (an ingest's catch-up): a thread pool on a busy machine
        # costs more than it gains; all cores for a build.
        threads = 1 if len(chunk_ids) < _PARALLEL_ADD else 0
        self.index.add(labels, np.ascontiguousarray(vectors, dtype=np.float32), threads=threads)
        for label, cid, did in zip(labels.tolist(), chunk_ids, document_ids, strict=True):
            self.chunk_of[label] = cid
            self.document_of[label] = did
            self.labels_of_document.setdefault(did, []).append(label)
        self.next_label += len(chunk_ids)
        self.unsaved += len(chunk_ids)

    def remove_documents(self, document_ids: list[str]) -> int:
        """Take every chunk of these documents out of the graph; returns how many."""
        labels = [label for did in document_ids for label in self.labels_of_document.pop(did, [])]
        if labels:
            self.index.remove(np.asarray(labels, dtype=np.uint64))
        for label in labels:
            self.chunk_of.pop(label, None)
            self.document_of.pop(label, None)
        return len(labels)

    def search(self, vector: npt.NDArray[np.float32], limit: int) -> list[tuple[str, float]]:
        """(chunk id, cosine) best first; only labels still mapped to a chunk are returned."""
        if not self.chunk_of:
            return []
        self.index.expansion_search = max(self.ef, limit)
        found = self.index.search(
            np.ascontiguousarray(vector, dtype=np.float32), min(limit, len(self.chunk_of)), threads=1
        )
        out = []
        for label, distance in zip(found.keys.tolist(), found.distances.tolist(), strict=True):
            cid = self.chunk_of.get(int(label))
            if cid is not None:
                out.append((cid, 1.0 - float(distance)))
        return sorted(out, key=lambda kv: (-kv[1], kv[0]))


def index_dir(data_dir: Path, kb_id: str) -> Path:
    return data_dir / "vector-index" / kb_id


def save(data_dir: Path, kb_id: str, ann: AnnIndex) -> Path:
    """Write ``ann`` as ``g<generation>-v<version>``; remove this knowledge base's older files."""
    folder = index_dir(data_dir, kb_id)
    private_dir(folder)  # 0700, as every directory Charter creates
    stem = f"g{ann.generation}-v{ann.version}"
    labels = sorted(ann.chunk_of)
    meta = {
        "kb_id": kb_id,
        "dim": ann.dim,
        "version": ann.version,
        "generation": ann.generation,
        "next_label": ann.next_label,
        "labels": labels,
        "chunks": [ann.chunk_of[label] for label in labels],
        "documents": [ann.document_of[label] for label in labels],
    }
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".usearch")  # 0600
    os.close(fd)
    try:
        ann.index.save(tmp)
        os.chmod(tmp, 0o600)
        fd, tmp_meta = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as out:
            json.dump(meta, out)
        os.replace(tmp_meta, folder / f"{stem}.json")
        os.replace(tmp, folder / f"{stem}.usearch")  # the graph last: it is what a reader looks for
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    for old in folder.iterdir():
        if old.stem != stem and not old.name.startswith(".tmp-"):
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
    return folder / f"{stem}.usearch"


def load_latest(data_dir: Path, kb_id: str, *, generation: int, version: int, ef: int) -> AnnIndex | None:
    """The newest saved index of this generation at or below ``version``; None when there is none or
    it cannot be read (the caller rebuilds from the store)."""
    folder = index_dir(data_dir, kb_id)
    if not folder.is_dir():
        return None
    best: tuple[int, Path] | None = None
    for path in folder.iterdir():
        match = _FILE.match(path.name)
        at = (int(match[1]), int(match[2])) if match else None
        if at is not None and at[0] == generation and at[1] <= version and (best is None or at[1] > best[0]):
            best = (at[1], path)
    if best is None:
        return None
    try:
        meta = json.loads(best[1].with_suffix(".json").read_text())
        graph = _usearch().Index.restore(str(best[1]))
        if graph is None or meta["kb_id"] != kb_id or len(graph) != len(meta["labels"]):
            raise ValueError("index file and label map disagree")
        ann = AnnIndex(
            dim=int(meta["dim"]), version=int(meta["version"]), generation=generation, ef=ef, index=graph
        )
        for label, cid, did in zip(meta["labels"], meta["chunks"], meta["documents"], strict=True):
            ann.chunk_of[int(label)] = str(cid)
            ann.document_of[int(label)] = str(did)
            ann.labels_of_document.setdefault(str(did), []).append(int(label))
        ann.next_label = int(meta["next_label"])
        ann.unsaved = 0
        return ann
    except Exception as exc:  # a damaged derived file: rebuild rather than fail the query
        log.warning("vector index %s unreadable (%s); rebuilding from the store", best[1], exc)
        return None

"""Knowledge-base ingestion of many files fanned out over Ray (issue 18 item 4), and the generic batch
fan-out (charter.cluster.fan_out), on a local Ray instance with 2 CPUs: the same files give the same
report and the same stored documents, chunks, redactions, near-duplicate links and vectors as the
single-process path, on both stores. Runs in a pytest process of its own
(tests/integration/evals/test_ray_isolated.py)."""

from __future__ import annotations

import functools
import os
from typing import Any

import pytest

from tests.support.ray_process import IN_RAY_PROCESS, SKIP_REASON

if not IN_RAY_PROCESS:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from sqlalchemy import select

from charter.cluster import fan_out
from charter.errors import Unavailable
from charter.knowledge.ingest import Source, ingest
from charter.knowledge.tables import kb_chunks, kb_documents, kb_vectors
from charter.runtime import Runtime
from tests.integration.knowledge.conftest import make_kb

ray = pytest.importorskip("ray", reason="ray is not installed: pip install 'charter[ray]'")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_ray():
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    if started:
        ray.shutdown()


def _corpus() -> list[Source]:
    """Files of every outcome: added (Markdown, text, CSV, HTML, with and without personal data), the same
    bytes twice (unchanged), the same content in other bytes (duplicate), a near duplicate (flagged),
    an empty file and an unknown suffix (failed)."""
    topics = ["passports", "parking permits", "bin collection", "council tax", "libraries", "planning"]
    files: list[Source] = []
    for i in range(18):
        topic = topics[i % len(topics)]
        body = "\n\n".join(
            f"## {topic.title()} rule {j}\n\nRule {i}.{j}: the {topic} office answers request {i * 31 + j} within "
            f"{3 + j} working days. Bring form {chr(65 + j)}-{i} and proof of address to the service centre."
            for j in range(8))
        if i % 5 == 0:
            body += f"\n\nContact officer{i}@example.org or call 020 7946 09{i:02d} about case {i}."
        suffix = (".md", ".txt", ".csv", ".html")[i % 4]
        if suffix == ".csv":
            data = "service,answer\n" + "\n".join(f"{topic} {j},{line}" for j, line in enumerate(body.split("\n\n")))
        elif suffix == ".html":
            data = f"<html><body><article><h1>{topic}</h1><p>{body.replace(chr(10), ' ')}</p></article></body></html>"
        else:
            data = body
        files.append(Source(f"doc-{i:02d}{suffix}", data.encode(), f"file:///corpus/doc-{i:02d}{suffix}"))
    first = files[1].data
    files += [
        Source("copy-of-doc-01.txt", first, "file:///corpus/copy"),  # same bytes: unchanged
        Source("doc-01-again.txt", first + b"\n\n", "file:///corpus/again"),  # same content: duplicate
        Source("doc-01-revised.txt", first.replace(b"Rule 1.3:", b"Rule one.three:"), "file:///corpus/rev"),
        Source("empty.txt", b"   \n", "file:///corpus/empty"),
        Source("scan.xyz", b"\x00\x01", "file:///corpus/scan"),
    ]
    return files


def _stored(rt: Runtime, kb_id: str) -> dict[str, Any]:
    """What a knowledge base holds, keyed by file name instead of generated ids."""
    with rt.engine.connect() as conn:
        docs = conn.execute(select(kb_documents).where(kb_documents.c.kb_id == kb_id)).mappings().all()
        name_of = {d["id"]: d["filename"] for d in docs}
        chunks = conn.execute(select(kb_chunks).where(kb_chunks.c.kb_id == kb_id)
                              .order_by(kb_chunks.c.document_id, kb_chunks.c.ordinal)).mappings().all()
        chunk_of = {c["id"]: (name_of[c["document_id"]], c["ordinal"]) for c in chunks}
        vectors = conn.execute(select(kb_vectors.c.chunk_id, kb_vectors.c.vector)
                               .where(kb_vectors.c.chunk_id.in_(list(chunk_of)))).all()
    keep = ("source_uri", "media_type", "checksum", "content_sha256", "minhash", "bytes", "pages", "title",
            "chunk_count", "pii_redactions", "status", "added_version", "classification", "uploader")
    return {
        "documents": {d["filename"]: {**{k: d[k] for k in keep},
                                      "near_duplicate_of": name_of.get(d["near_duplicate_of"])} for d in docs},
        "chunks": sorted((name_of[c["document_id"]], c["ordinal"], c["text"], c["text_sha256"], c["heading"],
                          c["page"], c["start_char"], c["end_char"], c["added_version"]) for c in chunks),
        "vectors": sorted((chunk_of[cid], bytes(v)) for cid, v in vectors),
    }


def _named(report: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    def swap(entry: dict[str, Any]) -> dict[str, Any]:
        return {k: names.get(v, v) if k in ("document_id", "near_duplicate_of") else v for k, v in entry.items()}

    return {**report, "kb": "-", "added": [swap(a) for a in report["added"]],
            "skipped": [swap(s) for s in report["skipped"]]}


def test_ingestion_fanned_out_over_ray_stores_what_one_process_stores(local_ray, kb_runtime: Runtime, tenant: str):
    corpus = _corpus()
    reports, stored = {}, {}
    for name, address in (("single", None), ("fanned", "local")):
        kb = make_kb(kb_runtime, tenant, name=name, embedder="bow", pii_policy="redact", chunk_chars=400,
                     overlap_chars=80)
        # one file is there already: the batch finds it unchanged without reading it
        ingest(kb_runtime, tenant_id=tenant, kb_name=name, sources=[corpus[4]], uploader="alice")
        report = ingest(kb_runtime, tenant_id=tenant, kb_name=name, sources=corpus, uploader="alice",
                        ray_address=address, ray_workers=2)
        stored[name] = _stored(kb_runtime, kb["id"])
        names = {doc_id: filename for filename, doc_id in _ids(kb_runtime, kb["id"]).items()}
        reports[name] = _named(report.as_dict(), names)
    assert reports["fanned"] == reports["single"]
    assert stored["fanned"] == stored["single"]
    # the corpus exercised every outcome
    single = reports["single"]
    assert sorted(s["reason"] for s in single["skipped"]) == ["duplicate", "unchanged", "unchanged"]
    assert sorted(f["file"] for f in single["failed"]) == ["empty.txt", "scan.xyz"]
    assert len(single["added"]) == 18
    assert {a["file"]: a["near_duplicate_of"] for a in single["added"]}["doc-01-revised.txt"] == "doc-01.txt"
    assert sum(a["pii_redactions"] for a in single["added"]) >= 4
    assert stored["single"]["vectors"] and len(stored["single"]["vectors"]) == len(stored["single"]["chunks"])


def _ids(rt: Runtime, kb_id: str) -> dict[str, str]:
    with rt.engine.connect() as conn:
        rows = conn.execute(select(kb_documents.c.filename, kb_documents.c.id).where(kb_documents.c.kb_id == kb_id))
        return {r.filename: r.id for r in rows}


# -- the generic fan-out ---------------------------------------------------------------------------------
class _Counter:
    """A worker context: counts the items it saw (setup runs once per worker)."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.pid = os.getpid()

    def close(self) -> None:
        pass


def _square_plus(context: _Counter, item: int) -> tuple[int, int]:
    if item < 0:
        raise ValueError(f"negative item {item}")
    return item * item + context.offset, context.pid


def test_fan_out_over_ray_returns_what_one_process_returns_in_item_order(local_ray):
    items = list(range(40))
    setup = functools.partial(_Counter, 7)
    here = fan_out(_square_plus, items, setup=setup)
    there = fan_out(_square_plus, items, setup=setup, address="local", workers=2, batch_size=3)
    assert [r for r, _ in there] == [r for r, _ in here] == [i * i + 7 for i in items]
    assert {pid for _, pid in here} == {os.getpid()}
    assert len({pid for _, pid in there}) == 2 and os.getpid() not in {pid for _, pid in there}
    assert fan_out(_square_plus, [], setup=setup, address="local") == []


def test_fan_out_item_failure_fails_the_call_closed(local_ray):
    with pytest.raises(Unavailable) as err:
        fan_out(_square_plus, [1, 2, -3, 4], setup=functools.partial(_Counter, 0), address="local", workers=2)
    assert err.value.code == "ray_unavailable"
    assert "ValueError: negative item -3" in str(err.value)
    with pytest.raises(ValueError):  # the same failure in one process is the function's own
        fan_out(_square_plus, [1, -3], setup=functools.partial(_Counter, 0))


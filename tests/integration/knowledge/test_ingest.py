"""Ingestion, versions, deletion, retention and rebuild on SQLite and PostgreSQL (PC-4, DP-2, DP-5, RR-2)."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import func, select, text

from charter.knowledge import Source, apply_retention, delete_document, ingest, query, rebuild
from charter.knowledge.service import list_documents, list_versions
from charter.knowledge.tables import kb_chunks, kb_vectors
from charter.ledger.tables import ledger_entries
from charter.runtime import Runtime
from tests.integration.knowledge.conftest import admin, make_kb

PASSPORT = (b"# Passports\n\nA passport renewal takes six weeks. Apply online at the passport office.\n\n"
            b"## Fees\n\nThe adult renewal fee is 88 pounds. Children pay 57 pounds.\n")
PARKING = b"Parking permits are issued by the council. A resident permit costs 40 pounds a year.\n"


def _docx(heading: str, body: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    document.add_paragraph(body)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(line: str) -> bytes:
    """A minimal one-page PDF whose page shows ``line`` in Helvetica."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _ledger_actions(rt: Runtime, tenant_id: str) -> list[str]:
    with rt.engine.connect() as conn:
        return list(conn.execute(select(ledger_entries.c.action).where(ledger_entries.c.tenant_id == tenant_id)
                                 .order_by(ledger_entries.c.seq)).scalars())


def test_pc4_ingest_records_every_kind_and_reingest_changes_nothing(kb_runtime: Runtime, tenant: str) -> None:
    make_kb(kb_runtime, tenant)
    html = (b"<html><head><title>Bins</title></head><body><nav>Home | About | Contact</nav><article>"
            b"<h1>Bin collection</h1><p>Bins are collected every Tuesday morning before seven o'clock in the "
            b"whole district. Recycling goes out on alternate weeks in the green box provided by the "
            b"council.</p></article><footer>Copyright</footer></body></html>")
    sources = [
        Source("passports.md", PASSPORT, "https://example.gov/passports"),
        Source("parking.txt", PARKING, "file:///srv/parking.txt"),
        Source("bins.html", html, "https://example.gov/bins"),
        Source("fees.csv", b"service,fee\nlibrary card,0 pounds\nreplacement card,3 pounds\n", "file:///fees.csv"),
        Source("leave.docx", _docx("Annual leave", "Staff receive 25 days of annual leave."), "file:///leave.docx"),
        Source("notice.pdf", _pdf("The office closes at five on Fridays."), "file:///notice.pdf"),
        Source("broken.pdf", b"%PDF-1.4 this is not a pdf", "file:///broken.pdf"),
        Source("image.png", b"\x89PNG\r\n", "file:///image.png"),
    ]
    seen: list[str] = []
    report = ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", sources=sources, uploader="alice",
                    progress=seen.append)
    assert seen == [s.filename for s in sources]
    assert report.version == 1
    assert sorted(a["file"] for a in report.added) == ["bins.html", "fees.csv", "leave.docx", "notice.pdf",
                                                      "parking.txt", "passports.md"]
    assert sorted(f["file"] for f in report.failed) == ["broken.pdf", "image.png"]
    docs = {d["filename"]: d for d in list_documents_(kb_runtime, tenant)}
    assert docs["passports.md"]["source_uri"] == "https://example.gov/passports"
    assert docs["passports.md"]["uploader"] == "alice"
    assert len(docs["passports.md"]["checksum"]) == 64
    assert docs["notice.pdf"]["pages"] == 1
    with kb_runtime.engine.connect() as conn:
        bins = conn.execute(select(kb_chunks.c.text).where(kb_chunks.c.document_id == docs["bins.html"]["id"])
                            ).scalars().all()
    assert any("Tuesday" in b for b in bins) and not any("Copyright" in b or "About" in b for b in bins)
    again = ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", sources=sources[:2], uploader="bob")
    assert again.version is None and [s["reason"] for s in again.skipped] == ["unchanged", "unchanged"]
    assert [v["version"] for v in list_versions_(kb_runtime, tenant)] == [1]
    actions = _ledger_actions(kb_runtime, tenant)
    assert actions.count("kb.document_added") == 6 and actions.count("kb.version") == 1


def list_documents_(rt: Runtime, tenant: str, **kw: bool) -> list[dict]:
    with rt.engine.connect() as conn:
        return list_documents(conn, tenant, "handbook", **kw)


def list_versions_(rt: Runtime, tenant: str) -> list[dict]:
    with rt.engine.connect() as conn:
        return list_versions(conn, tenant, "handbook")


def test_pc4_same_content_under_another_name_is_a_duplicate(kb_runtime: Runtime, tenant: str) -> None:
    make_kb(kb_runtime, tenant)
    long = b" ".join(b"Rule %d: a resident permit for street %d costs %d pounds a year." % (i, i * 7, 40 + i)
                     for i in range(40))
    ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", sources=[Source("a.txt", long, "u:a")],
           uploader="alice")
    report = ingest(kb_runtime, tenant_id=tenant, kb_name="handbook",
                    sources=[Source("b.txt", long + b"\n\n", "u:b"),
                             Source("c.txt", long.replace(b"Rule 3:", b"Rule three:"), "u:c"),
                             Source("d.txt", PARKING, "u:d")], uploader="alice")
    assert [s["reason"] for s in report.skipped] == ["duplicate"]
    first = list_documents_(kb_runtime, tenant)[0]["id"]
    assert [(a["file"], a["near_duplicate_of"]) for a in report.added] == [("c.txt", first), ("d.txt", None)]


def test_pc4_delete_cascades_to_chunks_vectors_and_index(kb_runtime: Runtime, tenant: str) -> None:
    make_kb(kb_runtime, tenant, embedder="bow")
    ingest(kb_runtime, tenant_id=tenant, kb_name="handbook",
           sources=[Source("passports.md", PASSPORT, "u:p"), Source("parking.txt", PARKING, "u:k")],
           uploader="alice")
    who = admin(tenant)
    assert query(kb_runtime, who, ["handbook"], "passport renewal fee", mode="lexical")
    doc = next(d for d in list_documents_(kb_runtime, tenant) if d["filename"] == "passports.md")
    event = delete_document(kb_runtime, tenant_id=tenant, kb_name="handbook", document_id=doc["id"], actor="alice")
    assert event["version"] == 2 and event["documents_removed"] == [doc["id"]]
    for mode in ("lexical", "dense", "hybrid"):
        hits = query(kb_runtime, who, ["handbook"], "passport renewal fee", mode=mode)  # type: ignore[arg-type]
        assert all(h.document_id != doc["id"] for h in hits), mode
    with kb_runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).where(kb_chunks.c.document_id == doc["id"])).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(kb_vectors)).scalar_one() == 1
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("SELECT count(*) FROM kb_chunks_fts")).scalar_one() == 1
    tomb = next(d for d in list_documents_(kb_runtime, tenant, include_deleted=True) if d["id"] == doc["id"])
    assert (tomb["status"], tomb["removed_version"], tomb["removed_reason"]) == ("deleted", 2, "deleted")
    assert "kb.document_deleted" in _ledger_actions(kb_runtime, tenant)


def test_dp2_chunk_with_email_is_stored_and_returned_redacted(kb_runtime: Runtime, tenant: str) -> None:
    make_kb(kb_runtime, tenant)
    body = b"For a refund write to refunds.team@example.gov and quote your reference number."
    report = ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", sources=[Source("r.txt", body, "u:r")],
                    uploader="alice")
    assert report.added[0]["pii_redactions"] == 1
    hits = query(kb_runtime, admin(tenant), ["handbook"], "refund reference")
    assert "<EMAIL>" in hits[0].text and "refunds.team@example.gov" not in hits[0].text


def test_dp5_retention_removes_documents_past_it_with_a_version_and_audit(kb_runtime: Runtime, tenant: str) -> None:
    make_kb(kb_runtime, tenant, retention_days=30, embedder="bow")
    ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", sources=[Source("p.txt", PARKING, "u:p")],
           uploader="alice")
    now = dt.datetime.now(dt.UTC)
    assert apply_retention(kb_runtime, now=now + dt.timedelta(days=29)) == []
    events = apply_retention(kb_runtime, now=now + dt.timedelta(days=31))
    assert [(e["kb"], e["kind"], e["chunks"], e["documents"]) for e in events] == [("handbook", "retention", 0, 0)]
    with kb_runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(kb_chunks)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(kb_vectors)).scalar_one() == 0
    assert query(kb_runtime, admin(tenant), ["handbook"], "parking permit") == []
    assert "kb.document_retention" in _ledger_actions(kb_runtime, tenant)


def test_rr2_index_rebuilt_from_stored_chunks(kb_runtime: Runtime, tenant: str) -> None:
    make_kb(kb_runtime, tenant, embedder="bow")
    ingest(kb_runtime, tenant_id=tenant, kb_name="handbook",
           sources=[Source("passports.md", PASSPORT, "u:p"), Source("parking.txt", PARKING, "u:k")],
           uploader="alice")
    who = admin(tenant)
    before = [(h.chunk_id, round(h.score, 6)) for h in query(kb_runtime, who, ["handbook"], "resident permit")]

    def wipe(conn):  # lose both derived indexes
        conn.execute(kb_vectors.delete())
        if conn.dialect.name == "sqlite":
            conn.execute(text("DELETE FROM kb_chunks_fts"))

    kb_runtime.writer.write(wipe)
    event = rebuild(kb_runtime, tenant_id=tenant, kb_name="handbook", actor="ops")
    with kb_runtime.engine.connect() as conn:
        chunks = conn.execute(select(func.count()).select_from(kb_chunks)).scalar_one()
    assert event["lexical_entries"] == chunks and event["vectors"] == chunks
    after = [(h.chunk_id, round(h.score, 6)) for h in query(kb_runtime, who, ["handbook"], "resident permit")]
    assert after == before and after
    assert "kb.rebuilt" in _ledger_actions(kb_runtime, tenant)

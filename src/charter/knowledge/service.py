"""Knowledge bases as records: create, look up, authorise, version, delete documents, retention.

Every state change appends a ledger entry in the same transaction (``kb.created``,
``kb.version``, ``kb.document_deleted``, ``kb.retention``, ``kb.rebuilt``). Access is checked at
query time: an ``app`` key retrieves only from the knowledge bases its use case's charter names;
admin and developer keys from any knowledge base of their own tenant; nobody across tenants.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from charter import ledger
from charter.domain import CLASSIFICATION_LEVELS, Charter, Principal
from charter.errors import Conflict, InvalidRequest, NotFound, PermissionDenied
from charter.knowledge.tables import kb_chunks, kb_documents, kb_versions, knowledge_bases
from charter.policy.current import body_in_force
from charter.policy.service import tenant_name
from charter.secretstore import NO_EGRESS, Egress, secret_name_refusal
from charter.store.changes import insert_recorded
from charter.store.records import found_in, pick, pick_iso
from charter.store.schema import new_id, use_cases, utcnow
from charter.store.types import iso

__all__ = [
    "PII_POLICIES",
    "QUERY_ROLES",
    "KnowledgeBaseSpec",
    "actor_of",
    "authorise",
    "check_embedder_options",
    "create_kb",
    "delete_document",
    "expired_documents",
    "get_kb",
    "list_documents",
    "list_kbs",
    "list_versions",
    "new_version",
    "remove_documents",
]

PII_POLICIES = ("redact", "block", "off")
QUERY_ROLES = ("admin", "developer", "app")
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"


def actor_of(p: Principal) -> str:
    """Who a knowledge-base change is recorded as (uploader, deleter, rebuilder): the API key."""
    return f"key:{p.key_id}"


def kb_record(row: Any) -> dict[str, Any]:
    return {
        **pick(
            row, "id", "tenant_id", "name", "description", "classification", "embedder", "embedder_options",
            "pii_policy", "retention_days", "chunk_chars", "overlap_chars",
        ),
        "version": row.current_version,
        "created_by": row.created_by,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def _check_options(
    name: str, classification: str, pii_policy: str, retention_days: int | None, chunk_chars: int, overlap_chars: int
) -> None:
    if not re.match(NAME_PATTERN, name):
        raise InvalidRequest(
            "a knowledge base name is a lower-case slug (a-z, 0-9, -)", code="invalid_value", param="name"
        )
    if classification not in CLASSIFICATION_LEVELS:
        raise InvalidRequest(
            f"classification must be one of {', '.join(CLASSIFICATION_LEVELS)}",
            code="invalid_value",
            param="classification",
        )
    if pii_policy not in PII_POLICIES:
        raise InvalidRequest(
            f"pii_policy must be one of {', '.join(PII_POLICIES)}", code="invalid_value", param="pii_policy"
        )
    if retention_days is not None and retention_days < 1:
        raise InvalidRequest("retention_days must be at least 1", code="invalid_value", param="retention_days")
    if not 100 <= chunk_chars <= 20_000 or not 0 <= overlap_chars < chunk_chars:
        raise InvalidRequest(
            "chunk_chars must be 100..20000 and overlap_chars below it",
            code="invalid_value",
            param="chunk_chars",
        )


def check_embedder_options(egress: Egress, options: dict[str, Any], *, tenant: str) -> None:
    """Refuse embedder options that name a variable (``api_key_env``), or an ``endpoint`` / ``secret``
    the egress policy refuses for this tenant (:func:`charter.knowledge.state.build_embedder` applies
    the same rules again when the embedder is built)."""
    for named in ("api_key_env", "credential"):
        if named in options:
            raise secret_name_refusal(named, param=f"embedder_options.{named}")
    endpoint, secret = options.get("endpoint"), options.get("secret")
    if endpoint is None and secret is None:
        return
    if not isinstance(endpoint, str | None) or not isinstance(secret, str | None):
        raise InvalidRequest(
            "embedder_options: endpoint and secret are strings", code="invalid_value", param="embedder_options"
        )
    egress.admit(
        endpoint,
        secret=secret,
        tenant=tenant,
        param="embedder_options.endpoint",
        reference_param="embedder_options.secret",
    )


@dataclass(frozen=True, slots=True)
class KnowledgeBaseSpec:
    """What a new knowledge base is: the API body and the CLI options both fill one in."""

    name: str
    description: str = ""
    classification: str = "internal"
    embedder: str | None = None
    embedder_options: dict[str, Any] = field(default_factory=dict)
    pii_policy: str = "redact"
    retention_days: int | None = None
    chunk_chars: int = 1200
    overlap_chars: int = 200


def create_kb(
    conn: Connection, spec: KnowledgeBaseSpec, *, tenant_id: str, actor: str, egress: Egress = NO_EGRESS
) -> dict[str, Any]:
    """Create a knowledge base. ``egress`` is the runtime's (``rt.egress``): an embedder endpoint must
    be on the outbound allow-list and its secret granted to this tenant (the default allows nothing
    outbound)."""
    name = spec.name
    _check_options(
        name, spec.classification, spec.pii_policy, spec.retention_days, spec.chunk_chars, spec.overlap_chars
    )
    check_embedder_options(egress, spec.embedder_options, tenant=tenant_name(conn, tenant_id))
    exists = conn.execute(
        select(knowledge_bases.c.id).where(knowledge_bases.c.tenant_id == tenant_id, knowledge_bases.c.name == name)
    ).first()
    if exists is not None:
        raise Conflict(f"knowledge base {name!r} already exists", code="already_exists", param="name")
    now = utcnow()
    values = {
        "id": new_id("kb"), "tenant_id": tenant_id, **asdict(spec),
        "current_version": 0, "created_by": actor, "created_at": now, "updated_at": now,
    }
    event = {k: v for k, v in values.items() if k not in ("created_at", "updated_at", "tenant_id")}
    insert_recorded(conn, knowledge_bases, values, actor=actor, action="kb.created", subject=name, event=event)
    return get_kb(conn, tenant_id, name)


def _kb_row(conn: Connection, tenant_id: str, name: str) -> Any:
    return found_in(conn, knowledge_bases, tenant_id,
                    f"knowledge base {name!r} not found; list them with `charter kb list`", name=name)


def get_kb(conn: Connection, tenant_id: str, name: str) -> dict[str, Any]:
    record = kb_record(_kb_row(conn, tenant_id, name))
    counts = conn.execute(
        select(func.count(), func.coalesce(func.sum(kb_documents.c.chunk_count), 0)).where(
            kb_documents.c.kb_id == record["id"], kb_documents.c.status == "active"
        )
    ).one()
    record["documents"], record["chunks"] = int(counts[0]), int(counts[1])
    return record


def list_kbs(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(knowledge_bases).where(knowledge_bases.c.tenant_id == tenant_id).order_by(knowledge_bases.c.name)
    ).all()
    return [kb_record(r) for r in rows]


def granted_names(conn: Connection, principal: Principal) -> set[str] | None:
    """Names of the knowledge bases an app key's use case is granted (its current charter names
    them); None for roles that may read every knowledge base of their tenant."""
    if principal.role != "app":
        return None
    if principal.use_case is None:
        return set()
    body = conn.execute(
        body_in_force(use_cases.c.tenant_id == principal.tenant_id, use_cases.c.name == principal.use_case)
    ).scalar_one_or_none()
    if body is None:
        return set()
    return set(Charter.model_validate(body).knowledge_bases)


def authorise(conn: Connection, principal: Principal, names: Sequence[str]) -> list[dict[str, Any]]:
    """The knowledge bases ``names`` as records, if ``principal`` may retrieve from all of them.

    Another tenant's knowledge base is indistinguishable from a missing one (404); one of the own
    tenant that the key's use case is not granted is refused (403)."""
    if principal.role not in QUERY_ROLES:
        raise PermissionDenied(f"role {principal.role!r} may not query knowledge bases", code="role_not_allowed")
    granted = granted_names(conn, principal)
    records = []
    for name in names:
        record = kb_record(_kb_row(conn, principal.tenant_id, name))
        if granted is not None and name not in granted:
            raise PermissionDenied(
                f"use case {principal.use_case!r} is not granted knowledge base {name!r}; add it to the "
                "charter's knowledge_bases",
                code="out_of_scope",
                param="kb",
            )
        records.append(record)
    return records


def list_documents(
    conn: Connection, tenant_id: str, kb_name: str, *, include_deleted: bool = False
) -> list[dict[str, Any]]:
    kb = _kb_row(conn, tenant_id, kb_name)
    query = select(kb_documents).where(kb_documents.c.kb_id == kb.id, kb_documents.c.tenant_id == tenant_id)
    if not include_deleted:
        query = query.where(kb_documents.c.status == "active")
    return [document_record(r) for r in conn.execute(query.order_by(kb_documents.c.created_at)).all()]


def document_record(r: Any) -> dict[str, Any]:
    return {
        **pick(
            r, "id", "source_uri", "filename", "media_type", "checksum", "content_sha256", "uploader",
            "classification", "bytes", "pages", "title",
        ),
        "chunks": r.chunk_count,
        **pick(
            r, "pii_redactions", "near_duplicate_of", "status", "added_version", "removed_version", "removed_reason"
        ),
        **pick_iso(r, "created_at", "removed_at"),
    }


def list_versions(conn: Connection, tenant_id: str, kb_name: str) -> list[dict[str, Any]]:
    kb = _kb_row(conn, tenant_id, kb_name)
    rows = conn.execute(select(kb_versions).where(kb_versions.c.kb_id == kb.id).order_by(kb_versions.c.version)).all()
    return [
        {
            "version": r.version,
            "kind": r.kind,
            "documents_added": r.documents_added,
            "documents_removed": r.documents_removed,
            "documents": r.document_count,
            "chunks": r.chunk_count,
            "manifest_sha256": r.manifest_sha256,
            "actor": r.actor,
            "created_at": iso(r.created_at),
        }
        for r in rows
    ]


def _manifest(conn: Connection, kb_id: str) -> tuple[str, int, int]:
    digest = hashlib.sha256()
    rows = conn.execute(
        select(kb_chunks.c.id, kb_chunks.c.text_sha256).where(kb_chunks.c.kb_id == kb_id).order_by(kb_chunks.c.id)
    ).all()
    for chunk_id, text_hash in rows:
        digest.update(f"{chunk_id}:{text_hash}\n".encode())
    documents = conn.execute(
        select(func.count()).where(kb_documents.c.kb_id == kb_id, kb_documents.c.status == "active")
    ).scalar_one()
    return digest.hexdigest(), len(rows), int(documents)


def next_version(conn: Connection, kb_id: str) -> int:
    """The version the caller's transaction will create (``new_version`` then records it)."""
    current = conn.execute(select(knowledge_bases.c.current_version).where(knowledge_bases.c.id == kb_id)).scalar_one()
    return int(current) + 1


def new_version(
    conn: Connection, *, kb: Any, version: int, kind: str, added: list[str], removed: list[str], actor: str
) -> dict[str, Any]:
    """Record an immutable version of ``kb`` (after the caller changed its documents) and its ledger entry."""
    manifest, chunks, documents = _manifest(conn, kb.id)
    now = utcnow()
    conn.execute(
        update(knowledge_bases).where(knowledge_bases.c.id == kb.id).values(current_version=version, updated_at=now)
    )
    change = {"version": version, "kind": kind, "documents_added": added, "documents_removed": removed}
    row = {
        "id": new_id("kbv"), "tenant_id": kb.tenant_id, "kb_id": kb.id, **change, "document_count": documents,
        "chunk_count": chunks, "manifest_sha256": manifest, "actor": actor, "created_at": now,
    }
    event = {"kb": kb.name, **change, "documents": documents, "chunks": chunks, "manifest_sha256": manifest}
    insert_recorded(conn, kb_versions, row, actor=actor, action="kb.version", subject=kb.name, event=event)
    return event


def remove_documents(
    conn: Connection, *, kb: Any, document_ids: list[str], reason: str, actor: str
) -> dict[str, Any] | None:
    """Hard-delete the documents' chunks, vectors and index entries; keep the documents as tombstones;
    record a new version. Returns the version event, or None when nothing was active."""
    active = [
        r.id
        for r in conn.execute(
            select(kb_documents.c.id).where(
                kb_documents.c.kb_id == kb.id,
                kb_documents.c.id.in_(document_ids),
                kb_documents.c.status == "active",
            )
        )
    ]
    if not active:
        return None
    version = next_version(conn, kb.id)
    conn.execute(delete(kb_chunks).where(kb_chunks.c.document_id.in_(active)))  # vectors + FTS cascade
    conn.execute(
        update(kb_documents)
        .where(kb_documents.c.id.in_(active))
        .values(
            status="deleted",
            removed_version=version,
            removed_reason=reason,
            removed_at=utcnow(),
            minhash=None,
        )
    )
    for document_id in active:
        ledger.append(
            conn,
            tenant_id=kb.tenant_id,
            actor=actor,
            action=f"kb.document_{reason}",
            subject=document_id,
            event={"kb": kb.name, "document_id": document_id, "version": version},
        )
    return new_version(
        conn,
        kb=kb,
        version=version,
        kind="delete" if reason == "deleted" else reason,
        added=[],
        removed=sorted(active),
        actor=actor,
    )


def delete_document(conn: Connection, *, tenant_id: str, kb_name: str, document_id: str, actor: str) -> dict[str, Any]:
    kb = _kb_row(conn, tenant_id, kb_name)
    status = conn.execute(
        select(kb_documents.c.status).where(kb_documents.c.id == document_id, kb_documents.c.kb_id == kb.id)
    ).scalar_one_or_none()
    if status is None:
        raise NotFound(f"document {document_id!r} not found in {kb_name!r}", code="not_found")
    if status != "active":
        raise Conflict(f"document {document_id!r} was already removed", code="conflict")
    event = remove_documents(conn, kb=kb, document_ids=[document_id], reason="deleted", actor=actor)
    assert event is not None
    return event


def expired_documents(conn: Connection, kb: Any, now: dt.datetime) -> list[str]:
    if kb.retention_days is None:
        return []
    cutoff = now - dt.timedelta(days=int(kb.retention_days))
    return [
        str(r[0])
        for r in conn.execute(
            select(kb_documents.c.id).where(
                kb_documents.c.kb_id == kb.id,
                kb_documents.c.status == "active",
                kb_documents.c.created_at < cutoff,
            )
        )
    ]


def kb_row(conn: Connection, tenant_id: str, name: str) -> Any:
    """The knowledge base row (for capability code; faces use :func:`get_kb`)."""
    return _kb_row(conn, tenant_id, name)

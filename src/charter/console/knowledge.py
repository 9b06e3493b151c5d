"""Knowledge-base pages: the tenant's knowledge bases, one with its documents (and those deleted,
with the version that removed them) and versions, a file upload with a progress bar, and deletion
after a confirmation. The same :mod:`charter.knowledge` functions and roles as ``/api/v1/kb``
(admin, developer); the uploader recorded is ``key:<id>`` as through the API.

The upload takes the file as the raw request body (``static/upload.js`` sends it so, with the
form's CSRF token in ``x-charter-csrf`` and the bar fed by the upload's progress events), or, without
JavaScript, as an ordinary ``multipart/form-data`` form; either way under ``CHARTER_MAX_UPLOAD_BYTES``
(the route is marked as an upload for the edge)."""

from __future__ import annotations

import asyncio
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from charter import knowledge
from charter.api.deps import get_runtime, takes_upload
from charter.console.web import (
    PREFIX,
    ConsoleRoute,
    Posted,
    Viewer,
    check_csrf,
    posted,
    redirect,
    render,
    same_site,
    signed_in,
    tenant_read,
)
from charter.domain import Principal
from charter.errors import InvalidRequest, NotFound, UnsupportedMediaType
from charter.knowledge import service
from charter.principals import roles
from charter.runtime import Runtime

__all__ = ["KB_MANAGERS", "router"]

router = APIRouter(prefix=PREFIX + "/knowledge", route_class=ConsoleRoute, include_in_schema=False)

KB_MANAGERS = roles.BUILDERS
CSRF_HEADER = "x-charter-csrf"


@router.get("")
def list_page(request: Request, viewer: Viewer = Depends(signed_in)) -> Response:
    rows = tenant_read(request, viewer, KB_MANAGERS, service.list_kbs)
    return render(request, "knowledge.html", viewer=viewer, rows=rows)


@router.get("/{kb}")
def detail(kb: str, request: Request, viewer: Viewer = Depends(signed_in),
           uploaded: str = Query(default="", max_length=300), version: int | None = Query(default=None, ge=1),
           deleted: str = Query(default="", max_length=40)) -> Response:
    p = viewer.require(*KB_MANAGERS)
    rt = get_runtime(request)
    view = rt.read(lambda conn: _kb_view(conn, p.tenant_id, kb))
    done = {"uploaded": uploaded, "version": version, "deleted": deleted}
    return render(request, "knowledge_base.html", viewer=viewer, **view, done=done,
                  max_bytes=rt.settings.max_upload_bytes)


def _kb_view(conn: Connection, tenant_id: str, kb: str) -> dict[str, Any]:
    """The knowledge base (404 first), its versions newest first, and its documents active and removed."""
    base = service.get_kb(conn, tenant_id, kb)
    documents = service.list_documents(conn, tenant_id, kb, include_deleted=True)
    return {"kb": base, "versions": list(reversed(service.list_versions(conn, tenant_id, kb))),
            "active": [d for d in documents if d["status"] == "active"],
            "removed": [d for d in documents if d["status"] != "active"]}


def _multipart(body: bytes, content_type: str) -> tuple[dict[str, str], tuple[str, bytes] | None]:
    """The fields and the one file of a ``multipart/form-data`` body (the standard library's MIME parser)."""
    message = BytesParser(policy=HTTP).parsebytes(b"content-type: " + content_type.encode("latin-1") + b"\r\n\r\n"
                                                   + body)
    if not message.is_multipart():
        raise InvalidRequest("the form is not valid multipart/form-data", code="invalid_request")
    fields: dict[str, str] = {}
    upload: tuple[str, bytes] | None = None
    for part in message.iter_parts():
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            upload = (filename, data) if data else upload
        elif isinstance(name, str):
            fields[name] = data.decode("utf-8", "replace")
    return fields, upload


@router.post("/{kb}/documents")
@takes_upload
async def upload(kb: str, request: Request, filename: str = Query(default="", max_length=300),
                 viewer: Viewer = Depends(signed_in)) -> Response:
    """One file, as the raw body (``?filename=``, CSRF token in ``x-charter-csrf``) or in a multipart form."""
    p = viewer.require(*KB_MANAGERS)
    same_site(request)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media == "multipart/form-data":
        fields, file = _multipart(body, request.headers["content-type"])
        check_csrf(fields.get("csrf"), viewer.csrf)
        if file is None:
            raise InvalidRequest("choose a file to upload", code="missing_field", param="file")
        filename, body = file
    elif media == "application/octet-stream":
        check_csrf(request.headers.get(CSRF_HEADER), viewer.csrf)
    else:
        raise UnsupportedMediaType("send the file as multipart/form-data or application/octet-stream",
                                   code="unsupported_media_type")
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise InvalidRequest("the file needs a name", code="missing_field", param="filename")
    if not body:
        raise InvalidRequest("the file is empty", code="missing_field", param="file")
    rt = get_runtime(request)
    report = await asyncio.to_thread(_ingest, rt, p, kb, name, body)
    if report.failed:
        raise InvalidRequest(f"{name}: {report.failed[0]['error']}", code="invalid_value", param="file")
    target = f"{PREFIX}/knowledge/{kb}?uploaded={name}" + (f"&version={report.version}" if report.version else "")
    if media == "application/octet-stream":  # the script moves the page itself
        return JSONResponse({**report.as_dict(), "location": target}, status_code=201,
                            headers={"cache-control": "no-store"})
    return redirect(target)


def _ingest(rt: Runtime, p: Principal, kb: str, name: str, data: bytes) -> knowledge.IngestReport:
    return knowledge.ingest(rt, tenant_id=p.tenant_id, kb_name=kb, uploader=service.actor_of(p),
                            sources=[knowledge.Source(name, data, f"upload:{name}")])


@router.post("/{kb}/documents/{document_id}/delete")
def delete(kb: str, document_id: str, request: Request, post: Posted = Depends(posted)) -> Response:
    """Step one asks again; step two (``confirm=yes``) deletes, as ``DELETE /api/v1/kb/{kb}/documents/{id}``."""
    p = post.viewer.require(*KB_MANAGERS)
    rt = get_runtime(request)
    found = rt.read(lambda conn: [d for d in service.list_documents(conn, p.tenant_id, kb) if d["id"] == document_id])
    if not found:
        raise NotFound(f"no active document {document_id!r} in knowledge base {kb!r}")
    if post.form.get("confirm") != "yes":
        return render(request, "knowledge_delete.html", viewer=post.viewer, kb=kb, document=found[0])
    result: dict[str, Any] = knowledge.delete_document(rt, tenant_id=p.tenant_id, kb_name=kb,
                                                       document_id=document_id, actor=service.actor_of(p))
    return redirect(f"{PREFIX}/knowledge/{kb}?deleted={document_id}"
                    + (f"&version={result['version']}" if result.get("version") else ""))


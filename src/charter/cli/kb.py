"""``charter kb``: create knowledge bases, ingest files, query, versions, delete, rebuild, retention."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress

from charter import knowledge
from charter.cli.common import cli_actor, emit, emit_listing, open_runtime, run_once, table, tenant_id_of
from charter.cli.options import JsonFlag, RayWorkersOption, RetiredApiKeyEnv, TenantOption
from charter.cluster import LOCAL
from charter.domain import Principal
from charter.errors import InvalidRequest
from charter.knowledge import service
from charter.knowledge.retrieve import MODES, Mode
from charter.policy import service as policy
from charter.runtime import Runtime
from charter.secretstore import secret_name_refusal

app = typer.Typer(help="Knowledge bases: ingestion, versions, retrieval, lineage.", no_args_is_help=True)


@app.command()
def create(
    name: str,
    tenant: TenantOption = "demo",
    description: str = typer.Option("", help="What the knowledge base holds."),
    classification: str = typer.Option("internal", help="Data classification of its documents."),
    embedder: str | None = typer.Option(
        None, help="Embedder name (minilm, openai, ...); none: lexical only."
    ),
    endpoint: str | None = typer.Option(None, help="openai embedder: base URL of the /v1 API."),
    model: str | None = typer.Option(None, help="openai embedder: model name."),
    secret: str | None = typer.Option(
        None, help="openai embedder: name of an operator-defined secret (docs/operations.md, Provider secrets)."
    ),
    api_key_env: RetiredApiKeyEnv = None,
    pii: str = typer.Option("redact", help="PII in chunks: redact, block (refuse the file) or off."),
    retention_days: int | None = typer.Option(None, help="Delete documents older than this many days."),
    chunk_chars: int = typer.Option(1200, help="Largest chunk, in characters."),
    overlap_chars: int = typer.Option(200, help="Overlap between consecutive chunks, in characters."),
    json_output: JsonFlag = False,
) -> None:
    """Create a knowledge base."""
    options = {k: v for k, v in {"endpoint": endpoint, "model": model, "secret": secret}.items() if v}
    with open_runtime(json_output) as rt:
        if api_key_env is not None:
            raise secret_name_refusal("--api-key-env", replacement="--secret")
        result = rt.writer.write(
            lambda c: service.create_kb(
                c,
                service.KnowledgeBaseSpec(
                    name=name,
                    description=description,
                    classification=classification,
                    embedder=embedder,
                    embedder_options=options,
                    pii_policy=pii,
                    retention_days=retention_days,
                    chunk_chars=chunk_chars,
                    overlap_chars=overlap_chars,
                ),
                tenant_id=policy.tenant_id_for(c, tenant),
                actor=cli_actor(),
                egress=rt.egress,
            )
        )
    emit(
        result,
        json_output,
        human=f"knowledge base {name} created (embedder: {embedder or 'none, lexical only'})",
    )


@app.command("list")
def list_(tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """List the tenant's knowledge bases."""
    emit_listing(
        tenant, json_output, service.list_kbs, f"knowledge bases of {tenant}",
        {"name": "name", "version": "version", "embedder": "embedder", "pii": "pii_policy",
         "retention days": "retention_days"},
    )


@app.command()
def show(name: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """A knowledge base with its document and chunk counts."""
    with open_runtime(json_output) as rt, rt.engine.connect() as conn:
        emit(service.get_kb(conn, policy.tenant_id_for(conn, tenant), name), json_output)


@app.command()
def ingest(
    name: str,
    paths: list[Path] = typer.Argument(..., exists=True, help="Files or directories (searched recursively)."),
    tenant: TenantOption = "demo",
    classification: str | None = typer.Option(
        None, help="Classification of these documents (default: the kb's)."
    ),
    ray: bool = typer.Option(
        False, "--ray", help="Read the files on Ray workers (CHARTER_RAY_ADDRESS, else a local Ray instance)."
    ),
    ray_workers: RayWorkersOption = None,
    json_output: JsonFlag = False,
) -> None:
    """Ingest files (PDF, DOCX, HTML, Markdown, text, CSV) into a new version of the knowledge base.
    A bad file is reported and skipped; ingesting the same file again changes nothing. With --ray or
    CHARTER_RAY_ADDRESS the files are read, chunked and scrubbed on Ray workers (same result)."""
    sources = knowledge.sources_from_paths(paths)
    with open_runtime(json_output) as rt:
        tenant_id = tenant_id_of(rt, tenant)
        address = rt.settings.ray_address or (LOCAL if ray else None)
        with Progress(disable=json_output, transient=True) as bar:
            task = bar.add_task(f"ingesting into {name}", total=len(sources))
            report = knowledge.ingest(
                rt,
                tenant_id=tenant_id,
                kb_name=name,
                sources=sources,
                uploader=cli_actor(),
                classification=classification,
                progress=lambda _f: bar.advance(task),
                ray_address=address,
                ray_workers=ray_workers or rt.settings.ray_workers,
            )
    data = report.as_dict()
    rows = (
        [[a["file"], "added", a["chunks"], a["near_duplicate_of"] or ""] for a in report.added]
        + [[s["file"], s["reason"], "", ""] for s in report.skipped]
        + [[f["file"], "failed", "", f["error"]] for f in report.failed]
    )
    title = f"{name}: version {report.version}" if report.version else f"{name}: nothing changed"
    emit(data, json_output, human=table(title, ["file", "outcome", "chunks", "note"], rows))
    if report.failed and not report.added and not report.skipped:
        raise typer.Exit(1)


@app.command()
def query(
    name: str,
    text: str,
    tenant: TenantOption = "demo",
    top_k: int = typer.Option(5, "--top-k", min=1, max=50),
    mode: str | None = typer.Option(
        None, help="lexical, dense or hybrid (default: hybrid with an embedder)."
    ),
    json_output: JsonFlag = False,
) -> None:
    """Ranked chunks with scores and citations."""

    def ask(rt: Runtime, tenant_id: str) -> list[knowledge.Hit]:
        operator = Principal(key_id="cli", tenant_id=tenant_id, tenant=tenant, role="admin", use_case=None)
        return knowledge.query(rt, operator, [name], text, top_k=top_k, mode=_mode(mode))

    hits = run_once(tenant, json_output, ask)
    data = [{**h.as_dict(), "citation": h.citation(f"[{i}]")} for i, h in enumerate(hits, start=1)]
    emit(
        data,
        json_output,
        human=table(
            f"{name}: {text}",
            ["#", "score", "document", "page", "text"],
            [
                [i, f"{h.score:.4f}", h.title or h.filename, h.page, h.text[:100]]
                for i, h in enumerate(hits, start=1)
            ],
        ),
    )


@app.command()
def documents(
    name: str, tenant: TenantOption = "demo", deleted: bool = typer.Option(False, help="Include removed ones."),
    json_output: JsonFlag = False,
) -> None:
    """Documents with source, checksum, uploader and versions."""
    emit_listing(
        tenant, json_output, lambda conn, t: service.list_documents(conn, t, name, include_deleted=deleted),
        f"documents of {name}",
        {"id": "id", "file": "filename", "chunks": "chunks", "status": "status",
         "checksum": lambda r: r["checksum"][:12]},
    )


@app.command()
def versions(name: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """The immutable versions of a knowledge base."""
    emit_listing(
        tenant, json_output, lambda conn, t: service.list_versions(conn, t, name), f"versions of {name}",
        {"version": "version", "kind": "kind", "documents": "documents", "chunks": "chunks",
         "manifest": lambda r: r["manifest_sha256"][:12]},
    )


@app.command()
def delete(name: str, document_id: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Delete a document: its chunks, vectors and index entries go; a new version records it."""
    with open_runtime(json_output) as rt:
        tenant_id = tenant_id_of(rt, tenant)
        event = knowledge.delete_document(
            rt, tenant_id=tenant_id, kb_name=name, document_id=document_id, actor=cli_actor()
        )
    emit(event, json_output, human=f"{document_id} deleted; {name} is now version {event['version']}")


@app.command()
def rebuild(name: str, tenant: TenantOption = "demo", json_output: JsonFlag = False) -> None:
    """Re-create the lexical index and the vectors from the stored chunks."""
    event = run_once(
        tenant, json_output, lambda rt, t: knowledge.rebuild(rt, tenant_id=t, kb_name=name, actor=cli_actor())
    )
    emit(
        event,
        json_output,
        human=f"{name}: {event['lexical_entries']} lexical entries, {event['vectors']} vectors",
    )


@app.command()
def retention(json_output: JsonFlag = False) -> None:
    """Apply every knowledge base's retention now (the scheduler runs the same)."""
    with open_runtime(json_output) as rt:
        events = knowledge.apply_retention(rt, actor=cli_actor())
    emit(events, json_output, human=f"{len(events)} knowledge base(s) changed by retention")


def _mode(value: str | None) -> Mode | None:
    if value is None:
        return None
    if value not in MODES:
        raise InvalidRequest(f"mode must be one of {', '.join(MODES)}", param="mode")
    return value  # type: ignore[return-value]

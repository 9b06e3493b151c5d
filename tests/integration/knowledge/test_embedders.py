"""Embedders by plugin: an OpenAI-compatible endpoint on loopback, the local MiniLM model (slow), and
the migration's tables on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import update

from charter.errors import InvalidRequest, Unavailable
from charter.knowledge import Source, ingest, query
from charter.knowledge import tables as kb_tables
from charter.knowledge.embedders import MiniLMEmbedder, minilm_available
from charter.runtime import Runtime
from charter.store.migrate import current_revisions
from charter.store.schema import metadata
from tests.integration.knowledge.conftest import admin, make_kb
from tests.support.secrets import write_secrets
from tests.support.upstream import ScriptedUpstream

SECRETS = """\
[secrets.embed-key]
env = "KB_TEST_EMBED_KEY"
tenants = ["agency-a"]
hosts = ["127.0.0.1"]
"""


@pytest.fixture(autouse=True)
def _secrets(data_dir: Path) -> None:
    """The operator's secrets file, in place before the runtime opens (read at start-up)."""
    write_secrets(data_dir, SECRETS)

OURS = {"knowledge_bases", "kb_versions", "kb_documents", "kb_chunks", "kb_vectors", "kb_citations"}


def test_knowledge_migration_matches_the_tables(kb_runtime: Runtime) -> None:
    assert "0016_vector_index" in current_revisions(kb_runtime.engine)  # the knowledge branch's head
    with kb_runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    derived = {"ix_kb_chunks_tsv"}  # the PostgreSQL lexical index lives only in the migration
    ours = [d for d in diff if _names(d) & OURS and getattr(d[1], "name", None) not in derived]
    assert ours == []


def _names(change: object) -> set[str]:
    """Table names a change from compare_metadata touches (tables, indexes, columns, types)."""
    item = change[0] if isinstance(change, list) else change
    names = set()
    for part in item[1:] if isinstance(item, tuple) else ():
        if isinstance(part, str):
            names.add(part)
        names.add(str(getattr(getattr(part, "table", part), "name", "")))
    return names


def test_openai_compatible_embedder_serves_dense_retrieval(kb_runtime: Runtime, tenant: str,
                                                           upstream: ScriptedUpstream,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TEST_EMBED_KEY", "sk-test-123")
    make_kb(kb_runtime, tenant, embedder="openai",
            embedder_options={"endpoint": upstream.url, "model": "embed-small", "secret": "embed-key"})
    ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", uploader="alice",
           sources=[Source("short.txt", b"Short text.", "u:s"),
                    Source("long.txt", b"A much longer text about resident parking permits and their fees.", "u:l")])
    calls = [r for r in upstream.requests if r["path"].endswith("/embeddings")]
    assert calls and calls[0]["body"]["model"] == "embed-small"
    assert calls[0]["headers"][b"authorization"] == b"Bearer sk-test-123"
    hits = query(kb_runtime, admin(tenant), ["handbook"], "x" * 60, mode="dense")
    assert hits[0].text.startswith("A much longer text")  # the scripted vectors encode length


@pytest.mark.parametrize(("options", "code", "param"), [
    ({"api_key_env": "CHARTER_DATABASE_URL"}, "unsupported_parameter", "embedder_options.api_key_env"),
    ({"endpoint": "http://169.254.169.254/v1"}, "destination_not_allowed", "embedder_options.endpoint"),
    ({"endpoint": "http://10.1.2.3:8000/v1"}, "destination_not_allowed", "embedder_options.endpoint"),
    ({"secret": "embed-key"}, "secret_not_allowed", "embedder_options.secret"),  # no endpoint: nowhere to go
    ({"endpoint": "UPSTREAM", "secret": "not-defined"}, "secret_not_allowed", "embedder_options.secret"),
])
def test_sa3_embedder_options_are_checked_when_the_kb_is_created(kb_runtime: Runtime, tenant: str,
                                                                 upstream: ScriptedUpstream, options: dict[str, str],
                                                                 code: str, param: str) -> None:
    options = {k: upstream.url if v == "UPSTREAM" else v for k, v in options.items()}
    with pytest.raises(InvalidRequest) as refused:
        make_kb(kb_runtime, tenant, embedder="openai", embedder_options={"model": "e", **options})
    assert (refused.value.code, refused.value.param) == (code, param)


def test_sa3_embedder_secret_of_another_tenant_is_refused_and_never_sent(
    kb_runtime: Runtime, tenant: str, other_tenant: str, upstream: ScriptedUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_TEST_EMBED_KEY", "sk-test-123")
    options = {"endpoint": upstream.url, "model": "embed-small", "secret": "embed-key"}
    with pytest.raises(InvalidRequest) as refused:
        make_kb(kb_runtime, other_tenant, embedder="openai", embedder_options=options)
    assert refused.value.code == "secret_not_allowed"
    # a knowledge base stored before the rules (options written straight into the row) is not trusted
    make_kb(kb_runtime, other_tenant, embedder="openai", embedder_options={"endpoint": upstream.url, "model": "e"})
    kb_runtime.writer.write(lambda c: c.execute(update(kb_tables.knowledge_bases)
                                                .where(kb_tables.knowledge_bases.c.tenant_id == other_tenant)
                                                .values(embedder_options=options)))
    with pytest.raises(Unavailable) as unavailable:
        ingest(kb_runtime, tenant_id=other_tenant, kb_name="handbook", uploader="bob",
               sources=[Source("a.txt", b"Some text about permits.", "u:a")])
    assert unavailable.value.code == "embedder_unavailable"
    assert upstream.requests == []


def test_embedder_connection_error_stays_out_of_the_refusal(kb_runtime: Runtime, tenant: str) -> None:
    from tests.support.upstream import free_port

    port = free_port()
    make_kb(kb_runtime, tenant, embedder="openai", embedder_options={"endpoint": f"http://127.0.0.1:{port}/v1",
                                                                    "model": "e"})
    with pytest.raises(Unavailable) as refused:
        ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", uploader="alice",
               sources=[Source("a.txt", b"Some text about permits.", "u:a")])
    assert refused.value.code == "embedder_unavailable"
    assert str(port) not in refused.value.message and "127.0.0.1" not in refused.value.message


@pytest.mark.slow
@pytest.mark.skipif(not minilm_available(), reason="install charter[knowledge-minilm] for the local embedder")
def test_minilm_embedder_loads_offline_and_ranks_by_meaning(kb_runtime: Runtime, tenant: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vectors = MiniLMEmbedder(threads=1).embed(["How do I renew my passport?", "Passport renewal steps",
                                               "Bins are collected on Tuesdays"])
    assert vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.2
    make_kb(kb_runtime, tenant, embedder="minilm", pii_policy="off")
    ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", uploader="alice",
           sources=[Source("bins.txt", b"Household waste is picked up every Tuesday morning.", "u:b"),
                    Source("pass.txt", b"Travel documents can be renewed online in six weeks.", "u:p")])
    hits = query(kb_runtime, admin(tenant), ["handbook"], "When does the garbage truck come?", mode="dense")
    assert hits[0].text.startswith("Household waste")

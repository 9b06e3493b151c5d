"""The built-in connectors against real services: HTTP (allow-list, secret from the secrets file,
timeout, size cap, fail closed), SQL read-only as the database enforces it (SQLite and PostgreSQL),
row caps, knowledge-base search under the use case's grants, and the connectors file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from charter.connectors import CallContext, ConnectorFailed, ConnectorSpec, connectors_of, parse_connectors
from charter.errors import CharterError, InvalidRequest
from charter.knowledge import service
from charter.knowledge.ingest import Source, ingest
from charter.runtime import Runtime
from charter.settings import Settings
from charter.workflows.modelcall import run_principal
from tests.conftest import AGENCY_CHARTER, LOOPBACK_ALLOW, Platform
from tests.support.secrets import write_secrets
from tests.support.upstream import ScriptedUpstream


def _call(rt: Runtime, name: str, arguments: dict[str, Any], use_case: str = "tax-helpdesk") -> Any:
    with rt.engine.connect() as conn:
        from charter.policy.tenants import tenant_id_for

        tenant_id = tenant_id_for(conn, "agency")
    principal = run_principal("wfr_test", tenant_id, "agency", use_case)
    connector = connectors_of(rt).get(name, "agency")
    return asyncio.run(connector.call(arguments, CallContext(principal, "wfr_test", "step")))


def _add(rt: Runtime, name: str, kind: str, **options: Any) -> None:
    connectors_of(rt).add(ConnectorSpec(name=name, kind=kind, tenants=["agency"], options=options))


def test_http_connector_fills_the_url_sends_the_secret_and_fails_closed(data_dir: Path, sqlite_template: Path,
                                                                        upstream: ScriptedUpstream) -> None:
    write_secrets(data_dir, '[secrets.register]\nvalue = "tok-123"\ntenants = ["agency"]\nhosts = ["127.0.0.1"]\n')
    (data_dir / "charter.db").write_bytes(sqlite_template.read_bytes())
    rt = Runtime.open(Settings(data_dir=data_dir, embedded_model="none", llama_threads=1,
                               outbound_allow=LOOPBACK_ALLOW))
    try:
        from tests.conftest import make_platform

        make_platform(rt, upstream)
        base = upstream.url.removesuffix("/v1")
        _add(rt, "register", "http", url=f"{base}/v1/parcels/{{parcel_id}}", secret="register", timeout_s=1)
        got = _call(rt, "register", {"parcel_id": "P-17"})
        assert got["status"] == 200 and got["body"]["object"] == "chat.completion"
        seen = upstream.requests[-1]
        assert seen["path"] == "/v1/parcels/P-17" and seen["headers"][b"authorization"] == b"Bearer tok-123"
        connector = connectors_of(rt).get("register", "agency")
        assert (connector.consequential, connector.idempotent) == (False, True)

        _add(rt, "tiny", "http", url=f"{base}/v1/x", max_bytes=40)
        with pytest.raises(ConnectorFailed, match="max_bytes"):
            _call(rt, "tiny", {})
        upstream.fail_next(1, 500)
        with pytest.raises(ConnectorFailed, match="HTTP 500"):
            _call(rt, "tiny", {})
        _add(rt, "post", "http", url=f"{base}/v1/letters", method="POST")
        assert connectors_of(rt).get("post", "agency").consequential is True
        for bad, why in ((dict(url="http://10.9.9.9/x"), "allow-list"),
                         (dict(url=f"{base}/v1/x", headers={"Authorization": "x"}), "secret"),
                         (dict(url="http://{host}/x"), "host"),
                         (dict(url=f"{base}/v1/x", secret="other"), "secret")):
            _add(rt, "bad", "http", **bad)
            with pytest.raises(InvalidRequest, match=why) as refused:
                connectors_of(rt).get("bad", "agency")
            assert refused.value.code == "workflow_invalid"
        upstream.delay = 2.0  # last: the late request still sleeps in the upstream after the timeout
        with pytest.raises(ConnectorFailed) as late:
            _call(rt, "register", {"parcel_id": "P-17"})
        assert late.value.code == "connector_failed" and "timed out" in late.value.message
    finally:
        rt.close()


def _applications(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE applications (id TEXT PRIMARY KEY, zone TEXT, height_m REAL)"))
        for i in range(5):
            conn.execute(text("INSERT INTO applications VALUES (:id, 'R1', :h)"), {"id": f"A-{i}", "h": 3.0 + i})
    engine.dispose()


def _read_only_checks(rt: Runtime, url: str) -> None:
    _add(rt, "apps", "sql", database_url=url, query="SELECT id, zone, height_m FROM applications WHERE id = :id")
    assert _call(rt, "apps", {"id": "A-2"}) == {"rows": [{"id": "A-2", "zone": "R1", "height_m": 5.0}],
                                                "truncated": False}
    _add(rt, "all", "sql", database_url=url, query="SELECT id FROM applications ORDER BY id", max_rows=3)
    capped = _call(rt, "all", {})
    assert [r["id"] for r in capped["rows"]] == ["A-0", "A-1", "A-2"] and capped["truncated"] is True
    injected = _call(rt, "apps", {"id": "A-1' OR '1'='1"})  # bound as a value, never spliced
    assert injected["rows"] == []
    connector: Any = connectors_of(rt).get("apps", "agency")
    connector.query = "DELETE FROM applications"  # past the text check: the database itself refuses
    with pytest.raises(ConnectorFailed) as refused:
        _call(rt, "apps", {})
    assert refused.value.code == "connector_failed" and url not in refused.value.message
    assert len(_call(rt, "all", {})["rows"]) == 3
    _add(rt, "writer", "sql", database_url=url, query="DELETE FROM applications")
    with pytest.raises(InvalidRequest, match="only reads"):
        connectors_of(rt).get("writer", "agency")


def test_sql_connector_is_read_only_on_sqlite(platform: Platform, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'permits.db'}"
    _applications(url)
    _read_only_checks(platform.rt, url)
    assert sqlite3.connect(tmp_path / "permits.db").execute("SELECT count(*) FROM applications").fetchone() == (5,)


@pytest.mark.postgres
def test_sql_connector_is_read_only_on_postgresql(platform: Platform, pg_url: str) -> None:
    _applications(pg_url)
    _read_only_checks(platform.rt, pg_url)
    _add(platform.rt, "secretive", "sql", database_url=pg_url.replace("postgres@", "postgres:pw@"),
         query="SELECT 1 AS one")
    with pytest.raises(InvalidRequest, match="password"):
        connectors_of(platform.rt).get("secretive", "agency")


def test_knowledge_connector_searches_only_what_the_use_case_is_granted(platform: Platform) -> None:
    rt = platform.rt
    spec = service.KnowledgeBaseSpec(name="zoning", pii_policy="redact")
    rt.writer.write(lambda c: service.create_kb(c, spec, tenant_id=platform.tenant_id, actor="t", egress=rt.egress))
    ingest(rt, tenant_id=platform.tenant_id, kb_name="zoning", uploader="t", sources=[Source(
        "zoning.md", b"# R1\nIn zone R1 a shed may be at most 4 metres high.\n\n# C2\nShops need 2 parking spaces.",
        "https://agency.gov/zoning")])
    _add(rt, "zoning_rules", "knowledge", knowledge_base="zoning", top_k=1)
    with pytest.raises(CharterError) as refused:
        _call(rt, "zoning_rules", {"query": "shed height"})
    assert refused.value.code == "out_of_scope"  # the charter does not list the knowledge base yet
    platform.apply(AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + "knowledge_bases: [zoning]\n")
    (hit,) = _call(rt, "zoning_rules", {"query": "shed height"})["hits"]
    assert "4 metres" in hit["text"] and hit["kb"] == "zoning" and hit["marker"] == "[1]"


def test_the_connectors_file_is_checked_and_names_the_entry(tmp_path: Path) -> None:
    specs = parse_connectors("connectors:\n  register: {kind: http, tenants: [agency], url: 'https://r.gov/{id}'}\n")
    assert specs["register"].options == {"url": "https://r.gov/{id}"} and specs["register"].allows("agency")
    assert not specs["register"].allows("health")
    for source, why in (("connectors: {Bad-Name: {kind: http}}", "Bad-Name"),
                        ("connectors: {x: {url: 'https://a'}}", "kind"),
                        ("other: {}", "only top-level key"),
                        ("connectors: [", "does not parse")):
        with pytest.raises(InvalidRequest, match=why) as refused:
            parse_connectors(source)
        assert refused.value.code == "workflow_invalid"

"""Egress (issue 10 items 1 and 4): provider secrets a tenant references but never names freely, an
outbound allow-list checked at registration and at connect time, and 502 bodies that name no
internal destination. Every check here is made against what the scripted upstream received."""

from __future__ import annotations

import socket
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from charter.policy.service import ensure_tenant
from charter.settings import Settings
from charter.store.schema import interactions, models, new_id, utcnow
from tests.conftest import AGENCY_CHARTER, LOOPBACK_ALLOW, Platform
from tests.support.secrets import write_secrets
from tests.support.upstream import free_port

TOKEN = "sk-agency-only-7f3a"
SHARED = "sk-shared-value-91c2"
SENTINEL = "postgresql+psycopg://charter:platform-password-5e1d@db.internal:5432/charter"

SECRETS = """\
[secrets.agency-token]
env = "TEST_PROVIDER_TOKEN"
tenants = ["agency"]
hosts = ["127.0.0.1"]

[secrets.shared-token]
value = "sk-shared-value-91c2"
tenants = "*"
hosts = ["exact.test"]
"""

GOOD = {"messages": [{"role": "user", "content": "When is the filing deadline?"}]}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, plus a wildcard and an exact name for the DNS tests below."""
    return settings.model_copy(
        update={"outbound_allow": [*LOOPBACK_ALLOW, "http://*.wild.test:*", "http://exact.test:*"]}
    )


@pytest.fixture(autouse=True)
def _secrets(data_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator's secrets file, written before the runtime opens (it is read at start-up)."""
    write_secrets(data_dir, SECRETS)
    monkeypatch.setenv("TEST_PROVIDER_TOKEN", TOKEN)


class _TestDNS(aiohttp.ThreadedResolver):
    """aiohttp's resolver, answering 127.0.0.1 for names under ``.test``."""

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> Any:
        return await super().resolve("127.0.0.1" if host.endswith(".test") else host, port, family)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names under ``.test`` resolve to loopback (where the scripted upstream listens). The server's
    event loop may be uvloop, which resolves without ``socket.getaddrinfo``: the name service is
    replaced where Charter's checked resolver asks it (aiohttp's default resolver)."""
    monkeypatch.setattr(aiohttp, "DefaultResolver", _TestDNS)


def _use(platform: Platform, alias: str, tenant: str = "agency") -> None:
    platform.apply(AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)
                   .replace("models: [mock]", f"models: [{alias}]").replace("tenant: agency", f"tenant: {tenant}"))


def _model(alias: str, endpoint: str, **extra: Any) -> dict[str, Any]:
    return {"alias": alias, "endpoint": endpoint, "region": "ca-central-1", "classification_ceiling": "confidential",
            **extra}


def _stored_row(platform: Platform, tenant: str, alias: str, endpoint: str, secret: str | None) -> None:
    """A model row written before the egress rules (no registration check): it must not be trusted."""
    def write(conn: Any) -> None:
        tenant_id = ensure_tenant(conn, tenant)
        now = utcnow()
        conn.execute(models.insert().values(
            id=new_id("mdl"), tenant_id=tenant_id, alias=alias, provider="openai", endpoint=endpoint,
            platform_model_id=alias, version="1", region="ca-central-1", classification_ceiling="confidential",
            context_window=4096, price_prompt_per_1k=0.0, price_completion_per_1k=0.0, weight=100, enabled=True,
            no_train=True, secret=secret, created_at=now, updated_at=now))

    platform.rt.writer.write(write)
    platform.invalidate()


def _headers_seen(platform: Platform) -> str:
    return repr([r["headers"] for r in platform.upstream.requests])


def _last_record(platform: Platform) -> Any:
    with platform.rt.engine.connect() as conn:
        return conn.execute(select(interactions).order_by(interactions.c.created_at.desc()).limit(1)).one()


@pytest.fixture
def other_admin(platform: Platform) -> dict[str, str]:
    platform.rt.writer.write(lambda c: ensure_tenant(c, "other"))
    return {"authorization": f"Bearer {platform.key('admin', use_case=None, tenant='other')}"}


# -- item 1: provider secrets ---------------------------------------------------------------------
def test_sa3_tenant_admin_cannot_send_a_platform_variable_as_a_bearer_token(
    http, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARTER_DATABASE_URL", SENTINEL)
    r = http.post("/api/v1/models", headers=platform.auth("admin"),
                  json=_model("leak", platform.upstream.url, api_key_env="CHARTER_DATABASE_URL"))
    assert r.status_code == 400, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["param"]) == ("unsupported_parameter", "api_key_env")
    assert "`secret`" in r.json()["error"]["message"]
    r = http.post("/api/v1/models", headers=platform.auth("admin"),
                  json=_model("leak", platform.upstream.url, secret="CHARTER_DATABASE_URL"))
    assert (r.status_code, r.json()["error"]["code"]) == (400, "secret_not_allowed")
    # a row from before the change, holding the variable's name: refused when the provider is built
    _stored_row(platform, "agency", "leak", platform.upstream.url, "CHARTER_DATABASE_URL")
    _use(platform, "leak")
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 502
    assert platform.upstream.requests == []
    assert "platform-password" not in _headers_seen(platform) and "platform-password" not in r.text


def test_sa3_secret_is_sent_only_for_the_tenant_it_is_granted_to(http, platform: Platform, other_admin) -> None:
    r = http.post("/api/v1/models", headers=other_admin,
                  json=_model("theirs", platform.upstream.url, secret="agency-token"))
    assert (r.status_code, r.json()["error"]["code"]) == (400, "secret_not_allowed")
    # unknown and not-granted answer alike: a tenant cannot probe for secret names
    unknown = http.post("/api/v1/models", headers=other_admin,
                        json=_model("theirs", platform.upstream.url, secret="no-such-secret"))
    assert unknown.json()["error"]["message"].replace("no-such-secret", "X") == \
        r.json()["error"]["message"].replace("agency-token", "X")

    r = http.post("/api/v1/models", headers=platform.auth("admin"),
                  json=_model("ours", platform.upstream.url, secret="agency-token"))
    assert r.status_code == 201, r.text
    assert r.json()["secret"] == "agency-token" and TOKEN not in r.text
    platform.invalidate()
    _use(platform, "ours")
    assert http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code == 200
    assert platform.upstream.requests[-1]["headers"][b"authorization"] == f"Bearer {TOKEN}".encode()


def test_sa3_stored_row_of_another_tenant_naming_the_secret_sends_nothing(http, platform: Platform) -> None:
    _stored_row(platform, "other", "theirs", platform.upstream.url, "agency-token")
    platform.apply(AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)
                   .replace("models: [mock]", "models: [theirs]").replace("tenant: agency", "tenant: other"))
    key = platform.key("app", tenant="other")
    r = http.post("/v1/chat/completions", json=GOOD, headers={"authorization": f"Bearer {key}"})
    assert r.status_code == 502
    assert platform.upstream.requests == [] and TOKEN not in _headers_seen(platform)
    verdicts = _last_record(platform).verdicts
    failed = [v for v in verdicts if v["stage"] == "generate"]
    assert failed and "secret_not_allowed" in str(failed[0]["detail"]["attempts"])


def test_sa3_secret_is_never_sent_to_a_host_outside_its_hosts(http, platform: Platform, fake_dns) -> None:
    elsewhere = f"http://exact.test:{platform.upstream.port}/v1"  # allowed outbound, not a host of the secret
    r = http.post("/api/v1/models", headers=platform.auth("admin"), json=_model("away", elsewhere,
                                                                             secret="agency-token"))
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["param"]) == (
        400, "secret_not_allowed", "secret")
    _stored_row(platform, "agency", "away", elsewhere, "agency-token")
    _use(platform, "away")
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 502
    assert platform.upstream.requests == [] and TOKEN not in _headers_seen(platform)
    # the same host with its own secret works: the refusal above was the secret's hosts, nothing else
    r = http.post("/api/v1/models", headers=platform.auth("admin"),
                  json=_model("near", elsewhere, secret="shared-token"))
    assert r.status_code == 201, r.text
    _use(platform, "near")
    assert http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code == 200
    assert [r["headers"][b"authorization"] for r in platform.upstream.requests] == [f"Bearer {SHARED}".encode()]


# -- item 4: outbound allow-list ------------------------------------------------------------------
@pytest.mark.parametrize("endpoint", ["http://169.254.169.254/latest/meta-data", "http://127.0.0.2:8000/v1",
                                      "http://[::1]:8000/v1", "http://10.0.0.5/v1", "file:///etc/passwd",
                                      "http://user:pw@127.0.0.1:9/v1"])
def test_endpoint_off_the_allow_list_is_refused_at_registration(http, platform: Platform, endpoint: str) -> None:
    r = http.post("/api/v1/models", headers=platform.auth("admin"), json=_model("ssrf", endpoint))
    assert r.status_code == 400, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["param"]) == ("destination_not_allowed", "endpoint")


def test_loopback_is_refused_when_the_operator_allows_nothing(platform: Platform) -> None:
    from charter.catalog import ModelSpec, add_model
    from charter.errors import InvalidRequest
    from charter.outbound import OutboundPolicy
    from charter.policy.service import tenant_id_for
    from charter.secretstore import Egress

    spec = ModelSpec(**_model("local", platform.upstream.url))
    for egress in (Egress(), Egress(OutboundPolicy.parse(["http://*.wild.test:*"]))):
        with pytest.raises(InvalidRequest) as refused:
            platform.rt.writer.write(
                lambda c, e=egress: add_model(c, tenant_id_for(c, "agency"), spec, actor="t", egress=e))
        assert refused.value.code == "destination_not_allowed"
    with pytest.raises(InvalidRequest):  # no egress given: nothing outbound (fail closed)
        platform.rt.writer.write(lambda c: add_model(c, tenant_id_for(c, "agency"), spec, actor="t"))


def test_stored_endpoint_off_the_allow_list_is_refused_when_the_provider_is_built(http, platform: Platform) -> None:
    _stored_row(platform, "agency", "meta", "http://169.254.169.254/v1", None)
    _use(platform, "meta")
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 502
    assert "destination_not_allowed" in str(_last_record(platform).verdicts)


def test_name_resolving_to_loopback_is_refused_at_connect_time_under_a_wildcard(
    http, platform: Platform, fake_dns
) -> None:
    sneaky = f"http://upstream.wild.test:{platform.upstream.port}/v1"
    r = http.post("/api/v1/models", headers=platform.auth("admin"), json=_model("sneaky", sneaky))
    assert r.status_code == 201, r.text  # the name is allowed; where it resolves is checked on connect
    platform.invalidate()
    _use(platform, "sneaky")
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 502
    assert platform.upstream.requests == []
    assert "outbound allow-list" in str(_last_record(platform).verdicts)


def test_exact_name_entry_may_resolve_to_loopback(http, platform: Platform, fake_dns) -> None:
    exact = f"http://exact.test:{platform.upstream.port}/v1"
    assert http.post("/api/v1/models", headers=platform.auth("admin"), json=_model("exact", exact)).status_code == 201
    platform.invalidate()
    _use(platform, "exact")
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 200, r.text
    assert len(platform.upstream.requests) == 1


@pytest.mark.parametrize("url", ["http://hooks.example.com/charter", "http://169.254.169.254/hook"])
def test_charter_webhook_off_the_allow_list_is_refused(http, platform: Platform, url: str) -> None:
    charter = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + f"review: {{webhook_url: '{url}'}}\n"
    r = http.post("/api/v1/usecases", json={"yaml": charter}, headers=platform.auth("admin"))
    assert r.status_code == 400, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["param"]) == ("destination_not_allowed", "review.webhook_url")
    allowed = charter.replace(url, f"{platform.upstream.url}/hook")
    assert http.post("/api/v1/usecases", json={"yaml": allowed}, headers=platform.auth("admin")).status_code == 201


# -- 502: the outage message and a count, never hosts, ports or connection errors -------------------
def test_502_body_names_no_host_port_or_connection_error(http, platform: Platform) -> None:
    dead_port = free_port()
    platform.add_model(**_model("dead", f"http://127.0.0.1:{dead_port}/v1"))
    _use(platform, "dead")
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 502
    error = r.json()["error"]
    assert error == {"message": error["message"], "type": "upstream_error", "param": None,
                     "code": "upstream_unavailable", "attempts": 3}
    assert "manual process" in error["message"]
    for leak in ("127.0.0.1", str(dead_port), "connect", "Connect", "refused", "dead/"):
        assert leak not in r.text
    # the details stay in the interaction record (and the log) for the operator
    record = _last_record(platform)
    assert record.status == "error" and record.error_code == "upstream_unavailable"
    attempts = next(v for v in record.verdicts if v["stage"] == "generate")["detail"]["attempts"]
    assert len(attempts) == 3 and all(str(dead_port) in a["error"] for a in attempts)


def test_502_after_upstream_errors_carries_only_the_count(http, platform: Platform) -> None:
    platform.upstream.fail_next(10, 503)
    r = http.post("/v1/chat/completions", json={**GOOD, "stream": True}, headers=platform.auth())
    assert r.status_code == 502
    assert r.json()["error"]["attempts"] == 3
    assert "503" not in r.json()["error"]["message"] and str(platform.upstream.port) not in r.text

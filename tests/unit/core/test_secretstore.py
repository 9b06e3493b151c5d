"""Provider secrets: an owner-only file, granted per tenant, bound to hosts; never a platform setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.errors import CharterError, InvalidRequest
from charter.outbound import OutboundPolicy
from charter.secretstore import Egress, SecretStore
from charter.settings import Settings

GOOD = """\
[secrets.openai-prod]
env = "OPENAI_PROD_KEY"
tenants = ["agency"]
hosts = ["api.openai.com", "*.openai.azure.com"]

[secrets.vllm]
value = "token-vllm"
tenants = "*"
hosts = ["10.0.0.0/8"]
"""


def _write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o622])
def test_a_file_others_may_read_or_write_stops_the_start(tmp_path: Path, mode: int) -> None:
    with pytest.raises(CharterError) as refused:
        SecretStore.load(_write(tmp_path, GOOD, mode))
    assert refused.value.code == "secret_store_invalid"
    assert "chmod 600" in refused.value.message and f"{mode:04o}" in refused.value.message


@pytest.mark.parametrize(("text", "why"), [
    (GOOD.replace("OPENAI_PROD_KEY", "CHARTER_DATABASE_URL"), "platform setting"),
    (GOOD.replace('env = "OPENAI_PROD_KEY"', 'env = "X"\nvalue = "y"'), "exactly one of env and value"),
    (GOOD.replace('hosts = ["10.0.0.0/8"]\n', ""), "hosts"),
    (GOOD.replace('hosts = ["10.0.0.0/8"]', "hosts = []"), "hosts"),
    (GOOD.replace('tenants = ["agency"]', "tenants = []"), "tenants"),
    (GOOD.replace('"api.openai.com"', '"https://api.openai.com"'), "not a URL"),
    (GOOD.replace("[secrets.vllm]", "[secrets.'bad name']"), "secret names"),
    (GOOD + "\nextra = 1\n", "extra"),
    ("not toml [", "cannot be parsed"),
])
def test_a_malformed_file_stops_the_start(tmp_path: Path, text: str, why: str) -> None:
    with pytest.raises(CharterError) as refused:
        SecretStore.load(_write(tmp_path, text))
    assert refused.value.code == "secret_store_invalid" and why in refused.value.message


def test_default_location_is_optional_but_a_named_file_must_exist(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_secrets_file is None and Egress.from_settings(settings).secrets.names() == []
    with pytest.raises(CharterError) as refused:
        Egress.from_settings(Settings(data_dir=tmp_path, secrets_file=tmp_path / "missing.toml"))
    assert refused.value.code == "secret_store_invalid"
    (tmp_path / "keys").mkdir()
    _write(tmp_path / "keys", GOOD)
    found = Settings(data_dir=tmp_path)
    assert found.effective_secrets_file == tmp_path / "keys" / "secrets.toml"
    assert Egress.from_settings(found).secrets.names() == ["openai-prod", "vllm"]


@pytest.fixture
def egress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Egress:
    monkeypatch.setenv("OPENAI_PROD_KEY", "sk-prod")
    policy = OutboundPolicy.parse(["https://api.openai.com", "https://*.openai.azure.com", "http://10.0.0.0/8:*",
                                   "https://elsewhere.example.com"])
    return Egress(policy, SecretStore.load(_write(tmp_path, GOOD)))


def test_granted_secret_resolves_bound_to_its_hosts(egress: Egress) -> None:
    credential = egress.credential("https://api.openai.com/v1", secret="openai-prod", tenant="agency")
    assert credential is not None and credential.authorization("https://api.openai.com/v1") == "Bearer sk-prod"
    assert "sk-prod" not in repr(credential)
    with pytest.raises(InvalidRequest):
        credential.authorization("https://elsewhere.example.com/v1")
    wildcard = egress.credential("https://east.openai.azure.com/v1", secret="openai-prod", tenant="agency")
    assert wildcard is not None
    shared = egress.credential("http://10.1.2.3:8000/v1", secret="vllm", tenant="anyone")
    assert shared is not None and shared.authorization("http://10.1.2.3:8000/v1") == "Bearer token-vllm"


@pytest.mark.parametrize(("endpoint", "secret", "tenant", "code"), [
    ("https://api.openai.com/v1", "openai-prod", "other-agency", "secret_not_allowed"),   # not granted
    ("https://api.openai.com/v1", "no-such", "agency", "secret_not_allowed"),             # unknown
    ("https://elsewhere.example.com/v1", "openai-prod", "agency", "secret_not_allowed"),  # not its host
    ("embedded://smollm2", "openai-prod", "agency", "secret_not_allowed"),                # nowhere to send
    (None, "openai-prod", "agency", "secret_not_allowed"),
    ("https://api.openai.com.evil.test/v1", "openai-prod", "agency", "destination_not_allowed"),
])
def test_refusals(egress: Egress, endpoint: str | None, secret: str, tenant: str, code: str) -> None:
    for check in (egress.admit, egress.credential):
        with pytest.raises(InvalidRequest) as refused:
            check(endpoint, secret=secret, tenant=tenant)
        assert refused.value.code == code


def test_a_secret_whose_variable_is_unset_refuses_to_resolve(egress: Egress, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_PROD_KEY")
    egress.admit("https://api.openai.com/v1", secret="openai-prod", tenant="agency")  # registration: fine
    with pytest.raises(CharterError) as refused:
        egress.credential("https://api.openai.com/v1", secret="openai-prod", tenant="agency")
    assert refused.value.code == "secret_store_invalid"

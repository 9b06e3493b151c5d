"""Third-party model files are pinned by SHA-256: a file that does not match is refused."""

from __future__ import annotations

import hashlib
import sys

import pytest

from charter.providers import embedded
from charter.providers.base import ProviderError


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    pkg = tmp_path / "fake_model_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "model.gguf").write_bytes(b"GGUF pretend weights")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield pkg
    sys.modules.pop("fake_model_pkg", None)


def _register(monkeypatch, sha: str) -> None:
    spec = embedded.EmbeddedModel(key="fake", package="fake_model_pkg", filename="model.gguf", sha256=sha, size=20,
                                  context_window=512, chat=True, extra="fake")
    monkeypatch.setitem(embedded.EMBEDDED_MODELS, "fake", spec)


def test_matching_file_is_found(fake_package, monkeypatch):
    _register(monkeypatch, hashlib.sha256(b"GGUF pretend weights").hexdigest())
    assert embedded.locate_model("fake") == fake_package / "model.gguf"


def test_tampered_file_is_refused(fake_package, monkeypatch):
    _register(monkeypatch, "0" * 64)
    with pytest.raises(ProviderError, match="pinned SHA-256"):
        embedded.locate_model("fake")


def test_missing_package_says_how_to_install(monkeypatch):
    spec = embedded.EmbeddedModel(key="absent", package="no_such_model_pkg", filename="m.gguf", sha256="0" * 64,
                                  size=1, context_window=512, chat=True, extra="absent")
    monkeypatch.setitem(embedded.EMBEDDED_MODELS, "absent", spec)
    with pytest.raises(ProviderError, match="pip install"):
        embedded.locate_model("absent")

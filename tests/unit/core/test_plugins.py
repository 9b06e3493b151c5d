"""The plugin allow-list and ``register``: a plugin not allowed is never imported, an option nobody
reads is refused, and a plugin the allow-list names but nobody installed stops the start. The
plugins here are real installed distributions: a ``*.dist-info`` directory on ``sys.path``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.errors import CharterError
from charter.plugins import load_extensions
from charter.runtime import Runtime
from charter.settings import Settings

GUARD_PLUGIN = """\
from pathlib import Path

from charter.hookspecs import hookimpl

Path(__file__).with_suffix(".imported").touch()  # import-time code: proves the module ran


@hookimpl
def register_guards(register):
    register({name!r}, lambda settings: None{extra})
"""


class Site:
    """A directory on ``sys.path`` holding installed plugin distributions."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: list[str] = []

    def install(self, entry_name: str, module: str, extra: str = "") -> None:
        (self.root / f"{module}.py").write_text(GUARD_PLUGIN.format(name=f"{entry_name}_guard", extra=extra))
        dist = self.root / f"{module}-1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 1.0\n")
        (dist / "entry_points.txt").write_text(f"[charter]\n{entry_name} = {module}\n")
        self.modules.append(module)

    def imported(self, module: str) -> bool:
        return (self.root / f"{module}.imported").exists() or module in sys.modules


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    found = Site(root)
    yield found
    for module in found.modules:
        sys.modules.pop(module, None)


def test_a_plugin_off_the_allow_list_is_never_imported(site: Site) -> None:
    site.install("audited", "audited_charter_plugin")
    site.install("stray", "stray_charter_plugin")
    extensions = load_extensions(allow=["audited"])
    assert "audited_guard" in extensions.names("guards") and "stray_guard" not in extensions.names("guards")
    assert site.imported("audited_charter_plugin")
    assert not site.imported("stray_charter_plugin")  # its import-time code never ran


def test_an_empty_allow_list_imports_no_outside_plugin(site: Site) -> None:
    site.install("stray", "stray_charter_plugin")
    extensions = load_extensions(allow=[])
    assert "stray_guard" not in extensions.names("guards") and "pii" in extensions.names("guards")
    assert not site.imported("stray_charter_plugin")


def test_no_allow_list_loads_every_installed_plugin(site: Site) -> None:
    site.install("audited", "audited_charter_plugin")
    site.install("other", "other_charter_plugin")
    assert {"audited_guard", "other_guard"} <= set(load_extensions().names("guards"))


def test_register_refuses_an_option_nobody_reads(site: Site) -> None:
    site.install("greedy", "greedy_charter_plugin", extra=", aliases=['g']")
    with pytest.raises(CharterError) as refused:
        load_extensions(allow=["greedy"])
    assert refused.value.code == "plugin_invalid"
    assert refused.value.message == (
        "plugin greedy registers guard 'greedy_guard' with option(s) aliases; register(name, factory) takes none"
    )


def test_an_allowed_plugin_nobody_installed_stops_the_start(site: Site, tmp_path: Path) -> None:
    site.install("audited", "audited_charter_plugin")
    with pytest.raises(CharterError) as refused:
        load_extensions(allow=["audited", "audted"])
    assert refused.value.code == "plugin_invalid" and "'audted'" in refused.value.message
    settings = Settings(data_dir=tmp_path / "data", plugins=["audted"], embedded_model="none")
    with pytest.raises(CharterError) as at_start:
        Runtime.open(settings)
    assert at_start.value.code == "plugin_invalid"
    assert not (tmp_path / "data" / "charter.db").exists()  # refused before the store was opened


def test_a_plugin_that_cannot_be_imported_stops_the_start(site: Site) -> None:
    site.install("broken", "broken_charter_plugin")
    (site.root / "broken_charter_plugin.py").write_text("raise RuntimeError('half-installed')\n")
    with pytest.raises(CharterError) as refused:
        load_extensions(allow=["broken"])
    assert refused.value.code == "plugin_invalid" and "half-installed" in refused.value.message

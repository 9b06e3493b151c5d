"""Typed settings for Charter, read once from ``CHARTER_*`` variables and an optional TOML file.

Every field carries its help text; ``docs/settings.md`` lists them all, and a test fails when a
field is missing there. A loaded :class:`Settings` is frozen: nothing may change it at run time.

Precedence (highest first): keyword arguments, ``CHARTER_*`` environment variables, the TOML file
named by ``CHARTER_SETTINGS_FILE``, the defaults.

The fields are declared by capability, one module each: :mod:`~charter.settings.store` (data
directory, database, keys, writer), :mod:`~charter.settings.server` (``charter serve``, TLS,
plugins), :mod:`~charter.settings.gateway` (embedded model, caches, upstream calls, outbound),
:mod:`~charter.settings.operations` (jobs, health, alerts, drift, metrics, traces),
:mod:`~charter.settings.capabilities` (retrieval, connectors, training, Ray) and
:mod:`~charter.settings.identity` (single sign-on, console sessions). :class:`Settings` is all of
them, flat: a field's variable is its name, whatever module declares it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from charter.settings.capabilities import CapabilitySettings
from charter.settings.gateway import GatewaySettings
from charter.settings.identity import IdentitySettings
from charter.settings.operations import OperationsSettings
from charter.settings.server import ServerSettings
from charter.settings.store import StoreSettings

__all__ = ["Settings", "load_settings"]


class Settings(
    BaseSettings,
    IdentitySettings,
    CapabilitySettings,
    OperationsSettings,
    GatewaySettings,
    ServerSettings,
    StoreSettings,
):
    """All of Charter's settings. Environment variables are the field name, upper-cased, with the
    ``CHARTER_`` prefix (``data_dir`` → ``CHARTER_DATA_DIR``)."""

    model_config = SettingsConfigDict(env_prefix="CHARTER_", frozen=True, extra="forbid")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_file = os.environ.get("CHARTER_SETTINGS_FILE")
        if toml_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_file)))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment (and the optional file), with ``overrides`` on top."""
    return Settings(**overrides)

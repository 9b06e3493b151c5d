"""Charter's own providers, registered through the public hook like any plugin's."""

from __future__ import annotations

from charter.domain import ModelEntry
from charter.hookspecs import Register, hookimpl
from charter.outbound import OutboundPolicy
from charter.providers.base import Provider
from charter.providers.embedded import LlamaProvider
from charter.providers.openai_http import LlamaServerProvider, OpenAIHTTPProvider
from charter.secretstore import Credential
from charter.settings import Settings


def _openai(entry: ModelEntry, settings: Settings, credential: Credential | None) -> Provider:
    return OpenAIHTTPProvider(
        entry,
        timeout=settings.upstream_timeout_s,
        credential=credential,
        outbound=OutboundPolicy.from_settings(settings),
    )


def _llama_server(entry: ModelEntry, settings: Settings, credential: Credential | None) -> Provider:
    return LlamaServerProvider(
        entry,
        timeout=settings.upstream_timeout_s,
        credential=credential,
        outbound=OutboundPolicy.from_settings(settings),
    )


def _embedded(entry: ModelEntry, settings: Settings, credential: Credential | None) -> Provider:
    return LlamaProvider(
        entry, threads=settings.llama_threads, context=settings.llama_context, models_dir=settings.data_dir / "models"
    )


@hookimpl
def register_providers(register: Register) -> None:
    register("openai", _openai)
    register("llama-server", _llama_server)
    register("embedded", _embedded)

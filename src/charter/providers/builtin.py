"""Charter's own providers, registered through the public hook like any plugin's."""

from __future__ import annotations

from collections.abc import Callable

from charter.domain import ModelEntry
from charter.hookspecs import Register, hookimpl
from charter.outbound import OutboundPolicy
from charter.providers.base import Provider
from charter.providers.embedded import LlamaProvider
from charter.providers.openai_http import LlamaServerProvider, OpenAIHTTPProvider
from charter.secretstore import Credential
from charter.settings import Settings


def _over_http(kind: type[OpenAIHTTPProvider]) -> Callable[[ModelEntry, Settings, Credential | None], Provider]:
    """A factory for an OpenAI-compatible server (``kind``: the plain OpenAI wire or a server's dialect)."""

    def factory(entry: ModelEntry, settings: Settings, credential: Credential | None) -> Provider:
        return kind(
            entry,
            timeout=settings.upstream_timeout_s,
            credential=credential,
            outbound=OutboundPolicy.from_settings(settings),
        )

    return factory


def _embedded(entry: ModelEntry, settings: Settings, credential: Credential | None) -> Provider:
    return LlamaProvider(
        entry, threads=settings.llama_threads, context=settings.llama_context, models_dir=settings.data_dir / "models"
    )


@hookimpl
def register_providers(register: Register) -> None:
    register("openai", _over_http(OpenAIHTTPProvider))
    register("llama-server", _over_http(LlamaServerProvider))
    register("embedded", _embedded)

"""The embedded provider: a GGUF model run in-process by llama.cpp (llama-cpp-python).

Model files come from PyPI packages and are pinned by SHA-256 in a manifest shipped in this package
(data/embedded_models.json); nothing is downloaded at run time. llama.cpp is not thread-safe per
model, so one worker thread owns each loaded model.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from charter.domain import ModelEntry
from charter.files import file_sha256
from charter.providers.base import ChatRequest, ChatResult, ProviderError, StreamDelta
from charter.providers.llama import llama_json_mode

__all__ = ["EMBEDDED_MODELS", "EmbeddedModel", "LlamaProvider", "file_sha256", "locate_model", "locate_registered"]


@dataclass(frozen=True, slots=True)
class EmbeddedModel:
    key: str
    package: str
    filename: str
    sha256: str
    size: int
    context_window: int
    chat: bool
    #: The extra of ``pip install 'charter[...]'`` that installs the package.
    extra: str
    #: Packages that ship the file in chunks: the package's ``assemble(output_path)`` joins them
    #: (locally, no network) into the data directory the first time.
    assembled: bool = False


#: The pinned models, as data shipped in this package: one entry per key, the fields of EmbeddedModel.
_MANIFEST = "data/embedded_models.json"


def _pinned_models() -> dict[str, EmbeddedModel]:
    manifest = json.loads(resources.files("charter.providers").joinpath(_MANIFEST).read_text("utf-8"))
    return {key: EmbeddedModel(key=key, **fields) for key, fields in manifest.items()}


#: Third-party model files Charter relies on, pinned by SHA-256 (checked before the first load).
EMBEDDED_MODELS: dict[str, EmbeddedModel] = _pinned_models()

_verified: set[Path] = set()
_verify_lock = threading.Lock()


def locate_model(key: str, models_dir: Path | None = None) -> Path:
    """Find an embedded model's file in its installed package (without importing the package; a
    chunked package is assembled into ``models_dir`` once) and check its SHA-256 once per process."""
    spec = EMBEDDED_MODELS.get(key)
    if spec is None:
        raise ProviderError(f"unknown embedded model {key!r} (known: {', '.join(EMBEDDED_MODELS)})", retryable=False)
    found = importlib.util.find_spec(spec.package)
    if found is None or not found.submodule_search_locations:
        raise ProviderError(
            f"embedded model {key!r} is not installed: pip install 'charter[{spec.extra}]' (package {spec.package})",
            retryable=False,
        )
    if spec.assembled:
        if models_dir is None:
            raise ProviderError(f"embedded model {key!r} needs a directory to be assembled in", retryable=False)
        path = models_dir / spec.filename
        if not path.exists():
            assemble = importlib.import_module(spec.package).assemble
            assemble(output_path=path)
    else:
        path = Path(next(iter(found.submodule_search_locations))) / spec.filename
    with _verify_lock:
        if path not in _verified:
            if file_sha256(path) != spec.sha256:
                raise ProviderError(f"{path} does not match its pinned SHA-256; refusing to load it", retryable=False)
            _verified.add(path)
    return path


def locate_registered(path_text: str, sha256: str | None) -> Path:
    """A registered version's own GGUF file (``embedded:///abs/path.gguf``; charter.training.registry),
    checked against the SHA-256 recorded at registration before every load: a file that changed since,
    or one with nothing recorded, is refused (fail closed)."""
    path = Path(path_text)
    if not sha256:
        raise ProviderError(
            f"{path} has no SHA-256 recorded by the model registry; refusing to load it", retryable=False
        )
    if not path.is_file():
        raise ProviderError(f"{path} (a registered model file) is missing; refusing to load it", retryable=False)
    if file_sha256(path) != sha256:
        raise ProviderError(
            f"{path} does not match the SHA-256 recorded when it was registered; refusing to load it", retryable=False
        )
    return path


class LlamaProvider:
    """Runs one GGUF model. ``endpoint`` of the model entry is ``embedded://<key>``."""

    kind = "embedded"
    supports_embeddings = False
    #: What llama-cpp-python's ``create_chat_completion`` takes. Not ``logprobs``/``top_logprobs``: it
    #: computes them only for a model loaded with ``logits_all=True``, which keeps n_ctx by vocabulary
    #: floats (about 400 MB for SmolLM2 at 2048 tokens); not ``service_tier``. ``store`` (only ever
    #: false) holds trivially: the embedded model keeps nothing. Not ``tools``: llama-cpp-python's
    #: ``chatml-function-calling`` format runs with SmolLM2, but the model called a refund tool for
    #: "What is the capital of France?" and not for "Where is my 2024 tax refund?" (2 of 6 right;
    #: docs/api.md, Tool calling), so the route stage refuses tools where it is the only model.
    supports = frozenset({"response_format", "presence_penalty", "frequency_penalty", "logit_bias", "store"})
    #: Combinations the route stage refuses (400 unsupported_parameter): llama-cpp-python 0.3.36's JSON
    #: grammar gives way under penalties or logit_bias (``{ "city" : "Paris }`` and free text, cut at
    #: ``length``), so JSON mode with any of them would hand back broken JSON.
    conflicts = (
        frozenset({"response_format", "presence_penalty"}),
        frozenset({"response_format", "frequency_penalty"}),
        frozenset({"response_format", "logit_bias"}),
    )

    def __init__(
        self, entry: ModelEntry, *, threads: int = 1, context: int = 2048, models_dir: Path | None = None
    ) -> None:
        self.key = (entry.endpoint or "embedded://smollm2").removeprefix("embedded://")
        #: A registered version's file (``embedded:///abs/path.gguf``) and its recorded SHA-256.
        self.pinned = entry.file_sha256
        self.models_dir = models_dir
        self.threads = threads
        self.context = context
        self._llama: Any = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"llama-{self.key}")
        self._load_lock = threading.Lock()

    def _model(self) -> Any:
        with self._load_lock:
            if self._llama is None:
                path = (
                    locate_registered(self.key, self.pinned)
                    if self.key.startswith("/")
                    else locate_model(self.key, self.models_dir)
                )
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise ProviderError(
                        "llama-cpp-python is not installed: run scripts/install.sh", retryable=False
                    ) from exc
                self._llama = Llama(
                    model_path=str(path),
                    n_ctx=self.context,
                    n_threads=self.threads,
                    verbose=False,
                )
            return self._llama

    def _kwargs(self, request: ChatRequest) -> dict[str, Any]:
        p = request.params
        kwargs: dict[str, Any] = {"messages": request.messages, "max_tokens": p.max_tokens or 256}
        if p.temperature is not None:
            kwargs["temperature"] = p.temperature
        if p.top_p is not None:
            kwargs["top_p"] = p.top_p
        if p.stop:
            kwargs["stop"] = p.stop
        if p.seed is not None:
            kwargs["seed"] = p.seed
        if p.presence_penalty is not None:
            kwargs["presence_penalty"] = p.presence_penalty
        if p.frequency_penalty is not None:
            kwargs["frequency_penalty"] = p.frequency_penalty
        if p.logit_bias is not None:
            kwargs["logit_bias"] = {int(token): bias for token, bias in p.logit_bias.items()}
        if p.response_format is not None:
            kwargs["response_format"] = llama_json_mode(p.response_format)
        return kwargs

    def _chat_sync(self, request: ChatRequest) -> ChatResult:
        out = self._model().create_chat_completion(**self._kwargs(request))
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return ChatResult(
            text=choice["message"].get("content") or "",
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
        )

    async def chat(self, request: ChatRequest) -> ChatResult:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, self._chat_sync, request)
        except ProviderError:
            raise
        except Exception as exc:  # llama.cpp errors (context overflow, ...)
            raise ProviderError(f"embedded model failed: {exc}", retryable=False) from exc

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[StreamDelta | BaseException | None] = asyncio.Queue()
        cancelled = threading.Event()

        def produce() -> None:
            try:
                for delta in self._stream_sync(request):
                    if cancelled.is_set():
                        break
                    loop.call_soon_threadsafe(queue.put_nowait, delta)
                loop.call_soon_threadsafe(queue.put_nowait, None)
            except BaseException as exc:
                loop.call_soon_threadsafe(queue.put_nowait, exc)

        future = loop.run_in_executor(self._executor, produce)
        try:
            while True:
                item = await queue.get()
                if item is None:
                    break
                if isinstance(item, ProviderError):
                    raise item
                if isinstance(item, BaseException):
                    raise ProviderError(f"embedded model failed: {item}", retryable=False) from item
                yield item
        finally:
            cancelled.set()
            await future

    def _stream_sync(self, request: ChatRequest) -> Iterator[StreamDelta]:
        completion = 0
        llama = self._model()
        prompt_tokens = len(llama.tokenize("".join(m["content"] for m in request.messages).encode(), add_bos=False))
        for chunk in llama.create_chat_completion(stream=True, **self._kwargs(request)):
            choice = chunk["choices"][0]
            text = (choice.get("delta") or {}).get("content") or ""
            if text:
                completion += 1
            yield StreamDelta(text=text, finish_reason=choice.get("finish_reason"))
        yield StreamDelta(prompt_tokens=prompt_tokens, completion_tokens=completion)

    async def embed(self, model: ModelEntry, texts: list[str]) -> tuple[list[list[float]], int]:
        raise ProviderError("the embedded chat model has no embeddings", retryable=False)

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._llama = None

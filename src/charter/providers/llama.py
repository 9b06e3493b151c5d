"""What llama.cpp (llama-cpp-python in process and its OpenAI-compatible server alike) spells
differently from OpenAI."""

from __future__ import annotations

from typing import Any

__all__ = ["llama_json_mode"]


def llama_json_mode(response_format: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's JSON mode in llama.cpp's terms: ``{"type": "json_object"}`` constrains the answer to
    JSON by a grammar, ``"schema"`` added to follow a JSON Schema (what OpenAI spells
    ``{"type": "json_schema", "json_schema": {"schema"}}``)."""
    if response_format.get("type") == "text":
        return response_format
    schema = (response_format.get("json_schema") or {}).get("schema")
    return {"type": "json_object", **({"schema": schema} if schema is not None else {})}

"""What a developer pushes: a prompt file (YAML or JSON), validated into a :class:`PromptSpec`.

```yaml
name: tax-answer
use_case: tax-helpdesk          # whose evaluation suite gates promotion to production
description: Answers questions about filing deadlines
template: |                      # a text template becomes one system message ...
  You answer for {{ agency }}. Use only this context:
  {% for c in context %}[{{ loop.index }}] {{ c.text }}
  {% endfor %}
# messages:                      # ... or a chat template: a list of {role, content}
variables:
  properties: {agency: {type: string, default: the Revenue Office}}
  required: []
model_params: {temperature: 0.2, max_tokens: 300}
thresholds:                      # the promotion gate, stored with the version
  exact_match: {min: 0.6}
  chrf: {max_drop: 2.0}
```
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from charter.errors import InvalidRequest

__all__ = [
    "THRESHOLD_KEYS",
    "PromptMessage",
    "PromptSpec",
    "content_hash",
    "non_finite_path",
    "parse_prompt_file",
    "require_mapping",
    "validate_thresholds",
]

#: Keys a threshold may carry: absolute bounds and allowed regression against the baseline run.
THRESHOLD_KEYS = frozenset({"min", "max", "max_drop", "max_rise"})

_PARAMS = frozenset({"temperature", "top_p", "max_tokens", "stop", "seed"})


def non_finite_path(value: Any, path: str = "") -> str | None:
    """The dotted path of the first NaN or infinite number in a JSON-like value (YAML ``.inf``,
    JSON ``1e999``), or None. Neither store holds one in JSON, and the ledger cannot hash one."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return where
        if isinstance(item, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in item.items())
        elif isinstance(item, list | tuple):
            stack.extend((v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))
    return None


def require_mapping(value: Any, message: str) -> None:
    """Refuse (400 ``invalid_value``, with ``message``, which names where it was read from) a parsed
    JSON or YAML value that must be a mapping and is not."""
    if not isinstance(value, dict):
        raise InvalidRequest(message, code="invalid_value")


def _finite(value: dict[str, Any], name: str) -> dict[str, Any]:
    where = non_finite_path(value, name)
    if where is not None:
        raise ValueError(f"{where} must be a finite number (not NaN or infinity)")
    return value


def validate_thresholds(value: Any) -> dict[str, dict[str, float]]:
    """``{metric: {min|max|max_drop|max_rise: number}}``; raises ``ValueError`` otherwise."""
    if not isinstance(value, dict):
        raise ValueError("thresholds must map metric names to {min|max|max_drop|max_rise: number}")
    out: dict[str, dict[str, float]] = {}
    for metric, bounds in value.items():
        if not isinstance(bounds, dict) or not bounds:
            raise ValueError(f"threshold {metric!r} must be a mapping like {{min: 0.8}}")
        unknown = set(bounds) - THRESHOLD_KEYS
        if unknown:
            raise ValueError(f"threshold {metric!r} has unknown key(s) {sorted(unknown)}; use {sorted(THRESHOLD_KEYS)}")
        for key, number in bounds.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise ValueError(f"threshold {metric}.{key} must be a number")
            if not math.isfinite(number):
                raise ValueError(f"threshold {metric}.{key} must be a finite number (not NaN or infinity)")
        out[str(metric)] = {k: float(v) for k, v in bounds.items()}
    return out


class PromptMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    role: Literal["system", "user", "assistant", "developer"]
    content: str


class PromptSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,62}$")
    use_case: str | None = None
    description: str = ""
    template: str | None = None
    messages: list[PromptMessage] | None = None
    variables: dict[str, Any] = Field(default_factory=dict)
    model_params: dict[str, Any] = Field(default_factory=dict)
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)
    message: str = ""

    @field_validator("thresholds", mode="before")
    @classmethod
    def _thresholds(cls, value: Any) -> dict[str, dict[str, float]]:
        return validate_thresholds(value or {})

    @field_validator("variables")
    @classmethod
    def _schema(cls, value: dict[str, Any]) -> dict[str, Any]:
        props = value.get("properties", {})
        if not isinstance(props, dict) or not all(isinstance(p, dict) for p in props.values()):
            raise ValueError("variables.properties must map each variable name to a mapping like {type: string}")
        required = value.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise ValueError("variables.required must be a list of variable names")
        return _finite(value, "variables")  # a default or bound of 1e999 / .inf

    @field_validator("model_params")
    @classmethod
    def _params(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = set(value) - _PARAMS
        if unknown:
            raise ValueError(f"unknown model parameter(s) {sorted(unknown)}; allowed: {sorted(_PARAMS)}")
        return _finite(value, "model_params")

    @model_validator(mode="after")
    def _one_template(self) -> PromptSpec:
        if (self.template is None) == (self.messages is None):
            raise ValueError("give exactly one of `template` (text) or `messages` (chat)")
        return self

    @property
    def kind(self) -> str:
        return "text" if self.template is not None else "chat"

    def template_value(self) -> str | list[dict[str, str]]:
        if self.template is not None:
            return self.template
        assert self.messages is not None
        return [m.model_dump() for m in self.messages]


def content_hash(kind: str, template: Any, variables: Any, model_params: Any, thresholds: Any) -> str:
    """SHA-256 of the canonical JSON of everything that makes a version what it is."""
    body = {
        "kind": kind,
        "template": template,
        "variables": variables,
        "model_params": model_params,
        "thresholds": thresholds,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_prompt_file(text: str, *, filename: str = "prompt.yaml") -> PromptSpec:
    """Parse a prompt file; errors name the file and the field to fix."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidRequest(f"{filename} is not valid YAML/JSON: {exc}", code="invalid_value") from None
    require_mapping(data, f"{filename} must be a mapping with at least `name` and `template`")
    try:
        return PromptSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InvalidRequest(f"{filename}: {where}: {first['msg']}", code="invalid_value", param=where) from None

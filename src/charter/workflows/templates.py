"""Templating of step arguments and messages (Jinja2's sandbox: no attribute access to Python
internals, no imports). A string that is one ``{{ expression }}`` and nothing else keeps the value's
type (a number stays a number); any other string is rendered as text. ``when:`` is an expression.

Names available: ``input`` (the run's input), ``steps.<id>.output`` (each step's latest output),
``item`` (a batch item's input, the same as ``input``), ``run.id``."""

from __future__ import annotations

import re
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from charter.errors import InvalidRequest

__all__ = ["check_expression", "check_template", "evaluate", "render"]

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_WHOLE = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.S)


def check_template(text: str) -> None:
    _ENV.parse(text)


def check_expression(text: str) -> None:
    _ENV.compile_expression(text)


def _failed(what: str, exc: Exception) -> InvalidRequest:
    return InvalidRequest(f"{what} could not be evaluated: {exc}", code="workflow_invalid")


def evaluate(expression: str, names: dict[str, Any]) -> Any:
    try:
        return _ENV.compile_expression(expression, undefined_to_none=False)(**names)
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise _failed(f"`{expression}`", exc) from None


def render(value: Any, names: dict[str, Any]) -> Any:
    """``value`` with every string in it rendered (dicts and lists walked)."""
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole and "{{" not in whole.group(1) and "}}" not in whole.group(1):
            return evaluate(whole.group(1), names)
        if "{" not in value:
            return value
        try:
            return _ENV.from_string(value).render(**names)
        except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
            raise _failed(f"the template {value[:60]!r}", exc) from None
    if isinstance(value, dict):
        return {k: render(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, names) for v in value]
    return value

"""Rendering prompt templates in a sandbox: a template sees only the values it is given.

Templates are Jinja2, rendered by :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` with no
loader: attribute access to ``__class__``, ``__globals__``, ``mro`` and the like raises a
``SecurityError``, ``{% include %}`` / ``{% import %}`` / ``{% extends %}`` are refused when a version
is pushed (and would find no loader at render time), and an undefined variable is an error, not
an empty string. Every failure becomes one :class:`PromptRenderError` that names the version and
says what went wrong, never a traceback with the template's internals.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from charter.domain import ChatMessage
from charter.errors import InvalidRequest

__all__ = [
    "MAX_RENDERED_CHARS",
    "PromptRenderError",
    "check_template",
    "render_messages",
    "sandbox",
    "template_variables",
    "validate_variables",
]

#: A rendered prompt longer than this is refused (a template loop cannot flood the provider).
MAX_RENDERED_CHARS = 200_000

#: Names every template may use besides its declared variables.
BUILTIN_NAMES = frozenset({"context", "question", "use_case", "variables"})

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
}


class PromptRenderError(InvalidRequest):
    """A prompt version could not be rendered safely (bad variables, sandbox refusal, template error)."""

    default_code = "prompt_render_failed"


def sandbox() -> ImmutableSandboxedEnvironment:
    """A fresh sandboxed environment: no loader, strict undefined, no autoescape (prompts are text)."""
    return ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def _texts(template: str | Sequence[Mapping[str, str]]) -> list[str]:
    if isinstance(template, str):
        return [template]
    return [str(m.get("content", "")) for m in template]


def check_template(template: str | Sequence[Mapping[str, str]]) -> set[str]:
    """Parse a template (text or chat messages) and return the variable names it uses.

    Raises :class:`InvalidRequest` for syntax errors and for ``include``/``import``/``extends``:
    a prompt is one self-contained artifact, it does not reach other files.
    """
    env = sandbox()
    names: set[str] = set()
    for text in _texts(template):
        try:
            ast = env.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            raise InvalidRequest(
                f"the template does not parse (line {exc.lineno}: {exc.message}); fix it and push again",
                code="invalid_value",
                param="template",
            ) from None
        if any(True for _ in ast.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends))):
            raise InvalidRequest(
                "templates may not include, import or extend other templates: put the text in this prompt",
                code="invalid_value",
                param="template",
            )
        names |= meta.find_undeclared_variables(ast)
    return names


def template_variables(template: str | Sequence[Mapping[str, str]]) -> set[str]:
    """The variable names a template uses (it must already pass :func:`check_template`)."""
    names: set[str] = set()
    for text in _texts(template):
        names |= _variables_of(text)
    return names


@functools.lru_cache(maxsize=1)
def _shared() -> ImmutableSandboxedEnvironment:
    """One sandbox for rendering (its configuration never changes; rendering is thread-safe)."""
    return sandbox()


@functools.lru_cache(maxsize=1024)
def _variables_of(text: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_shared().parse(text)))


@functools.lru_cache(maxsize=1024)
def _compiled(text: str) -> jinja2.Template:
    """Versions are immutable, so a template text compiles once per process."""
    return _shared().from_string(text)


def validate_variables(schema: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Check request variables against a version's schema (a small JSON-Schema subset: ``properties``
    with ``type``/``enum``/``maxLength``/``default``, ``required``); return them with defaults filled."""
    props: Mapping[str, Any] = schema.get("properties", {})
    out: dict[str, Any] = {}
    for name, spec in props.items():
        if name in given:
            out[name] = given[name]
        elif "default" in spec:
            out[name] = spec["default"]
    missing = [n for n in schema.get("required", []) if n not in out]
    if missing:
        raise PromptRenderError(
            f"the prompt needs the variable(s) {', '.join(missing)}: send them in the request's "
            "`metadata.variables` object",
            param="variables",
        )
    for name, value in out.items():
        _check_value(name, props.get(name, {}), value)
    if schema.get("additionalProperties", True):
        out.update({k: v for k, v in given.items() if k not in out})
    return out


def _check_value(name: str, spec: Mapping[str, Any], value: Any) -> None:
    kind = spec.get("type")
    allowed = _JSON_TYPES.get(kind) if isinstance(kind, str) else None
    if allowed and (not isinstance(value, allowed) or (kind in ("number", "integer") and isinstance(value, bool))):
        raise PromptRenderError(f"variable {name!r} must be of type {kind}", param="variables")
    if "enum" in spec and value not in spec["enum"]:
        raise PromptRenderError(f"variable {name!r} must be one of {spec['enum']}", param="variables")
    limit = spec.get("maxLength")
    if isinstance(limit, int) and isinstance(value, str) and len(value) > limit:
        raise PromptRenderError(f"variable {name!r} is longer than {limit} characters", param="variables")


def _render_one(text: str, values: Mapping[str, Any], where: str) -> str:
    try:
        parts: list[str] = []
        size = 0
        for chunk in _compiled(text).generate(values):
            size += len(chunk)
            if size > MAX_RENDERED_CHARS:
                raise PromptRenderError(f"{where} renders to more than {MAX_RENDERED_CHARS} characters")
            parts.append(chunk)
        return "".join(parts)
    except PromptRenderError:
        raise
    except jinja2.exceptions.SecurityError:
        raise PromptRenderError(
            f"{where} tried to reach something outside its variables (refused by the sandbox); "
            "fix the template and push a new version"
        ) from None
    except jinja2.UndefinedError as exc:
        raise PromptRenderError(f"{where} uses an undefined value ({exc.message})", param="variables") from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError) as exc:
        raise PromptRenderError(f"{where} failed to render ({type(exc).__name__})") from None


def render_messages(
    kind: str,
    template: str | Sequence[Mapping[str, str]],
    values: Mapping[str, Any],
    *,
    where: str = "the prompt",
) -> list[ChatMessage]:
    """Render a version's template into chat messages: a ``text`` template becomes one system
    message; a ``chat`` template renders each message's content."""
    if kind == "text":
        assert isinstance(template, str)
        return [ChatMessage(role="system", content=_render_one(template, values, where))]
    assert not isinstance(template, str)
    messages = []
    for i, message in enumerate(template):
        content = _render_one(str(message.get("content", "")), values, f"{where} (message {i + 1})")
        messages.append(ChatMessage(role=str(message.get("role", "system")), content=content))
    return messages

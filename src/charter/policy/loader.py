"""Load a charter from YAML, with errors that name the field and the line (``charter usecases apply``)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from charter.domain import Charter
from charter.errors import InvalidRequest

__all__ = ["CharterProblem", "parse_charter"]


class CharterProblem(InvalidRequest):
    """The charter YAML is not valid. ``extra["problems"]`` lists each as {field, line, message}."""

    default_code = "invalid_charter"


def _line_map(
    node: yaml.Node, path: tuple[Any, ...] = (), out: dict[tuple[Any, ...], int] | None = None
) -> dict[tuple[Any, ...], int]:
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), out)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), out)
    return out


def _line_for(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def parse_charter(source: str, *, filename: str = "charter.yaml") -> Charter:
    """Parse and validate. Raises :class:`CharterProblem` naming every bad field with its line."""
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = {"field": None, "line": line, "message": str(getattr(exc, "problem", exc))}
        raise CharterProblem(
            f"{filename} line {line}: not valid YAML ({problem['message']})",
            extra={"problems": [problem]},
        ) from None
    if not isinstance(data, dict) or node is None:
        raise CharterProblem(
            f"{filename}: a charter is a YAML mapping (name: ..., tenant: ..., models: [...])",
            extra={"problems": [{"field": None, "line": 1, "message": "not a mapping"}]},
        )
    return _validate(data, _line_map(node), filename)


def _validate(data: dict[str, Any], lines: dict[tuple[Any, ...], int], filename: str) -> Charter:
    try:
        return Charter.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc) or None
            message = (
                "unknown field (check the spelling; see docs/charter.md)"
                if err["type"] == "extra_forbidden"
                else err["msg"]
            )
            problems.append({"field": field, "line": _line_for(lines, loc) if lines else None, "message": message})
        first = problems[0]
        where = f" line {first['line']}" if first["line"] else ""
        summary = "; ".join(
            f"{p['field'] or '(top)'}{' (line ' + str(p['line']) + ')' if p['line'] else ''}: {p['message']}"
            for p in problems
        )
        raise CharterProblem(
            f"{filename}{where}: {summary}", param=str(first["field"]) if first["field"] else None,
            extra={"problems": problems},
        ) from None

"""Versioned evaluation datasets: import JSONL or CSV, list, show, load as :class:`Case` items.

One item per line (JSONL) or row (CSV)::

    {"input": "When is the filing deadline?", "reference": "31 January",
     "context": ["Returns are due by 31 January."], "tags": ["deadlines"],
     "variables": {"agency": "HMRC"}, "expect": "refuse", "pair": "p1", "group": "female"}

``input`` is a string or a list of chat messages; ``reference``/``references`` a string or a list;
``context`` a string or a list; ``tags`` a list or a comma-separated string. Any other key (or the
keys of a ``meta`` object) is kept as item metadata that evaluators read (``expect``, ``forbidden``,
``pattern``, ``contains``, ``pair``, ``group``). Importing content identical to the latest version
returns that version; anything else becomes a new immutable version.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, func, select

from charter.errors import InvalidRequest
from charter.evals.base import Case
from charter.evals.tables import eval_datasets, eval_items
from charter.prompts.spec import non_finite_path, require_mapping
from charter.store.changes import insert_recorded
from charter.store.records import found, found_in, from_row, pick
from charter.store.schema import new_id, utcnow

__all__ = [
    "create_dataset",
    "get_dataset",
    "import_dataset",
    "list_datasets",
    "load_cases",
    "normalize_item",
    "parse_items",
]

_KNOWN = frozenset({"input", "reference", "references", "context", "tags", "variables", "meta", "id"})


def _strings(value: Any, field: str, line: int) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidRequest(f"item {line}: `{field}` must be a string or a list of strings", code="invalid_value")


def normalize_item(raw: Mapping[str, Any], line: int) -> dict[str, Any]:
    """One item in the stored shape, or an error that names the line and the field."""
    value = raw.get("input")
    if isinstance(value, list):
        if not all(isinstance(m, dict) and isinstance(m.get("content"), str) and "role" in m for m in value):
            raise InvalidRequest(f"item {line}: chat `input` needs {{role, content}} messages", code="invalid_value")
        value = [{"role": str(m["role"]), "content": m["content"]} for m in value]
    elif not isinstance(value, str) or not value:
        raise InvalidRequest(f"item {line}: `input` is required (a string or chat messages)", code="missing_field")
    tags = raw.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.replace(";", ",").split(",") if t.strip()]
    variables = raw.get("variables") or {}
    if isinstance(variables, str):
        try:
            variables = json.loads(variables)
        except json.JSONDecodeError:
            raise InvalidRequest(f"item {line}: `variables` is not a JSON object", code="invalid_value") from None
    require_mapping(variables, f"item {line}: `variables` must be an object")
    where = non_finite_path(variables, "variables")
    if where is not None:
        raise InvalidRequest(f"item {line}: `{where}` must be a finite number", code="invalid_value")
    meta = dict(raw.get("meta") or {})
    meta.update({str(k): v for k, v in raw.items() if k is not None and k not in _KNOWN and v not in (None, "")})
    refs = _strings(raw.get("references", raw.get("reference")), "reference", line)
    return {
        "input": value,
        "refs": refs,
        "context": _strings(raw.get("context"), "context", line),
        "tags": _strings(tags, "tags", line),
        "variables": variables,
        "meta": meta,
    }


def parse_items(text: str, *, fmt: str) -> list[dict[str, Any]]:
    """Items of a JSONL or CSV document (``fmt``: ``jsonl`` | ``csv``)."""
    rows: Iterable[tuple[int, Mapping[str, Any]]]
    if fmt == "jsonl":
        parsed = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidRequest(f"line {n} is not JSON: {exc.msg}", code="invalid_json") from None
            require_mapping(obj, f"line {n} must be a JSON object")
            where = non_finite_path(obj)
            if where is not None:  # NaN, Infinity, 1e999: no store holds them in JSON
                raise InvalidRequest(f"line {n}: `{where}` must be a finite number", code="invalid_value")
            parsed.append((n, obj))
        rows = parsed
    elif fmt == "csv":
        rows = enumerate(csv.DictReader(io.StringIO(text)), 2)
    else:
        raise InvalidRequest("format must be jsonl or csv", code="invalid_value", param="format")
    items = [normalize_item(dict(raw), n) for n, raw in rows]
    if not items:
        raise InvalidRequest("the dataset has no items", code="invalid_value")
    return items


def _digest(items: list[dict[str, Any]]) -> str:
    body = json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def create_dataset(
    conn: Connection,
    tenant_id: str,
    name: str,
    items: list[dict[str, Any]],
    *,
    actor: str,
    source: str,
    description: str = "",
) -> dict[str, Any]:
    """Store ``items`` as the next version of dataset ``name`` (or return the identical latest one)."""
    digest = _digest(items)
    latest = conn.execute(
        select(eval_datasets)
        .where(eval_datasets.c.tenant_id == tenant_id, eval_datasets.c.name == name)
        .order_by(eval_datasets.c.version.desc())
        .limit(1)
    ).first()
    if latest is not None and latest.sha256 == digest:
        return {**_dataset_dict(latest), "created": False}
    version = (latest.version if latest is not None else 0) + 1
    dataset_id = new_id("ds")
    stored = {"version": version, "sha256": digest, "source": source[:200]}
    row = {"id": dataset_id, "tenant_id": tenant_id, "name": name, **stored, "item_count": len(items),
           "description": description, "created_by": actor, "created_at": utcnow()}
    event = {**stored, "dataset_id": dataset_id, "items": len(items)}
    insert_recorded(conn, eval_datasets, row, actor=actor, action="eval.dataset_created", subject=f"dataset:{name}",
                    event=event)
    conn.execute(
        eval_items.insert(),
        [
            {"id": new_id("itm"), "tenant_id": tenant_id, "dataset_id": dataset_id, "idx": i, **item}
            for i, item in enumerate(items)
        ],
    )
    return {**_dataset_dict(get_dataset(conn, tenant_id, name, version)), "created": True}


def import_dataset(
    conn: Connection,
    tenant_id: str,
    name: str,
    text: str,
    *,
    fmt: str,
    actor: str,
    source: str,
    description: str = "",
) -> dict[str, Any]:
    return create_dataset(
        conn, tenant_id, name, parse_items(text, fmt=fmt), actor=actor, source=source, description=description
    )


def _dataset_dict(row: Any) -> dict[str, Any]:
    return {
        **pick(row, "id", "name", "version", "sha256", "source"),
        "items": row.item_count,
        "description": row.description,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }


def get_dataset(conn: Connection, tenant_id: str, name: str, version: int | None = None) -> Any:
    """A dataset row by ``name`` (latest version) or ``name`` + ``version``; ``name@3`` works too."""
    if version is None and "@" in name:
        name, number = name.split("@", 1)
        version = int(number) if number.isdigit() else None
    query = select(eval_datasets).where(eval_datasets.c.tenant_id == tenant_id, eval_datasets.c.name == name)
    query = (
        query.where(eval_datasets.c.version == version)
        if version is not None
        else query.order_by(eval_datasets.c.version.desc()).limit(1)
    )
    return found(conn, query, f"dataset {name!r} not found; import one with `charter eval dataset import`")


def get_dataset_by_id(conn: Connection, tenant_id: str, dataset_id: str) -> Any:
    return found_in(conn, eval_datasets, tenant_id, f"dataset {dataset_id!r} not found", id=dataset_id)


def list_datasets(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    latest = (
        select(eval_datasets.c.name, func.max(eval_datasets.c.version).label("v"))
        .where(eval_datasets.c.tenant_id == tenant_id)
        .group_by(eval_datasets.c.name)
        .subquery()
    )
    rows = conn.execute(
        select(eval_datasets)
        .join(latest, (latest.c.name == eval_datasets.c.name) & (latest.c.v == eval_datasets.c.version))
        .where(eval_datasets.c.tenant_id == tenant_id)
        .order_by(eval_datasets.c.name)
    ).all()
    return [_dataset_dict(r) for r in rows]


def load_cases(conn: Connection, tenant_id: str, dataset_id: str) -> list[Case]:
    rows = conn.execute(
        select(eval_items)
        .where(eval_items.c.dataset_id == dataset_id, eval_items.c.tenant_id == tenant_id)
        .order_by(eval_items.c.idx)
    ).all()
    return [
        from_row(Case, r, references=tuple(r.refs), context=tuple(r.context), tags=tuple(r.tags),
                 variables=dict(r.variables), meta=dict(r.meta))
        for r in rows
    ]

"""A use case's evaluation suite: the dataset version, evaluators, default thresholds and generation
parameters that gate its promotions (PC-2, MD-3) and its scheduled runs (ME-2)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from charter import ledger
from charter.errors import InvalidRequest, NotFound
from charter.evals.datasets import get_dataset, get_dataset_by_id
from charter.evals.tables import eval_suites
from charter.policy.current import use_case_id
from charter.prompts.spec import non_finite_path, validate_thresholds
from charter.store.schema import new_id, utcnow

__all__ = ["Suite", "SuiteSpec", "evaluator_specs", "get_suite", "set_suite"]


@dataclass(frozen=True, slots=True)
class Suite:
    id: str
    use_case_id: str
    use_case: str
    dataset_id: str
    dataset: str
    dataset_version: int
    evaluators: list[dict[str, Any]]
    thresholds: dict[str, dict[str, float]]
    params: dict[str, Any]
    updated_by: str = ""  # who set the suite's current state
    updated_at: str = ""
    dataset_created_by: str = ""  # who created the dataset version it pins

    @property
    def writers(self) -> frozenset[str]:
        """The principals whose work the suite's current state is (two-person rule, MD-3/PC-2)."""
        return frozenset({self.updated_by, self.dataset_created_by})

    @property
    def state(self) -> str:
        """A digest of the current state: a suite approval covers exactly this state."""
        body = [self.id, self.dataset_id, self.evaluators, self.thresholds, self.params, self.updated_by]
        body.append(self.updated_at)
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {
            "use_case": self.use_case,
            "dataset": f"{self.dataset}@{self.dataset_version}",
            "dataset_id": self.dataset_id,
            "evaluators": self.evaluators,
            "thresholds": self.thresholds,
            "params": self.params,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at,
            "dataset_created_by": self.dataset_created_by,
            "state": self.state,
        }


@dataclass(frozen=True, slots=True)
class SuiteSpec:
    """What a suite is set to: ``dataset`` (``name`` pins its latest version, ``name@N`` that one), the
    evaluators (names or ``{name, options}``), default thresholds and generation parameters."""

    use_case: str
    dataset: str
    evaluators: Sequence[str | Mapping[str, Any]]
    thresholds: Mapping[str, Any] | None = None
    params: Mapping[str, Any] | None = None


def evaluator_specs(items: Sequence[str | Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``["bleu", {"name": "regex", "options": {"pattern": "..."}}]`` → ``[{name, options}]``."""
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, str):
            out.append({"name": item, "options": {}})
        elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
            options = item.get("options") or {}
            if not isinstance(options, Mapping):
                raise InvalidRequest(f"options of evaluator {item['name']!r} must be a mapping", code="invalid_value")
            out.append({"name": item["name"], "options": dict(options)})
        else:
            raise InvalidRequest("an evaluator is a name or {name, options}", code="invalid_value", param="evaluators")
    if not out:
        raise InvalidRequest("a suite needs at least one evaluator", code="missing_field", param="evaluators")
    return out


def set_suite(
    conn: Connection, tenant_id: str, spec: SuiteSpec, *, actor: str, known: Sequence[str] = ()
) -> dict[str, Any]:
    """Create or replace the suite of ``spec.use_case``; ``known`` lists the registered evaluators."""
    use_case, params = spec.use_case, spec.params
    uc_id = use_case_id(conn, tenant_id, use_case)
    ds = get_dataset(conn, tenant_id, spec.dataset)
    specs = evaluator_specs(spec.evaluators)
    unknown = [s["name"] for s in specs if known and s["name"] not in known]
    if unknown:
        raise InvalidRequest(
            f"unknown evaluator(s) {unknown}; registered: {sorted(known)}",
            code="invalid_value",
            param="evaluators",
        )
    try:
        checked = validate_thresholds(dict(spec.thresholds or {}))
    except ValueError as exc:
        raise InvalidRequest(str(exc), code="invalid_value", param="thresholds") from None
    for name, value in (("params", params), ("evaluators", specs)):
        where = non_finite_path(value, name)
        if where is not None:  # a YAML .inf from the CLI, or 1e999 in JSON
            raise InvalidRequest(f"{where} must be a finite number (not NaN or infinity)", code="invalid_value",
                                 param=name)
    suite = {"dataset_id": ds.id, "evaluators": specs, "thresholds": checked, "params": dict(params or {})}
    values = {**suite, "updated_by": actor, "updated_at": utcnow()}
    existing = conn.execute(
        select(eval_suites.c.id).where(eval_suites.c.tenant_id == tenant_id, eval_suites.c.use_case_id == uc_id)
    ).scalar_one_or_none()
    if existing is None:
        conn.execute(eval_suites.insert().values(id=new_id("sut"), tenant_id=tenant_id, use_case_id=uc_id, **values))
    else:
        conn.execute(eval_suites.update().where(eval_suites.c.id == existing).values(**values))
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="eval.suite_set",
        subject=f"use_case:{use_case}",
        event={**suite, "dataset": f"{ds.name}@{ds.version}"},
    )
    return get_suite(conn, tenant_id, use_case).as_dict()


def get_suite(conn: Connection, tenant_id: str, use_case: str) -> Suite:
    uc_id = use_case_id(conn, tenant_id, use_case)
    row = conn.execute(
        select(eval_suites).where(eval_suites.c.tenant_id == tenant_id, eval_suites.c.use_case_id == uc_id)
    ).first()
    if row is None:
        raise NotFound(f"use case {use_case!r} has no evaluation suite; set one with `charter eval suite set`")
    ds = get_dataset_by_id(conn, tenant_id, row.dataset_id)
    return Suite(
        id=row.id,
        use_case_id=uc_id,
        use_case=use_case,
        dataset_id=ds.id,
        dataset=ds.name,
        dataset_version=ds.version,
        evaluators=list(row.evaluators),
        thresholds=dict(row.thresholds),
        params=dict(row.params),
        updated_by=row.updated_by,
        updated_at=row.updated_at.isoformat(),
        dataset_created_by=ds.created_by,
    )

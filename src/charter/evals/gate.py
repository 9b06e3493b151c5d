"""The promotion gate (PC-2, MD-3): go/no-go for a prompt version or a model alias.

A gate passes when

1. the approver is another principal than the requester — the author of the prompt version, or
   whoever asked for the model change (``same_principal`` otherwise);
2. the suite that gates the change is not the requester's own unreviewed work: when the requester
   set the suite's current state or created the dataset version it pins, another principal must
   have approved that state (:func:`charter.evals.approvals.approve_suite`;
   ``suite_changed_by_requester`` otherwise);
3. a *finished* run of the use case's suite (its dataset version) exists for the candidate — the
   prompt version, or the new model alias with the use case's production prompt;
4. every threshold holds. Thresholds are the suite's, tightened (never loosened) per metric and
   bound by the ones stored with the prompt version: ``min``/``max`` bound the candidate's value;
   ``max_drop``/``max_rise`` bound its change against the *baseline* (the run that let the current
   production holder through, or the latest finished suite run of it).

A failure names the metric, its value, the bound and by how much it missed. Every decision, pass or
fail, is stored (``gate_decisions``: the approval record, with author, approver, runs and what it was
about) and appended to the ledger (``gate.passed`` / ``gate.failed``) in the caller's transaction:
commit it, then raise :meth:`GateDecision.error` when it did not pass, so the refusal is on the record
too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from charter import ledger
from charter.errors import Conflict, InvalidRequest
from charter.evals.suites import Suite, get_suite
from charter.evals.tables import eval_runs, gate_decisions
from charter.policy.current import get_charter
from charter.prompts.tables import prompt_label_moves, prompt_labels
from charter.prompts.versions import PromptVersion, get_version, resolve
from charter.store.schema import new_id, utcnow

__all__ = [
    "Approval",
    "Candidate",
    "Check",
    "GateDecision",
    "GateFailed",
    "ModelChange",
    "PromptChange",
    "SamePrincipal",
    "SuiteChangedByRequester",
    "check_candidate",
    "check_thresholds",
    "find_run",
    "gate_model_change",
    "gate_prompt",
    "merge_thresholds",
    "production_prompt",
    "record_decision",
    "refusal",
    "suite_approved",
    "suite_subject",
]


class GateFailed(Conflict):
    """The promotion gate refused a change; ``extra.failures`` lists what failed and by how much."""

    default_code = "gate_failed"


class SamePrincipal(GateFailed):
    """The approver is the principal who asked for the change (or wrote what is approved)."""

    default_code = "same_principal"


class SuiteChangedByRequester(GateFailed):
    """The suite gating a change is the requester's own work and nobody else approved it."""

    default_code = "suite_changed_by_requester"


_REFUSALS: dict[str, type[GateFailed]] = {
    "gate_failed": GateFailed,
    "same_principal": SamePrincipal,
    "suite_changed_by_requester": SuiteChangedByRequester,
}


def refusal(code: str | None, message: str, extra: dict[str, Any]) -> GateFailed:
    """The error for a refused decision, by its ``code`` (unknown codes are plain ``gate_failed``)."""
    return _REFUSALS.get(code or "gate_failed", GateFailed)(message, extra=extra)


@dataclass(frozen=True, slots=True)
class Check:
    metric: str
    bound: str  # min | max | max_drop | max_rise
    limit: float
    value: float | None
    baseline: float | None
    passed: bool
    missed_by: float = 0.0
    note: str = ""

    def message(self) -> str:
        if self.value is None:
            return f"{self.metric}: not measured by the run (add its evaluator to the suite)"
        if self.bound == "min":
            return f"{self.metric} {self.value:.4g} is below the minimum {self.limit:.4g} by {self.missed_by:.4g}"
        if self.bound == "max":
            return f"{self.metric} {self.value:.4g} is above the maximum {self.limit:.4g} by {self.missed_by:.4g}"
        change = "dropped" if self.bound == "max_drop" else "rose"
        assert self.baseline is not None
        moved = abs(self.value - self.baseline)
        return (
            f"{self.metric} {change} by {moved:.4g} from the baseline {self.baseline:.4g}"
            f" to {self.value:.4g}: "
            f"{self.missed_by:.4g} more than the allowed {self.limit:.4g}"
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class GateDecision:
    subject: str
    passed: bool
    checks: list[Check] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failures that are not thresholds
    run_id: str | None = None
    baseline_run_id: str | None = None
    id: str | None = None
    #: why a refusal is refused, most specific first: same_principal, suite_changed_by_requester, gate_failed
    code: str = "gate_failed"

    @property
    def failures(self) -> list[str]:
        return self.problems + [c.message() for c in self.checks if not c.passed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "passed": self.passed,
            "code": None if self.passed else self.code,
            "failures": self.failures,
            "checks": [c.as_dict() for c in self.checks],
            "run_id": self.run_id,
            "baseline_run_id": self.baseline_run_id,
        }

    def error(self) -> GateFailed:
        return refusal(
            self.code,
            f"the promotion gate refused {self.subject}: " + "; ".join(self.failures),
            {"failures": self.failures, "gate_id": self.id, "run_id": self.run_id},
        )


@dataclass(frozen=True, slots=True)
class Approval:
    """What a gate decision is recorded as: its ``kind`` (``prompt``, ``model``, ``suite``), the use
    case whose suite judged it, the requester (``author``) and the ``approver``; ``subject_id`` names
    what was decided on, ``detail`` adds to the ledger event."""

    kind: str
    use_case_id: str | None
    author: str
    approver: str
    subject_id: str | None = None
    detail: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ModelChange:
    """A request to switch ``use_case``'s default model to ``to_alias`` (from ``from_alias``, default the
    charter's current one), asked by ``requested_by`` and approved by ``approver``; ``run_id`` names the
    suite run to judge, ``request_id`` the model change request it decides."""

    use_case: str
    to_alias: str
    requested_by: str
    approver: str
    from_alias: str | None = None
    run_id: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class PromptChange:
    """A request to point ``label`` at prompt ``version`` (its author is the requester), judged by
    ``use_case``'s suite and approved by ``approver``; ``run_id`` names the suite run to judge."""

    version: PromptVersion
    label: str
    use_case: str
    approver: str
    run_id: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a read-only gate check judges for ``use_case``: a prompt version (``name@N``) for ``label``,
    or a model alias; ``run_id`` names the suite run to judge (default: the latest finished one)."""

    use_case: str
    prompt: str | None = None
    model: str | None = None
    label: str = "production"
    run_id: str | None = None


def _check(metric: str, bound: str, limit: float, value: float | None, baseline: float | None) -> Check:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Check(metric, bound, limit, None, baseline, False)
    if bound == "min":
        miss = limit - value
    elif bound == "max":
        miss = value - limit
    else:
        if baseline is None:
            return Check(metric, bound, limit, value, None, True, note="no baseline run: regression not checked")
        change = (baseline - value) if bound == "max_drop" else (value - baseline)
        miss = change - limit
    passed = miss <= 1e-9
    return Check(metric, bound, limit, value, baseline, passed, 0.0 if passed else miss)


def check_thresholds(
    thresholds: Mapping[str, Mapping[str, float]],
    values: Mapping[str, float],
    baseline: Mapping[str, float] | None,
) -> list[Check]:
    """Every bound of every metric, checked against the candidate run and the baseline run."""
    checks = []
    for metric in sorted(thresholds):
        for bound in ("min", "max", "max_drop", "max_rise"):
            if bound in thresholds[metric]:
                base = None if baseline is None else baseline.get(metric)
                checks.append(_check(metric, bound, float(thresholds[metric][bound]), values.get(metric), base))
    return checks


def merge_thresholds(
    suite: Mapping[str, Mapping[str, float]], version: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, float]]:
    """The suite's thresholds, tightened by a prompt version's: per metric and bound the stricter
    value wins (the higher ``min``, the lower ``max``/``max_drop``/``max_rise``), so the author of a
    version can add bounds but never loosen the suite's."""
    merged = {metric: dict(bounds) for metric, bounds in suite.items()}
    for metric, bounds in version.items():
        into = merged.setdefault(metric, {})
        for bound, value in bounds.items():
            if bound not in into:
                into[bound] = value
            else:
                into[bound] = max(into[bound], value) if bound == "min" else min(into[bound], value)
    return merged


def suite_approved(conn: Connection, tenant_id: str, suite: Suite) -> bool:
    """Whether a principal other than the suite's writers approved its current state."""
    found = conn.execute(
        select(gate_decisions.c.id)
        .where(
            gate_decisions.c.tenant_id == tenant_id,
            gate_decisions.c.subject_kind == "suite",
            gate_decisions.c.subject_id == suite.id,
            gate_decisions.c.subject == suite_subject(suite),
            gate_decisions.c.passed.is_(True),
        )
        .limit(1)
    ).first()
    return found is not None


def suite_subject(suite: Suite) -> str:
    """The subject of a suite approval: the use case and the digest of the state approved."""
    return f"suite:{suite.use_case}#{suite.state[:16]}"


def _two_person_problems(
    conn: Connection, tenant_id: str, suite: Suite, *, requester: str, approver: str | None, role: str
) -> tuple[list[str], str]:
    """Problems with who is asking and who wrote the gate, and the refusal code they make."""
    if approver is not None and approver == requester:
        how = "promote" if role == "author" else "approve"
        return [f"the approver must not be the {role} ({requester}): ask another person to {how}"], "same_principal"
    if requester and requester in suite.writers and not suite_approved(conn, tenant_id, suite):
        what = (
            "set the suite"
            if requester == suite.updated_by
            else f"created the dataset version it pins ({suite.dataset}@{suite.dataset_version})"
        )
        return [
            f"the {suite.use_case} suite that gates this change is the {role}'s own work ({requester} {what}) "
            f"and no other person has approved it since: ask another person to review it and run "
            f"`charter eval suite approve --use-case {suite.use_case}`"
        ], "suite_changed_by_requester"
    return [], "gate_failed"


def find_run(
    conn: Connection,
    tenant_id: str,
    suite: Suite,
    *,
    prompt_version_id: str | None,
    model: str | None = None,
    run_id: str | None = None,
) -> Any:
    """The given run (if it qualifies) or the latest finished suite run for this candidate."""
    query = select(eval_runs).where(
        eval_runs.c.tenant_id == tenant_id,
        eval_runs.c.status == "finished",
        eval_runs.c.dataset_id == suite.dataset_id,
        eval_runs.c.prompt_version_id == prompt_version_id
        if prompt_version_id
        else eval_runs.c.prompt_version_id.is_(None),
    )
    if model is not None:
        query = query.where(eval_runs.c.model == model)
    if run_id is not None:
        query = query.where(eval_runs.c.id == run_id)
    return conn.execute(query.order_by(eval_runs.c.finished_at.desc(), eval_runs.c.id.desc()).limit(1)).first()


def _decision_run(conn: Connection, tenant_id: str, gate_id: str | None) -> Any:
    if gate_id is None:
        return None
    run_id = conn.execute(
        select(gate_decisions.c.run_id).where(gate_decisions.c.id == gate_id, gate_decisions.c.tenant_id == tenant_id)
    ).scalar()
    if run_id is None:
        return None
    return conn.execute(select(eval_runs).where(eval_runs.c.id == run_id)).first()


def _prompt_baseline(conn: Connection, tenant_id: str, suite: Suite, version: PromptVersion, label: str) -> Any:
    holder = conn.execute(
        select(prompt_labels.c.version_id).where(
            prompt_labels.c.prompt_id == version.prompt_id, prompt_labels.c.label == label
        )
    ).scalar_one_or_none()
    if holder is None or holder == version.id:
        return None
    gate_id = conn.execute(
        select(prompt_label_moves.c.gate_id)
        .where(
            prompt_label_moves.c.prompt_id == version.prompt_id,
            prompt_label_moves.c.label == label,
            prompt_label_moves.c.to_version_id == holder,
            prompt_label_moves.c.gate_id.is_not(None),
        )
        .order_by(prompt_label_moves.c.moved_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    run = _decision_run(conn, tenant_id, gate_id)
    if run is not None and run.dataset_id == suite.dataset_id:
        return run
    return find_run(conn, tenant_id, suite, prompt_version_id=holder)


def record_decision(conn: Connection, tenant_id: str, decision: GateDecision, approval: Approval) -> GateDecision:
    """Store the decision (the approval record) and append ``gate.passed``/``gate.failed``."""
    decision.id = new_id("gate")
    conn.execute(
        gate_decisions.insert().values(
            id=decision.id,
            tenant_id=tenant_id,
            subject_kind=approval.kind,
            subject=decision.subject[:300],
            subject_id=approval.subject_id,
            use_case_id=approval.use_case_id,
            author=approval.author,
            approver=approval.approver,
            run_id=decision.run_id,
            baseline_run_id=decision.baseline_run_id,
            passed=decision.passed,
            checks=[c.as_dict() for c in decision.checks],
            failures=decision.failures,
            created_at=utcnow(),
        )
    )
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=approval.approver,
        action="gate.passed" if decision.passed else "gate.failed",
        subject=decision.subject,
        event={
            "gate_id": decision.id,
            "kind": approval.kind,
            "subject_id": approval.subject_id,
            "author": approval.author,
            "approver": approval.approver,
            "code": None if decision.passed else decision.code,
            "run_id": decision.run_id,
            "baseline_run_id": decision.baseline_run_id,
            "failures": decision.failures,
            "checks": [c.as_dict() for c in decision.checks],
            **(approval.detail or {}),
        },
    )
    return decision


def _evaluate(
    subject: str,
    thresholds: Mapping[str, Mapping[str, float]],
    run: Any,
    baseline: Any,
    problems: list[str],
    code: str = "gate_failed",
) -> GateDecision:
    if not thresholds:
        problems.append("no thresholds: set them in the prompt version or with `charter eval suite set`")
    checks: list[Check] = []
    if run is not None:
        checks = check_thresholds(thresholds, run.aggregates or {}, None if baseline is None else baseline.aggregates)
    decision = GateDecision(
        subject=subject,
        passed=False,
        checks=checks,
        problems=problems,
        run_id=None if run is None else run.id,
        baseline_run_id=None if baseline is None else baseline.id,
        code=code,
    )
    decision.passed = not decision.failures
    return decision


def gate_prompt(conn: Connection, tenant_id: str, change: PromptChange, *, record: bool = True) -> GateDecision:
    """Decide whether the change's version may take its label; with ``record`` store the decision (and
    ledger it).

    The version's author is the requester: the approver must be another principal, and a suite the
    author wrote needs another principal's approval first. Without ``record`` (a read-only check)
    the approver is not judged."""
    version, label, approver, use_case, run_id = (
        change.version, change.label, change.approver, change.use_case, change.run_id
    )
    suite = get_suite(conn, tenant_id, use_case)
    problems, code = _two_person_problems(
        conn, tenant_id, suite, requester=version.author, approver=approver if record else None, role="author"
    )
    run = find_run(conn, tenant_id, suite, prompt_version_id=version.id, run_id=run_id)
    if run is None:
        which = f"run {run_id}" if run_id else "a finished run"
        problems.append(
            f"{which} of the {use_case} suite ({suite.dataset}@{suite.dataset_version}) over "
            f"{version.name}@{version.version} is needed: `charter eval run --use-case {use_case} "
            f"--prompt {version.name}@{version.version}`"
        )
    baseline = _prompt_baseline(conn, tenant_id, suite, version, label)
    thresholds = merge_thresholds(suite.thresholds, version.thresholds)
    subject = f"prompt:{version.name}@{version.version}->{label}"
    decision = _evaluate(subject, thresholds, run, baseline, problems, code)
    if record:
        approval = Approval("prompt", suite.use_case_id, version.author, approver, version.id)
        record_decision(conn, tenant_id, decision, approval)
    return decision


def production_prompt(conn: Connection, tenant_id: str, use_case: str) -> PromptVersion | None:
    charter = get_charter(conn, tenant_id, use_case)[2]
    if not charter.prompt:
        return None
    return get_version(conn, tenant_id, charter.prompt, label=charter.prompt_label)


def gate_model_change(conn: Connection, tenant_id: str, change: ModelChange, *, record: bool = True) -> GateDecision:
    """Decide whether the use case may switch its model to ``change.to_alias`` (MD-3): a finished suite
    run with that alias (and the production prompt) against the thresholds, approver ≠ requester, and a
    suite that is not the requester's unreviewed work. ``requested_by`` is an authenticated principal
    (the request's, :func:`charter.evals.approvals.approve_model_change`); ``request_id`` is stored as
    the decision's subject. Without ``record`` (a read-only check) the approver is not judged.

    Call it in a writer transaction; commit; then ``raise decision.error()`` if it did not pass."""
    use_case, to_alias = change.use_case, change.to_alias
    suite = get_suite(conn, tenant_id, use_case)
    charter = get_charter(conn, tenant_id, use_case)[2]
    from_alias = change.from_alias or charter.models[0]
    version = production_prompt(conn, tenant_id, use_case)
    pv_id = None if version is None else version.id
    problems, code = _two_person_problems(
        conn,
        tenant_id,
        suite,
        requester=change.requested_by,
        approver=change.approver if record else None,
        role="requester",
    )
    run = find_run(conn, tenant_id, suite, prompt_version_id=pv_id, model=to_alias, run_id=change.run_id)
    if run is None:
        problems.append(
            f"a finished run of the {use_case} suite with model {to_alias} is needed: "
            f"`charter eval run --use-case {use_case} --model {to_alias}`"
        )
    baseline = find_run(conn, tenant_id, suite, prompt_version_id=pv_id, model=from_alias)
    thresholds = merge_thresholds(suite.thresholds, version.thresholds if version else {})
    subject = f"use_case:{use_case}:model {from_alias}->{to_alias}"
    decision = _evaluate(subject, thresholds, run, baseline, problems, code)
    if record:
        approval = Approval("model", suite.use_case_id, change.requested_by, change.approver, change.request_id)
        record_decision(conn, tenant_id, decision, approval)
    return decision


def check_candidate(conn: Connection, tenant_id: str, candidate: Candidate) -> GateDecision:
    """Would ``candidate`` pass the gate? Read only: nothing moves, nothing is recorded, and there is
    no approver to judge (the CI check before asking for a promotion or a model change)."""
    if candidate.prompt:
        version = resolve(conn, tenant_id, candidate.prompt)
        prompt = PromptChange(version, candidate.label, candidate.use_case, approver="", run_id=candidate.run_id)
        return gate_prompt(conn, tenant_id, prompt, record=False)
    if candidate.model:
        change = ModelChange(candidate.use_case, candidate.model, requested_by="", approver="", run_id=candidate.run_id)
        return gate_model_change(conn, tenant_id, change, record=False)
    raise InvalidRequest("give the candidate: a prompt version (name@N) or a model alias", code="missing_field")

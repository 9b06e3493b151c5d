"""Experiments: a dataset over prompt x model variants, scored by evaluators, resumable.

:func:`start_experiment` creates one run per variant (status ``running``). :func:`execute` answers
and scores every item a run has not finished yet, ``concurrency`` at a time, and stores each result
the moment it is scored, so a killed process loses only the items in flight: running
:func:`execute` again on the same experiment finishes the rest without redoing anything. When every
item of a run is stored, its aggregates are computed from the stored results and it is ``finished``.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from sqlalchemy import Connection, select

from charter import ledger
from charter.domain import ChatMessage, GenerationParams
from charter.errors import CharterError, InvalidRequest, NotFound
from charter.evals.base import Answer, Case, Evaluator, Scored
from charter.evals.datasets import get_dataset, load_cases
from charter.evals.tables import eval_results, eval_runs
from charter.evals.targets import Target, TargetError
from charter.knowledge.state import build_embedder
from charter.policy.current import get_charter
from charter.prompts.stages import build_messages
from charter.prompts.versions import PromptVersion, get_version_by_id, resolve
from charter.runtime import Runtime
from charter.store.records import found_in, pick
from charter.store.schema import new_id, use_cases, utcnow

__all__ = [
    "ExperimentPlan",
    "Fanout",
    "ItemResult",
    "ProgressFn",
    "RunWork",
    "answer_item",
    "build_evaluators",
    "case_messages",
    "execute",
    "list_runs",
    "load_run",
    "run_scored",
    "start_experiment",
]

#: ``progress(run_id, done, total)`` after each stored item.
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ExperimentPlan:
    dataset: str
    models: tuple[str, ...]
    evaluators: list[dict[str, Any]]
    prompts: tuple[str | None, ...] = (None,)
    use_case: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0


@dataclass(frozen=True)
class RunWork:
    """What answering and scoring one run's items needs, as plain data: a :class:`Fanout` sends it to
    other processes (:mod:`charter.evals.fanout`), which build the evaluators from ``evaluators``."""

    tenant_id: str
    run_id: str
    model: str
    params: GenerationParams
    evaluators: tuple[dict[str, Any], ...]
    version: PromptVersion | None
    system_prompt: str
    use_case: str


@dataclass(frozen=True)
class ItemResult:
    """One item answered and scored; ``answer`` None: the target could not ask (``failure`` says why)
    and the item is left for a resume."""

    case: Case
    answer: Answer | None
    scores: dict[str, dict[str, float]]
    failure: str | None = None


class Fanout(Protocol):
    """Answers and scores a run's items outside this process (a Ray cluster: :mod:`charter.evals.fanout`);
    :func:`execute` stores what it yields, in the order it yields it, exactly as it stores its own."""

    def results(self, work: RunWork, cases: Sequence[Case]) -> AsyncIterator[ItemResult]: ...


def _system_prompt(conn: Connection, tenant_id: str, use_case: str | None) -> str:
    if not use_case:
        return ""

    return get_charter(conn, tenant_id, use_case)[2].system_prompt


def start_experiment(
    conn: Connection,
    tenant_id: str,
    plan: ExperimentPlan,
    *,
    actor: str,
    target: str,
    use_case_id: str | None = None,
) -> dict[str, Any]:
    """Create the runs of an experiment (one per prompt x model variant) inside a write transaction."""
    if not plan.models:
        raise InvalidRequest("an experiment needs at least one model", code="missing_field", param="models")
    ds = get_dataset(conn, tenant_id, plan.dataset)
    versions = [None if ref is None else resolve(conn, tenant_id, ref) for ref in plan.prompts or (None,)]
    experiment_id = new_id("exp")
    common = {
        "tenant_id": tenant_id,
        "experiment_id": experiment_id,
        "use_case_id": use_case_id,
        "dataset_id": ds.id,
        "target": target[:200],
        "evaluators": plan.evaluators,
        "params": plan.params,
        "seed": plan.seed,
        "status": "running",
        "item_count": ds.item_count,
        "done_count": 0,
        "started_by": actor,
        "started_at": utcnow(),
    }
    runs = []
    for version in versions:
        for model in plan.models:
            run_id = new_id("run")
            pv_id = None if version is None else version.id
            conn.execute(eval_runs.insert().values(id=run_id, prompt_version_id=pv_id, model=model, **common))
            label = None if version is None else f"{version.name}@{version.version}"
            runs.append({"run_id": run_id, "model": model, "prompt": label})
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="eval.experiment_started",
        subject=f"experiment:{experiment_id}",
        event={
            "dataset": f"{ds.name}@{ds.version}",
            "dataset_id": ds.id,
            "runs": runs,
            "evaluators": plan.evaluators,
            "seed": plan.seed,
            "target": target[:200],
        },
    )
    return {"experiment_id": experiment_id, "dataset": f"{ds.name}@{ds.version}", "runs": runs}


def build_evaluators(
    rt: Runtime, specs: Sequence[Mapping[str, Any]], target: Target | None, *, tenant_id: str
) -> dict[str, Evaluator]:
    """Evaluators from ``[{name, options}]``; a judge gets the target, ``embedder: NAME`` the embedder
    (built for ``tenant_id``: its endpoint and secret pass the egress checks)."""
    out: dict[str, Evaluator] = {}
    for spec in specs:
        name = str(spec["name"])
        if name not in rt.extensions.names("evaluators"):
            known = ", ".join(rt.extensions.names("evaluators"))
            raise InvalidRequest(
                f"no evaluator named {name!r} (registered: {known})", code="invalid_value", param="evaluators"
            )
        factory = rt.extensions.get("evaluators", name)
        options = dict(spec.get("options") or {})
        accepted = inspect.signature(factory).parameters
        if "target" in accepted and "model" in options and target is not None:
            options["target"] = target
        if "embedder" in accepted and isinstance(options.get("embedder"), str):
            if options["embedder"] not in rt.extensions.names("embedders"):
                raise InvalidRequest(
                    f"no embedder named {options['embedder']!r} is registered (known: "
                    f"{', '.join(rt.extensions.names('embedders')) or 'none'})",
                    code="invalid_value",
                )
            embedder_options = options.pop("embedder_options", None) or {}
            if not isinstance(embedder_options, dict):
                raise InvalidRequest("embedder_options is a mapping", code="invalid_value", param="evaluators")
            options["embedder"] = build_embedder(rt, options["embedder"], embedder_options, tenant_id=tenant_id)
        try:
            out[name] = factory(**options)
        except (TypeError, ValueError, re.error) as exc:
            raise InvalidRequest(f"evaluator {name!r}: {exc}", code="invalid_value", param="evaluators") from None
    return out


def case_messages(case: Case, version: PromptVersion | None, system_prompt: str, use_case: str) -> list[ChatMessage]:
    if isinstance(case.input, str):
        conversation = [ChatMessage(role="user", content=case.input)]
    else:
        conversation = [ChatMessage(role=m["role"], content=m["content"]) for m in case.input]
    return build_messages(
        version=version,
        system_prompt=system_prompt,
        messages=conversation,
        variables=case.variables,
        context=[{"text": c} for c in case.context],
        use_case=use_case,
    )


def _params(run: Any, version: PromptVersion | None) -> GenerationParams:
    merged = {**(version.model_params if version else {}), **run.params}
    return GenerationParams(
        max_tokens=merged.get("max_tokens"),
        temperature=merged.get("temperature"),
        top_p=merged.get("top_p"),
        stop=merged.get("stop"),
        seed=run.seed,
    )


async def _answer(target: Target, work: RunWork, case: Case) -> Answer:
    try:
        messages = case_messages(case, work.version, work.system_prompt, work.use_case)
    except CharterError as exc:  # the prompt version cannot render this item: a failure of the version
        return Answer(text="", error=exc.code)
    return await target.generate(work.model, messages, work.params)


async def _score(evaluators: Mapping[str, Evaluator], case: Case, answer: Answer) -> dict[str, dict[str, float]]:
    scores: dict[str, dict[str, float]] = {}
    for name, evaluator in evaluators.items():
        values = await evaluator.score(case, answer)
        scores[name] = {k: float(v) for k, v in values.items() if not math.isnan(float(v))}
    return scores


async def answer_item(target: Target, evaluators: Mapping[str, Evaluator], work: RunWork, case: Case) -> ItemResult:
    """Answer one item and score the answer: the one code path of this process and of every fan-out worker."""
    try:
        answer = await _answer(target, work, case)
    except TargetError as exc:
        return ItemResult(case, None, {}, str(exc))
    return ItemResult(case, answer, await _score(evaluators, case, answer))


#: The column of ``eval_results`` that holds each field of an :class:`Answer` (its text is ``output``):
#: what a run writes (:func:`_store`) and reads back (:func:`run_scored`).
_ANSWER_COLUMNS = {f.name: "output" if f.name == "text" else f.name for f in fields(Answer)}


def _answer_values(answer: Answer) -> dict[str, Any]:
    return {column: getattr(answer, name) for name, column in _ANSWER_COLUMNS.items()}


def _answer_of(row: Any) -> Answer:
    return Answer(**{name: getattr(row, column) for name, column in _ANSWER_COLUMNS.items()})


def _store(
    tenant_id: str, run_id: str, case: Case, answer: Answer, scores: dict[str, dict[str, float]]
) -> Callable[[Connection], int]:
    def write(conn: Connection) -> int:
        conn.execute(
            eval_results.insert().values(
                run_id=run_id, item_id=case.id, tenant_id=tenant_id, **_answer_values(answer), scores=scores,
                created_at=utcnow(),
            )
        )
        conn.execute(eval_runs.update().where(eval_runs.c.id == run_id).values(done_count=eval_runs.c.done_count + 1))
        return int(conn.execute(select(eval_runs.c.done_count).where(eval_runs.c.id == run_id)).scalar_one())

    return write


def load_run(conn: Connection, tenant_id: str, run_id: str) -> Any:
    return found_in(conn, eval_runs, tenant_id,
                    f"evaluation run {run_id!r} not found; list runs with `charter eval runs`", id=run_id)


def _runs_of(conn: Connection, tenant_id: str, experiment_or_run: str) -> list[Any]:
    rows = conn.execute(
        select(eval_runs)
        .where(
            eval_runs.c.tenant_id == tenant_id,
            (eval_runs.c.experiment_id == experiment_or_run) | (eval_runs.c.id == experiment_or_run),
        )
        .order_by(eval_runs.c.started_at, eval_runs.c.id)
    ).all()
    if not rows:
        raise NotFound(f"no experiment or run {experiment_or_run!r}; list runs with `charter eval runs`")
    return list(rows)


def run_scored(conn: Connection, tenant_id: str, run_id: str) -> list[tuple[Case, Answer, dict[str, dict[str, float]]]]:
    """The stored results of a run, with their items, in item order."""
    run = load_run(conn, tenant_id, run_id)
    cases = {c.id: c for c in load_cases(conn, tenant_id, run.dataset_id)}
    rows = conn.execute(
        select(eval_results).where(eval_results.c.run_id == run_id, eval_results.c.tenant_id == tenant_id)
    ).all()
    out = [(cases[r.item_id], _answer_of(r), dict(r.scores)) for r in rows]
    return sorted(out, key=lambda t: t[0].idx)


def _aggregate(
    evaluators: Mapping[str, Evaluator], stored: Sequence[tuple[Case, Answer, dict[str, Any]]]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, evaluator in evaluators.items():
        rows = [Scored(case, answer, scores.get(name, {})) for case, answer, scores in stored]
        for metric, value in evaluator.aggregate(rows).items():
            if not math.isnan(value):
                out[metric] = float(value)
    return out


def _finish(
    rt: Runtime, tenant_id: str, run_id: str, evaluators: Mapping[str, Evaluator], actor: str
) -> dict[str, Any]:
    with rt.engine.connect() as conn:
        stored = run_scored(conn, tenant_id, run_id)
        run = load_run(conn, tenant_id, run_id)
    aggregates = _aggregate(evaluators, stored)
    complete = len(stored) >= run.item_count
    status = "finished" if complete else "incomplete"

    def write(conn: Connection) -> None:
        conn.execute(
            eval_runs.update()
            .where(eval_runs.c.id == run_id)
            .values(
                status=status,
                aggregates=aggregates,
                done_count=len(stored),
                finished_at=utcnow() if complete else None,
            )
        )
        if complete:
            ledger.append(
                conn,
                tenant_id=tenant_id,
                actor=actor,
                action="eval.run_finished",
                subject=f"run:{run_id}",
                event={
                    "experiment_id": run.experiment_id,
                    "model": run.model,
                    "prompt_version_id": run.prompt_version_id,
                    "items": len(stored),
                    "aggregates": aggregates,
                },
            )

    rt.writer.write(write)
    return {
        "run_id": run_id,
        "status": status,
        "done": len(stored),
        "items": run.item_count,
        "aggregates": aggregates,
    }


async def _run_one(
    rt: Runtime,
    tenant_id: str,
    run: Any,
    target: Target,
    sem: asyncio.Semaphore,
    on_item: ProgressFn | None,
    actor: str,
    fanout: Fanout | None = None,
) -> dict[str, Any]:
    def prepare() -> tuple[list[Case], set[str], PromptVersion | None, str, str]:
        with rt.engine.connect() as conn:
            cases = load_cases(conn, tenant_id, run.dataset_id)
            done = set(conn.execute(select(eval_results.c.item_id).where(eval_results.c.run_id == run.id)).scalars())
            version = get_version_by_id(conn, tenant_id, run.prompt_version_id) if run.prompt_version_id else None
            uc = _use_case_name(conn, run.use_case_id)
            return cases, done, version, _system_prompt(conn, tenant_id, uc), uc or ""

    cases, done, version, system_prompt, uc = await asyncio.to_thread(prepare)
    evaluators = build_evaluators(rt, run.evaluators, target, tenant_id=tenant_id)
    work = RunWork(
        tenant_id, run.id, run.model, _params(run, version), tuple(run.evaluators), version, system_prompt, uc
    )
    pending = [c for c in cases if c.id not in done]
    failures: list[str] = []

    async def keep(result: ItemResult) -> None:
        if result.answer is None:
            failures.append(result.failure or "the target could not answer")
            return
        count = await rt.writer.awrite(_store(tenant_id, run.id, result.case, result.answer, result.scores))
        if on_item is not None:
            on_item(run.id, count, run.item_count)

    async def item(case: Case) -> None:
        async with sem:
            await keep(await answer_item(target, evaluators, work, case))

    if fanout is None:
        await asyncio.gather(*(item(c) for c in pending))
    else:
        async for result in fanout.results(work, pending):
            await keep(result)
    summary = await asyncio.to_thread(_finish, rt, tenant_id, run.id, evaluators, actor)
    return {
        **summary,
        "model": run.model,
        "prompt_version_id": run.prompt_version_id,
        "failures": failures[:5],
    }


def _use_case_name(conn: Connection, use_case_id: str | None) -> str | None:
    if use_case_id is None:
        return None

    return conn.execute(select(use_cases.c.name).where(use_cases.c.id == use_case_id)).scalar_one_or_none()


async def execute(
    rt: Runtime,
    tenant_id: str,
    experiment_or_run: str,
    target: Target,
    *,
    concurrency: int = 4,
    on_item: ProgressFn | None = None,
    actor: str = "system",
    fanout: Fanout | None = None,
) -> list[dict[str, Any]]:
    """Answer and score every unfinished item of an experiment's runs (or of one run): also resumes.
    With ``fanout`` the items are answered and scored there (a Ray cluster), and stored here as they
    come back; the stored results are the same as without it."""
    with rt.engine.connect() as conn:
        runs = [r for r in _runs_of(conn, tenant_id, experiment_or_run) if r.status != "finished"]
    sem = asyncio.Semaphore(max(1, concurrency))
    return list(
        await asyncio.gather(*(_run_one(rt, tenant_id, run, target, sem, on_item, actor, fanout) for run in runs))
    )


def list_runs(
    conn: Connection, tenant_id: str, *, limit: int = 50, experiment: str | None = None
) -> list[dict[str, Any]]:
    query = select(eval_runs).where(eval_runs.c.tenant_id == tenant_id)
    if experiment:
        query = query.where(eval_runs.c.experiment_id == experiment)
    rows = conn.execute(query.order_by(eval_runs.c.started_at.desc()).limit(limit)).all()
    return [run_dict(r) for r in rows]


def run_dict(r: Any) -> dict[str, Any]:
    return {
        "run_id": r.id,
        **pick(r, "experiment_id", "model", "prompt_version_id", "dataset_id", "status"),
        "done": r.done_count,
        "items": r.item_count,
        **pick(r, "seed", "target"),
        "aggregates": r.aggregates or {},
        "started_at": r.started_at.isoformat(),
        "started_by": r.started_by,
        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
    }

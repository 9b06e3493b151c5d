"""A workflow definition: YAML parsed into typed steps, checked as a whole, errors naming the step
and the line (``400 workflow_invalid``). See docs/workflows.md for the format."""

from __future__ import annotations

import hashlib
from typing import Any, Literal

import yaml
from jinja2 import TemplateSyntaxError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from charter.errors import InvalidRequest
from charter.workflows.templates import check_expression, check_template

__all__ = ["END", "Approval", "Branch", "Budget", "ModelCall", "Step", "Workflow", "parse_workflow"]

#: ``next: end`` (or ``goto: end``) finishes the run.
END = "end"
_ID = r"^[a-z][a-z0-9_]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Budget(_Strict):
    max_steps: int = Field(default=200, ge=1, le=100_000, description="Steps executed in one run.")
    max_tokens: int | None = Field(default=None, ge=1, description="Model tokens used by one run.")
    max_seconds: float | None = Field(default=None, gt=0, description=(
        "The longest the engine works on a run at one go (from a start, a person's decision or a resume to "
        "the next wait); time waiting for a person does not count."))


class ModelCall(_Strict):
    """A governed model call: through the gateway pipeline, under a use case's charter (its prompt,
    guards, review rule and records)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    use_case: str | None = None
    message: str = Field(min_length=1)
    variables: dict[str, Any] = Field(default_factory=dict)
    output: Literal["text", "json"] = "text"
    schema_: dict[str, Any] | None = Field(
        default=None, alias="schema",
        description="With output json: the JSON schema the answer must follow (sent as response_format "
        "json_schema, and checked: an answer that fails it fails the step, invalid_json).")
    json_mode: Literal["schema", "object"] = Field(default="schema", description=(
        "With output json and a schema: `schema` sends it as response_format json_schema (the model is held "
        "to it where the server can); `object` sends plain JSON mode (json_object), for OpenAI-compatible "
        "servers that refuse json_schema (llama-cpp-python's server). Either way the engine checks the "
        "answer against the schema."))
    max_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    tools: list[str] = Field(default_factory=list, description="Connectors offered to the model as tools.")
    max_tool_rounds: int = Field(default=3, ge=1, le=10)


class Branch(_Strict):
    when: str | None = None
    goto: str


class Approval(_Strict):
    """A person decides. ``mode: each``: this run waits for its own decision; ``mode: batch``: the
    run waits for the sign-off of its batch (a run outside a batch waits for its own decision)."""

    mode: Literal["each", "batch"] = "each"
    message: str = ""
    on_reject: str | None = None


class Step(_Strict):
    id: str = Field(pattern=_ID)
    model: ModelCall | None = None
    connector: str | None = None
    arguments: dict[str, Any] = Field(default_factory=dict)
    branch: list[Branch] | None = None
    approval: Approval | None = None
    next: str | None = None
    max_visits: int = Field(default=1, ge=1, le=1000, description="A loop's bound: visits of this step in one run.")
    consequential: bool = False
    idempotent: bool | None = None
    timeout_s: float | None = Field(default=None, gt=0, le=3600)

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [k for k in ("model", "connector", "branch", "approval") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a step is exactly one of model, connector, branch or approval")
        if self.branch is not None and self.next is not None:
            raise ValueError("a branch step chooses its next step with goto; it has no next")
        if self.arguments and self.connector is None:
            raise ValueError("arguments belong to a connector step")
        return self

    @property
    def kind(self) -> str:
        for k in ("model", "connector", "branch", "approval"):
            if getattr(self, k) is not None:
                return k
        raise AssertionError("unreachable")


class Workflow(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,63}$")
    tenant: str
    use_case: str = Field(description="The use case model steps run under (unless a step names another).")
    description: str = ""
    inputs: dict[str, Any] | None = Field(default=None, description="JSON schema of a run's input.")
    budget: Budget = Field(default_factory=Budget)
    output: dict[str, Any] = Field(default_factory=dict, description="What a finished run reports (templated).")
    steps: list[Step] = Field(min_length=1)

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def after(self, step: Step) -> str:
        """The step that follows ``step`` when it names none (``end`` after the last)."""
        if step.next is not None:
            return step.next
        index = self.steps.index(step)
        return self.steps[index + 1].id if index + 1 < len(self.steps) else END


def _lines(source: str) -> dict[tuple[Any, ...], int]:
    """1-based line of each mapping key and sequence item, by path (for error messages)."""
    found: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        found.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found[(*path, key.value)] = key.start_mark.line + 1
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    try:
        root = yaml.compose(source)
    except yaml.YAMLError:
        return found
    if root is not None:
        walk(root, ())
    return found


def _invalid(message: str, param: str | None = None) -> InvalidRequest:
    return InvalidRequest(f"{message} (docs/workflows.md)", code="workflow_invalid", param=param)


def _where(data: Any, lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> str:
    """"step 'check' (line 12)" or "line 3" for an error at ``loc``."""
    line = None
    for end in range(len(loc), -1, -1):
        line = lines.get(tuple(loc[:end]))
        if line is not None:
            break
    step = ""
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = data.get("steps") if isinstance(data, dict) else None
        item = steps[loc[1]] if isinstance(steps, list) and loc[1] < len(steps) else None
        step_id = item.get("id") if isinstance(item, dict) else None
        step = f"step {step_id!r}" if step_id else f"step #{loc[1] + 1}"
    place = f"line {line}" if line else ""
    return ", ".join(p for p in (step, place) if p) or "the workflow"


def parse_workflow(source: str) -> tuple[Workflow, str]:
    """(workflow, sha256 of the source); ``400 workflow_invalid`` naming the step and line."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise _invalid(f"the workflow YAML does not parse{line}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise _invalid("a workflow is a YAML mapping with name, tenant, use_case and steps")
    lines = _lines(source)
    try:
        workflow = Workflow.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc)
        raise _invalid(f"{_where(data, lines, loc)}: {field}: {first['msg']}", param=field) from None
    _check_graph(workflow, data, lines)
    return workflow, hashlib.sha256(source.encode()).hexdigest()


def _check_graph(wf: Workflow, data: Any, lines: dict[tuple[Any, ...], int]) -> None:
    ids = [s.id for s in wf.steps]
    for i, step in enumerate(wf.steps):
        where = _where(data, lines, ("steps", i))
        if ids.count(step.id) > 1:
            raise _invalid(f"{where}: two steps have the id {step.id!r}", param=f"steps.{i}.id")
        targets = [step.next] if step.next else []
        targets += [b.goto for b in step.branch or ()]
        if step.approval is not None and step.approval.on_reject:
            targets.append(step.approval.on_reject)
        for target in targets:
            if target != END and target not in ids:
                raise _invalid(f"{where}: goes to {target!r}, which is not a step of this workflow",
                               param=f"steps.{i}")
        if step.branch is not None:
            if not step.branch or step.branch[-1].when is not None:
                raise _invalid(f"{where}: a branch ends with an entry without `when` (where to go otherwise)",
                               param=f"steps.{i}.branch")
            if any(b.when is None for b in step.branch[:-1]):
                raise _invalid(f"{where}: only the last branch entry may leave out `when`", param=f"steps.{i}.branch")
        try:
            for b in step.branch or ():
                if b.when is not None:
                    check_expression(b.when)
            for text in _templates(step):
                check_template(text)
        except TemplateSyntaxError as exc:
            raise _invalid(f"{where}: a template does not parse: {exc.message}", param=f"steps.{i}") from None


def _templates(step: Step) -> list[str]:
    out: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    collect(step.arguments)
    if step.model is not None:
        collect(step.model.message)
        collect(step.model.variables)
    if step.approval is not None:
        collect(step.approval.message)
    return out

"""Workflow fixtures: the platform of tests/conftest.py with two plugin connectors (a record lookup
that only reads, and a letter sender that is consequential and not idempotent) and a scripted model
that decides from the question."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from charter.api.deps import key_cache
from charter.connectors import CallContext, ConnectorSpec, callable_connector, connectors_of
from charter.domain import Principal
from charter.runtime import Runtime
from tests.conftest import Platform

RECORD_SCHEMA = {"type": "object", "properties": {"case": {"type": "string"}}, "required": ["case"],
                 "additionalProperties": False}
LETTER_SCHEMA = {"type": "object", "properties": {"case": {"type": "string"}, "decision": {"type": "string"}},
                 "required": ["case", "decision"], "additionalProperties": False}


class Crash(BaseException):
    """Stands for the process dying inside a step (not an error the engine could catch)."""


@dataclass
class Office:
    """What the connectors did, and switches to make them crash."""

    letters: list[dict[str, Any]] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    crash_letters: int = 0
    crash_lookups: int = 0

    async def lookup(self, arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
        self.lookups.append(arguments["case"])
        if self.crash_lookups:
            self.crash_lookups -= 1
            raise Crash()
        return {"case": arguments["case"], "income": 1000 if arguments["case"].startswith("ok") else 99_000}

    async def send(self, arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
        self.letters.append(dict(arguments))
        if self.crash_letters:
            self.crash_letters -= 1
            raise Crash()
        return {"sent": True, "letter": f"L-{len(self.letters)}"}


def install(rt: Runtime, office: Office) -> None:
    """Register the two kinds (as a plugin would) and declare them for the agency (as the file would)."""
    kinds = rt.extensions.items["connectors"]
    kinds["records"] = callable_connector(office.lookup, consequential=False, idempotent=True,
                                          parameters=RECORD_SCHEMA, description="Looks up a case record.")
    kinds["letters"] = callable_connector(office.send, consequential=True, idempotent=False,
                                          parameters=LETTER_SCHEMA, description="Sends the decision letter.")
    registry = connectors_of(rt)
    registry.add(ConnectorSpec(name="case_records", kind="records", tenants=["agency"]))
    registry.add(ConnectorSpec(name="letters", kind="letters", tenants=["agency"]))


def decide(body: dict[str, Any]) -> str:
    """The scripted model: deny when the record shows a high income."""
    text = body["messages"][-1]["content"]
    income = int(re.search(r'"income": ?(\d+)', text).group(1)) if '"income"' in text else 0  # type: ignore[union-attr]
    return json.dumps({"decision": "deny" if income > 50_000 else "approve", "reason": "income rule"})


WORKFLOW = """\
name: refund-check
tenant: agency
use_case: tax-helpdesk
description: Checks a refund case, routes denials to a person, sends the letter.
inputs: {type: object, required: [case], properties: {case: {type: string}}}
budget: {max_steps: 20}
output:
  decision: "{{ steps.decide.output.decision }}"
  letter: "{{ steps.send.output.letter }}"
steps:
  - id: lookup
    connector: case_records
    arguments: {case: "{{ input.case }}"}
  - id: decide
    model:
      message: "Decide case {{ input.case }}. Record: {{ steps.lookup.output | tojson }}"
      output: json
  - id: route
    branch:
      - when: "steps.decide.output.decision == 'deny'"
        goto: planner
      - goto: signoff
  - id: planner
    approval: {mode: each, message: "A denial: a planner decides."}
    next: send
  - id: signoff
    approval: {mode: batch}
  - id: send
    connector: letters
    arguments: {case: "{{ input.case }}", decision: "{{ steps.decide.output.decision }}"}
"""


@dataclass
class Desk:
    platform: Platform
    office: Office

    @property
    def rt(self) -> Runtime:
        return self.platform.rt

    def principal(self, role: str) -> Principal:
        return key_cache(self.rt).authenticate(self.platform.keys[role])

    def run(self, coro: Any) -> Any:
        return asyncio.run(coro)


@pytest.fixture
def desk(platform: Platform) -> Desk:
    office = Office()
    install(platform.rt, office)
    platform.upstream.script = decide
    return Desk(platform, office)

"""The example's letter office as a Charter plugin: a Python callable registered as the connector kind
``permit_letters`` (consequential: it sends a letter; not idempotent: never sent twice by the engine).

Install as an entry point in the ``charter`` group (``permit_letters = "plugin"``), or register it in
process as the tests do. It writes each letter to ``letters.jsonl`` beside this file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from charter.connectors import CallContext, callable_connector
from charter.hookspecs import Register, hookimpl

OUTBOX = Path(__file__).parent / "letters.jsonl"
PARAMETERS = {
    "type": "object",
    "properties": {"application_id": {"type": "string"}, "decision": {"enum": ["approve", "deny"]},
                   "letter": {"type": "string", "minLength": 1}},
    "required": ["application_id", "decision", "letter"],
    "additionalProperties": False,
}


def send_letter(arguments: dict[str, Any], context: CallContext) -> dict[str, Any]:
    """Sends the decision letter to the applicant."""
    letter_id = f"LTR-{arguments['application_id']}-{context.run_id[-6:]}"
    with OUTBOX.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"letter_id": letter_id, "run": context.run_id, **arguments}) + "\n")
    return {"letter_id": letter_id}


@hookimpl
def register_connectors(register: Register) -> None:
    register("permit_letters", callable_connector(send_letter, consequential=True, idempotent=False,
                                                  parameters=PARAMETERS))

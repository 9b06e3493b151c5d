"""A JSONL line, an item's ``variables`` and a prompt file must each be a mapping; the 400
(``invalid_value``) names where the value was read from (:func:`charter.prompts.spec.require_mapping`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from charter.errors import InvalidRequest
from charter.evals.datasets import parse_items
from charter.prompts.spec import parse_prompt_file


@pytest.mark.parametrize(
    "read,message",
    [
        (lambda: parse_items('{"input": "ok"}\n[1, 2]\n', fmt="jsonl"), "line 2 must be a JSON object"),
        (
            lambda: parse_items('{"input": "ok", "variables": [1]}\n', fmt="jsonl"),
            "item 1: `variables` must be an object",
        ),
        (lambda: parse_items('input,variables\nok,"[1]"\n', fmt="csv"), "item 2: `variables` must be an object"),
        (
            lambda: parse_prompt_file("- a\n- b\n", filename="p.yaml"),
            "p.yaml must be a mapping with at least `name` and `template`",
        ),
    ],
)
def test_a_value_that_is_not_a_mapping_is_refused_where_it_was_read(read: Callable[[], Any], message: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        read()
    assert str(refused.value) == message
    assert refused.value.code == "invalid_value"


def test_a_mapping_passes() -> None:
    items = parse_items('{"input": "ok", "variables": {"a": 1}}\n', fmt="jsonl")
    assert items[0]["variables"] == {"a": 1}

"""The gateway runs its capabilities' stages by importing them: a missing or misnamed stage stops
start-up instead of turning into a silently skipped safety step (../shared/STYLE.md)."""

from __future__ import annotations

import subprocess
import sys

from charter.gateway import pipeline
from charter.guards import stages as guards
from charter.knowledge import stages as knowledge
from charter.oversight import stages as oversight
from charter.prompts import stages as prompts


def test_the_pipeline_calls_each_capabilitys_own_stage_function() -> None:
    assert (
        pipeline.screen_input,
        pipeline.ground,
        pipeline.compose,
        pipeline.screen_output,
        pipeline.screen_output_stream,
        pipeline.oversee,
        pipeline.must_hold_before_release,
        pipeline.held_response_body,
    ) == (
        guards.screen_input,
        knowledge.ground,
        prompts.compose,
        guards.screen_output,
        guards.screen_output_stream,
        oversight.oversee,
        oversight.must_hold_before_release,
        oversight.held_response_body,
    )


def test_the_app_does_not_start_when_the_guards_stage_module_is_missing() -> None:
    # Before: a missing guards capability became a pass-through stage recording "skip".
    code = "import sys; sys.modules['charter.guards.stages'] = None; import charter.api.app"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "ModuleNotFoundError: import of charter.guards.stages halted" in result.stderr, result.stderr[-2000:]

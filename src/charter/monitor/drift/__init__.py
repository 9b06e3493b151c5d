"""Production drift and bias detection (ME-2, ME-4): per use case, a recent window of interactions
compared with a baseline window by statistical tests (lengths, language mix, refusal and guard-hit
rates, grounding scores, feedback and appeal rates, expert scores, input embeddings), overall and
per language and charter-named ``metadata`` segment, with false alarms controlled across all tests.

:func:`latest_findings` is the seam alert rules read; :func:`check_all` is the ``drift.check`` job.
See docs/operations.md, Monitoring, Production drift and bias."""

from charter.monitor.drift.findings import Finding, finding_json, latest_findings, latest_run
from charter.monitor.drift.run import ACTION, RunResult, check_all, check_use_case, drift_report, windows

__all__ = [
    "ACTION",
    "Finding",
    "RunResult",
    "check_all",
    "check_use_case",
    "drift_report",
    "finding_json",
    "latest_findings",
    "latest_run",
    "windows",
]

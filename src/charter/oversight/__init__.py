"""Human oversight: review queues, expert sampling, feedback and appeals, kill switch and
auto-suspend, the incident register and oversight metrics (HO-1..HO-7, ME-3, ME-6, AT-6).

The gateway calls :func:`oversee` (stage) and :func:`held_response_body`; the scheduler runs
:func:`sweep` (job ``oversight.sweep``). Every other function runs inside a writer
transaction (``rt.writer.write(lambda conn: ...)``) and records what it changes in the ledger."""

from charter.oversight.decisions import approve, edit, reject
from charter.oversight.feedback import Feedback, submit_feedback, training_corrections
from charter.oversight.incidents import (
    IncidentReport,
    close_incident,
    get_incident,
    list_incidents,
    open_incident,
    update_incident,
)
from charter.oversight.metrics import oversight_metrics
from charter.oversight.queue import AUTOMATION_BIAS_NOTICE, claim, claim_next, let_go, list_items, show_item
from charter.oversight.responses import held_response_body
from charter.oversight.rules import decide
from charter.oversight.scoring import claim_next_sample, score_sample, scores_dataset, show_sample
from charter.oversight.sla import escalate_overdue, sweep
from charter.oversight.stages import oversee
from charter.oversight.status import requester_view
from charter.oversight.suspend import evaluate_all, list_suspensions, resume

__all__ = [
    "AUTOMATION_BIAS_NOTICE",
    "Feedback",
    "IncidentReport",
    "approve",
    "claim",
    "claim_next",
    "claim_next_sample",
    "close_incident",
    "decide",
    "edit",
    "escalate_overdue",
    "evaluate_all",
    "get_incident",
    "held_response_body",
    "let_go",
    "list_incidents",
    "list_items",
    "list_suspensions",
    "open_incident",
    "oversee",
    "oversight_metrics",
    "reject",
    "requester_view",
    "resume",
    "score_sample",
    "scores_dataset",
    "show_item",
    "show_sample",
    "submit_feedback",
    "sweep",
    "training_corrections",
    "update_incident",
]

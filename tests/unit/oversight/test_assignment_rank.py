"""Which held answers "take the next item" offers a reviewer first (charter.oversight.assignment)."""

from __future__ import annotations

from charter.oversight.assignment import Assignee, Board
from charter.oversight.scoring import LABEL_SCORES, label_counts


def _board() -> Board:
    board = Board()
    board.teams["tea_1"] = "night"
    board.members["tea_1"] |= {"key_ann", "key_bob"}
    board.by_use_case["uc_tax"] = {Assignee("team", "tea_1")}
    board.by_review["rev_9"] = {Assignee("reviewer", "key_cy")}
    return board


def test_ho1_assigned_work_comes_first_others_only_once_overdue() -> None:
    board = _board()
    assert board.rank("key_ann", "rev_1", "uc_tax", overdue=False) == 1  # through the team
    assert board.rank("key_cy", "rev_1", "uc_tax", overdue=False) is None  # the team's, within its SLA
    assert board.rank("key_cy", "rev_1", "uc_tax", overdue=True) == 3  # overdue: anyone
    assert board.rank("key_cy", "rev_2", "uc_other", overdue=False) == 2  # assigned to nobody


def test_ho1_an_items_own_assignment_replaces_its_use_cases() -> None:
    board = _board()
    assert board.rank("key_cy", "rev_9", "uc_tax", overdue=False) == 1
    assert board.rank("key_ann", "rev_9", "uc_tax", overdue=False) is None
    assert board.label(board.assignees("rev_9", "uc_tax"), "key_cy") == "you"
    assert board.label(board.assignees("rev_1", "uc_tax"), "key_bob") == "team night (yours)"
    assert board.label(board.assignees("rev_2", "uc_other"), "key_bob") == "—"


def test_me3_labels_count_as_accuracy() -> None:
    assert LABEL_SCORES == {"correct": 1.0, "unsupported": 0.5, "wrong": 0.0, "harmful": 0.0}
    assert label_counts(["correct", "harmful", "harmful"]) == {"correct": 1, "unsupported": 0, "wrong": 0,
                                                               "harmful": 2}
    assert label_counts(None) == {}

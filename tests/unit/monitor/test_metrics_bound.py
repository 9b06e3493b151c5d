"""The label-bounding rule: the first N distinct values of a label are kept, later ones are ``other``."""

from __future__ import annotations

import os
import threading

from charter.monitor.metrics import MULTIPROC_ENV, OTHER, LabelBound, prepare_multiprocess_dir


def test_label_keeps_first_values_and_folds_the_rest_into_other():
    bound = LabelBound(2)
    assert [bound("use_case", v) for v in ("a", "b", "c", "a", "d", "b")] == ["a", "b", OTHER, "a", OTHER, "b"]


def test_each_label_has_its_own_limit():
    bound = LabelBound(1)
    assert bound("tenant", "x") == "x"
    assert bound("model", "y") == "y"
    assert bound("tenant", "z") == OTHER and bound("model", "z") == OTHER


def test_bound_holds_under_concurrent_first_sightings():
    bound = LabelBound(10)
    seen: list[str] = []

    def worker(start: int) -> None:
        seen.extend(bound("use_case", f"uc-{i}") for i in range(start, start + 50))

    threads = [threading.Thread(target=worker, args=(i * 50,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({v for v in seen if v != OTHER}) == 10


def test_multiprocess_dir_is_emptied_owner_only_and_named_for_the_workers(tmp_path, monkeypatch):
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    stale = tmp_path / "metrics-multiproc"
    stale.mkdir(mode=0o755)
    (stale / "counter_123.db").write_bytes(b"old")
    path = prepare_multiprocess_dir(tmp_path)
    assert path == stale and list(path.iterdir()) == []
    assert path.stat().st_mode & 0o777 == 0o700
    assert os.environ[MULTIPROC_ENV] == str(path)

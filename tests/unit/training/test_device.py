"""Which device a fine-tune runs on (issue 17 item 2): the GPU when torch sees one and the config
says ``auto``, the CPU otherwise; ``cuda`` asked for on a machine without one is refused before any
work, not trained on the CPU and billed as GPU hours."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.training.finetune import TrainingConfig, select_device, train


@pytest.mark.parametrize(("requested", "cuda", "expected"), [
    ("auto", True, "cuda"), ("auto", False, "cpu"), ("cpu", True, "cpu"), ("cpu", False, "cpu"),
    ("cuda", True, "cuda"),
])
def test_the_device_follows_the_request_and_what_torch_sees(requested: str, cuda: bool, expected: str) -> None:
    assert select_device(requested, cuda) == expected


def test_cuda_without_a_gpu_is_refused() -> None:
    with pytest.raises(ValueError, match="torch sees no GPU"):
        select_device("cuda", False)


def _config(tmp_path: Path, device: str) -> TrainingConfig:
    return TrainingConfig(base_gguf=tmp_path / "missing.gguf", data=tmp_path / "missing.jsonl",
                          output_dir=tmp_path / "out", cache_dir=tmp_path / "cache", device=device)  # type: ignore[arg-type]


def test_a_run_asks_torch_and_picks_the_gpu_when_it_sees_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    torch = pytest.importorskip("torch", reason="the training extra is not installed")
    from charter.training import finetune

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert finetune._device(_config(tmp_path, "auto")) == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert finetune._device(_config(tmp_path, "auto")) == "cpu"
    # a run asking for a GPU that is not there stops before it converts or trains anything
    with pytest.raises(ValueError, match="torch sees no GPU"):
        train(_config(tmp_path, "cuda"))
    assert not (tmp_path / "cache").exists()

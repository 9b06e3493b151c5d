"""Training: datasets built from reviewed answers and appeal corrections (DP-7, docs/learning.md)."""

from charter.training.datasets import BuildRequest, build_dataset, export_dataset, get_dataset, list_datasets
from charter.training.erasure import erase_examples, expire_examples

__all__ = [
    "BuildRequest", "build_dataset", "erase_examples", "expire_examples", "export_dataset", "get_dataset",
    "list_datasets",
]

"""Knowledge bases: ingestion, immutable versions with lineage, hybrid retrieval, citations and
the grounding check. See docs/knowledge.md."""

from charter.knowledge.grounding import GroundingGuard, grounding_score, lexical_overlap
from charter.knowledge.ingest import IngestReport, Source, ingest, sources_from_paths
from charter.knowledge.lifecycle import apply_retention, delete_document, rebuild
from charter.knowledge.lineage import lineage
from charter.knowledge.retrieve import Hit, query, retrieve, rrf

__all__ = [
    "GroundingGuard",
    "Hit",
    "IngestReport",
    "Source",
    "apply_retention",
    "delete_document",
    "grounding_score",
    "ingest",
    "lexical_overlap",
    "lineage",
    "query",
    "rebuild",
    "retrieve",
    "rrf",
    "sources_from_paths",
]

"""Guards: PII, prompt injection, leakage and toxicity checks behind one protocol.

The public surface: the :class:`Guard` protocol and its context and result types, the runtime's
:class:`GuardSet`, :func:`scan_text` (what ``charter guards scan`` and the scan API call) and the
gateway stages in :mod:`charter.guards.stages`.
"""

from charter.guards.base import Guard, GuardContext, GuardResult
from charter.guards.catalog import GuardSet, guard_set, run_guard, scan_text

__all__ = ["Guard", "GuardContext", "GuardResult", "GuardSet", "guard_set", "run_guard", "scan_text"]

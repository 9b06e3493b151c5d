"""The shared agency fixtures (tests/support/agency.py)."""

from tests.support.agency import agency, evals_setup  # noqa: F401  (fixtures)

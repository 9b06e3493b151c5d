"""The shared agency fixture (tests/support/agency.py)."""

from tests.support.agency import agency  # noqa: F401  (the fixture)

"""Identity tests speak to Charter as the oversight tests do: the same desk (platform, reviewers, HTTP)."""

from tests.integration.oversight.conftest import desk  # noqa: F401  (the fixture)

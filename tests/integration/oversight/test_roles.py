"""SA-2: every oversight route refuses the roles it does not serve (403 role_not_allowed)."""

from __future__ import annotations

from tests.integration.oversight.conftest import Desk

ROLES = ("admin", "developer", "reviewer", "auditor", "app")
REVIEW = {"reviewer", "admin"}
ROUTES = [
    ("get", "/api/v1/reviews", None, REVIEW),
    ("post", "/api/v1/reviews/next", None, REVIEW),
    ("get", "/api/v1/reviews/rev_x", None, REVIEW),
    ("post", "/api/v1/reviews/rev_x/claim", None, REVIEW),
    ("post", "/api/v1/reviews/rev_x/approve", {}, REVIEW),
    ("post", "/api/v1/reviews/rev_x/edit", {"text": "t"}, REVIEW),
    ("post", "/api/v1/reviews/rev_x/reject", {"reason": "r"}, REVIEW),
    ("post", "/api/v1/samples/next", None, REVIEW),
    ("post", "/api/v1/samples/smp_x/score", {"sentence_scores": [1]}, REVIEW),
    ("get", "/api/v1/incidents", None, {"admin", "auditor", "reviewer"}),
    ("post", "/api/v1/incidents", {"title": "t"}, {"admin", "reviewer"}),
    ("patch", "/api/v1/incidents/inc_x", {"severity": "low"}, {"admin"}),
    ("post", "/api/v1/incidents/inc_x/close", {"after_action": "a"}, {"admin"}),
    ("get", "/api/v1/usecases/tax-helpdesk/oversight", None, {"admin", "auditor", "reviewer", "developer"}),
    ("get", "/api/v1/suspensions", None, {"admin", "auditor"}),
    ("post", "/api/v1/usecases/tax-helpdesk/resume", {"reason": "r"}, {"admin"}),
    ("get", "/api/v1/usecases/tax-helpdesk/expert-scores", None, {"admin", "developer", "auditor"}),
    ("post", "/api/v1/usecases/tax-helpdesk/corrections/export", {}, {"admin"}),
    ("post", "/v1/feedback", {"interaction_id": "int_x", "rating": "helpful"}, {"app", "developer", "admin"}),
]


def test_sa2_oversight_routes_check_roles(desk: Desk) -> None:
    for method, path, body, allowed in ROUTES:
        for role in ROLES:
            kwargs = {"headers": desk.auth(role)}
            if body is not None:
                kwargs["json"] = body
            r = desk.http.request(method.upper(), path, **kwargs)
            if role in allowed:
                assert r.status_code < 500, (path, role, r.text)
                assert r.status_code != 403 or r.json()["error"]["code"] != "role_not_allowed", (path, role)
            else:
                assert r.status_code == 403, (path, role, r.text)
                assert r.json()["error"]["code"] == "role_not_allowed", (path, role)
        anonymous = desk.http.request(method.upper(), path, json=body)
        assert anonymous.status_code == 401, path

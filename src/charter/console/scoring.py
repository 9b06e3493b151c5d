"""Expert scoring in the console (ME-3): the scoring queue of sampled released answers, a sample's
page where the expert labels each sentence (correct / unsupported / wrong / harmful, with a note),
scores the citations and comments, and the scores per reviewer with their export (CSV, JSON).

Every action is :mod:`charter.oversight.scoring`, as ``/api/v1/samples`` and ``/api/v1/expert-scores``.
Focus mode (``focus=1``) opens the next sample after each score.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from charter.api.deps import get_runtime
from charter.console import web
from charter.console.web import PREFIX, ConsoleRoute, Posted, Viewer, posted, posted_long, redirect, render, signed_in
from charter.errors import InvalidRequest, PermissionDenied
from charter.oversight import scoring
from charter.principals import roles
from charter.store.schema import utcnow

__all__ = ["router"]

router = APIRouter(prefix=PREFIX + "/review", route_class=ConsoleRoute, include_in_schema=False)

REVIEWERS = roles.REVIEWERS
#: Who reads the scores: reviewers, admins and auditors (as ``GET /api/v1/expert-scores``).
SCORE_READERS = roles.OVERSEERS
CITATION_SCORES = (("", "not scored"), ("1", "right (1)"), ("0.5", "partly (0.5)"), ("0", "wrong or missing (0)"))
LABEL_WORDS = {
    "correct": "Correct",
    "unsupported": "Unsupported by the sources",
    "wrong": "Wrong",
    "harmful": "Harmful",
}


def _focus_query(focus: bool) -> str:
    return "?focus=1" if focus else ""


@router.get("/samples")
def samples_page(request: Request, status: web.Filter = "pending", empty: bool = False,
                 viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*REVIEWERS)
    if status not in ("pending", "scored", ""):
        status = "pending"
    rows = get_runtime(request).read(lambda conn: scoring.list_samples(conn, p, status=status or None))
    return render(request, "review_samples.html", viewer=viewer, rows=rows, shown=status, empty=empty)


@router.post("/samples/next")
def take_next_sample(request: Request, post: Posted = Depends(posted)) -> Response:
    p = post.viewer.require(*REVIEWERS)
    focus = post.form.get("focus") == "1"
    now = utcnow()
    sample_id = get_runtime(request).writer.write(lambda c: scoring.claim_next_sample(c, p, now))
    if sample_id is None:
        return redirect(f"{PREFIX}/review/samples?empty=1")
    return redirect(f"{PREFIX}/review/samples/{sample_id}{_focus_query(focus)}")


@router.get("/samples/{sample_id}")
def sample_page(sample_id: str, request: Request, focus: bool = Query(default=False),
                done: str = Query(default="", max_length=80), viewer: Viewer = Depends(signed_in)) -> Response:
    p = viewer.require(*REVIEWERS)
    rt = get_runtime(request)
    sample = rt.read(lambda conn: scoring.show_sample(rt, conn, p.tenant_id, sample_id))
    if p.use_case is not None and sample["use_case"] != p.use_case:
        raise PermissionDenied(f"this key reviews only use case {p.use_case!r}", code="out_of_scope")
    mine = sample["claimed_by"] == p.key_id and sample["status"] == "pending"
    return render(request, "review_sample.html", viewer=viewer, sample=sample, mine=mine, focus=focus, done=done,
                  labels=LABEL_WORDS, citation_scores=CITATION_SCORES)


web.holding_routes(router, "/samples", REVIEWERS, scoring.claim_sample, scoring.let_go_sample,
                   page=PREFIX + "/review/samples/{item_id}", queue=PREFIX + "/review/samples")


def _labels(post: Posted, sentences: int) -> tuple[list[str], list[str]]:
    labels, notes = [], []
    for i in range(sentences):
        label = post.form.get(f"label-{i}", "")
        if label not in scoring.LABEL_SCORES:
            raise InvalidRequest(f"choose a label for sentence {i + 1}", code="missing_field", param=f"label-{i}")
        labels.append(label)
        notes.append(post.text(f"note-{i}", max_length=2000))
    return labels, notes


@router.post("/samples/{sample_id}/score")
def score(sample_id: str, request: Request, post: Posted = Depends(posted_long)) -> Response:
    p = post.viewer.require(*REVIEWERS)
    rt = get_runtime(request)
    try:
        sentences = int(post.form.get("sentences", ""))
    except ValueError:
        raise InvalidRequest("the form has no sentence count; reload the page", code="invalid_request") from None
    labels, notes = _labels(post, sentences)
    citation_text = post.form.get("citation", "")
    if citation_text not in {value for value, _ in CITATION_SCORES}:
        raise InvalidRequest("choose a citation score from the list", code="invalid_value", param="citation")
    citation = float(citation_text) if citation_text else None
    comment = post.text("comment")
    focus = post.form.get("focus") == "1"
    now = utcnow()

    def act(conn: Any) -> tuple[dict[str, Any], str | None]:
        result = scoring.score_sample(conn, p, sample_id, sentence_labels=labels, sentence_notes=notes,
                                      citation_score=citation, comment=comment, now=now)
        return result, scoring.claim_next_sample(conn, p, now) if focus else None

    result, following = rt.writer.write(act)
    if focus:
        done = f"{sample_id}:{result['total']}"
        if following is None:
            return redirect(f"{PREFIX}/review/samples?empty=1")
        return redirect(f"{PREFIX}/review/samples/{following}?focus=1&done={done}")
    return redirect(f"{PREFIX}/review/samples/{sample_id}")


def _scores(request: Request, viewer: Viewer, scorer: str, use_case: str) -> dict[str, Any]:
    p = viewer.require(*SCORE_READERS)
    return get_runtime(request).read(lambda conn: {
        "rows": scoring.score_rows(conn, p, scorer=scorer or None, use_case=use_case or None),
        "scorers": scoring.scorers(scoring.score_rows(conn, p, use_case=use_case or None, limit=5000)),
    })


@router.get("/scores")
def scores_page(request: Request, scorer: web.Name = "", use_case: web.Name = "",
                viewer: Viewer = Depends(signed_in)) -> Response:
    data = _scores(request, viewer, scorer, use_case)
    return render(request, "review_scores.html", viewer=viewer, filters={"scorer": scorer, "use_case": use_case},
                  labels=scoring.LABELS, **data)


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/scores/export")
def export_scores(request: Request, format: str = Query(default="csv", pattern="^(csv|json)$"),
                  scorer: web.Name = "", use_case: web.Name = "", viewer: Viewer = Depends(signed_in)) -> Response:
    """The scores as a file (no answer content): the same rows as ``GET /api/v1/expert-scores``."""
    data = _scores(request, viewer, scorer, use_case)
    stamp = utcnow().strftime("%Y%m%d")
    if format == "json":
        body = json.dumps({"scorers": data["scorers"], "scores": data["rows"]}, ensure_ascii=False, indent=1)
        media, name = "application/json", f"charter-expert-scores-{stamp}.json"
    else:
        out = io.StringIO()
        columns = ["scored_at", "sample_id", "interaction_id", "use_case", "scorer", "total", "accuracy",
                   "citation_score", "sentence_labels", "sentence_scores", "sentence_notes", "comment"]
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in data["rows"]:
            writer.writerow([_cell(row[c]) for c in columns])
        body, media, name = out.getvalue(), "text/csv; charset=utf-8", f"charter-expert-scores-{stamp}.csv"
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"',
                                                     "cache-control": "no-store"})

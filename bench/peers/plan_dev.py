"""The plan's development mode (USE_SERVICE_BUS=false), as a peer for Assay's embedded default.

What it models: PHASE4A_IMPLEMENTATION_PLAN.md's submit route with the Service Bus switched off.
FastAPI takes `POST /api/candidate/assessment/{test_id}/submit` with the same JSON as Assay, validated
by pydantic models and by the same checks against the assessment (rubric.py); the submission is
kept in an in-process dict (the plan's local-dev store); scoring and then the report run as a
FastAPI BackgroundTask after the answer is sent (an async function, as in the plan,
so it runs on the event loop and not in a thread), with the same rubric work as Assay's
(rubric.py is a port of it, no sleeps). It answers the plan's JSON: success, submission_id,
message, queue_mode ("background_tasks").

Why it is a fair peer: it does the same work per submission as Assay's embedded default (parse,
check, store, score, report) and less besides: nothing is written to disk, so a crash loses every
submission and every job. That is what Assay's durable default is measured against.

Run as FastAPI documents for production on one machine, one process:
    uvicorn plan_dev:app --host 127.0.0.1 --port PORT --log-level warning
(scripts/bench-compare does). GET /reports/{submission_id} answers the stored report, for the
self-check; GET /ready answers once the app is up.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import BackgroundTasks, FastAPI, HTTPException
from fastapi.responses import JSONResponse

import rubric

app = FastAPI()
assessments = rubric.load_assessments()
submissions: dict[str, dict[str, Any]] = {}


@app.exception_handler(rubric.SubmissionRejected)
async def rejected(_request: Any, error: rubric.SubmissionRejected) -> JSONResponse:
    return JSONResponse({"error": {"code": error.code, "message": error.message}}, status_code=400)


async def trigger_scoring_workflow(submission_id: str) -> None:
    """Scores the submission, then builds its report inline, as the plan's BackgroundTasks mode does."""
    document = submissions[submission_id]
    assessment = assessments[document["assessment_id"]]
    document["evaluation"] = rubric.score(document["content"], assessment)
    document["status"] = "scored"
    document["report"] = rubric.build_report(submission_id, document["content"], document["evaluation"], assessment)
    document["status"] = "reported"


@app.post("/api/candidate/assessment/{test_id}/submit")
async def submit_assessment(test_id: str, submission: rubric.SubmissionData, background_tasks: BackgroundTasks):
    assessment = assessments.get(test_id)
    if assessment is None:
        raise HTTPException(status_code=404, detail=f"assessment {test_id!r} does not exist")
    rubric.validate(submission, assessment)
    submission_id = str(uuid.uuid4())
    submissions[submission_id] = {
        "id": submission_id,
        "assessment_id": test_id,
        "content": submission.model_dump(),
        "status": "submitted",
    }
    background_tasks.add_task(trigger_scoring_workflow, submission_id)
    return {
        "success": True,
        "submission_id": submission_id,
        "message": "Assessment submitted successfully",
        "queue_mode": "background_tasks",
    }


@app.get("/reports/{submission_id}")
async def report(submission_id: str):
    document = submissions.get(submission_id)
    if document is None or "report" not in document:
        raise HTTPException(status_code=404, detail="no report yet")
    return document["report"]


@app.get("/ready")
async def ready():
    return {"status": "ready"}

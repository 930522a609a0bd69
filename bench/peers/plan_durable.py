"""The plan's service made durable on PostgreSQL, as a peer for Assay's PostgreSQL service.

What it models: the way a Python team would make the plan's submit route durable without a broker.
FastAPI takes `POST /api/candidate/assessment/{test_id}/submit` with the same JSON as Assay, validated
by pydantic models and by the same checks against the assessment (rubric.py). The submission row and
its job row are written in one transaction through an asyncpg pool, so an accepted submission is
never lost. Scoring and then the report run as a FastAPI BackgroundTask (async, on the event loop)
after the answer is sent: it reads the submission, scores it (rubric.py, the same work as Assay's,
no sleeps), writes the evaluation, builds the report, then writes the report and marks the job done
in one transaction. It answers the plan's JSON: success, submission_id, message, queue_mode.

Why it is a fair peer: it does the same work per submission as Assay on PostgreSQL, with the same
durability at the answer (the submission and its job committed before the 200, PostgreSQL's
default synchronous_commit), and less besides: no claiming, leases, retries or LISTEN/NOTIFY, and a
job left unfinished by a crash is only marked, not picked up again. The assessment is kept in memory,
as Assay caches it. Its own small schema is created at start.

Run as FastAPI documents for production on one machine, one process:
    DATABASE_URL=postgres://... uvicorn plan_durable:app --host 127.0.0.1 --port PORT --log-level warning
(scripts/bench-compare does). The pool has asyncpg's default size (10); PEER_POOL_SIZE changes it.
GET /reports/{submission_id} answers the stored report, for the self-check.
"""

from __future__ import annotations

import json
import os
import uuid
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import BackgroundTasks, FastAPI, HTTPException
from fastapi.responses import JSONResponse

import rubric

SCHEMA = """
CREATE TABLE IF NOT EXISTS peer_submissions (
    id uuid PRIMARY KEY,
    assessment_id text NOT NULL,
    content jsonb NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS peer_jobs (
    id bigserial PRIMARY KEY,
    queue text NOT NULL,
    submission_id uuid NOT NULL REFERENCES peer_submissions (id),
    state text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    UNIQUE (queue, submission_id)
);
CREATE TABLE IF NOT EXISTS peer_evaluations (
    submission_id uuid PRIMARY KEY REFERENCES peer_submissions (id),
    document jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS peer_reports (
    submission_id uuid PRIMARY KEY REFERENCES peer_submissions (id),
    document jsonb NOT NULL
);
"""

assessments = rubric.load_assessments()
pool: asyncpg.Pool


@asynccontextmanager
async def lifespan(_app: FastAPI):
    global pool
    size = int(os.environ.get("PEER_POOL_SIZE", "10"))
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=size, max_size=size)
    async with pool.acquire() as connection:
        await connection.execute(SCHEMA)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.exception_handler(rubric.SubmissionRejected)
async def rejected(_request: Any, error: rubric.SubmissionRejected) -> JSONResponse:
    return JSONResponse({"error": {"code": error.code, "message": error.message}}, status_code=400)


async def trigger_scoring_workflow(submission_id: str) -> None:
    """Scores the submission and builds its report, writing each and then marking the job done."""
    async with pool.acquire() as connection:
        row = await connection.fetchrow(
            "SELECT assessment_id, content::text AS content FROM peer_submissions WHERE id = $1", submission_id
        )
        content = json.loads(row["content"])
        assessment = assessments[row["assessment_id"]]
        evaluation = rubric.score(content, assessment)
        async with connection.transaction():
            await connection.execute(
                "INSERT INTO peer_evaluations (submission_id, document) VALUES ($1, $2::jsonb) ON CONFLICT DO NOTHING",
                submission_id,
                json.dumps(evaluation),
            )
            await connection.execute("UPDATE peer_submissions SET status = 'scored' WHERE id = $1", submission_id)
        report = rubric.build_report(submission_id, content, evaluation, assessment)
        async with connection.transaction():
            await connection.execute(
                "INSERT INTO peer_reports (submission_id, document) VALUES ($1, $2::jsonb) ON CONFLICT DO NOTHING",
                submission_id,
                json.dumps(report),
            )
            await connection.execute("UPDATE peer_submissions SET status = 'reported' WHERE id = $1", submission_id)
            await connection.execute(
                "UPDATE peer_jobs SET state = 'completed', finished_at = now() WHERE submission_id = $1", submission_id
            )


@app.post("/api/candidate/assessment/{test_id}/submit")
async def submit_assessment(test_id: str, submission: rubric.SubmissionData, background_tasks: BackgroundTasks):
    assessment = assessments.get(test_id)
    if assessment is None:
        raise HTTPException(status_code=404, detail=f"assessment {test_id!r} does not exist")
    rubric.validate(submission, assessment)
    submission_id = str(uuid.uuid4())
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute(
            "INSERT INTO peer_submissions (id, assessment_id, content, status) VALUES ($1, $2, $3::jsonb, 'submitted')",
            submission_id,
            test_id,
            submission.model_dump_json(),
        )
        await connection.execute(
            "INSERT INTO peer_jobs (queue, submission_id, state) VALUES ('scoring-jobs', $1, 'available')",
            submission_id,
        )
    background_tasks.add_task(trigger_scoring_workflow, submission_id)
    return {
        "success": True,
        "submission_id": submission_id,
        "message": "Assessment submitted successfully",
        "queue_mode": "background_tasks",
    }


@app.get("/reports/{submission_id}")
async def report(submission_id: uuid.UUID):
    async with pool.acquire() as connection:
        document = await connection.fetchval(
            "SELECT document::text FROM peer_reports WHERE submission_id = $1", submission_id
        )
    if document is None:
        raise HTTPException(status_code=404, detail="no report yet")
    return json.loads(document)


@app.get("/ready")
async def ready():
    return {"status": "ready"}

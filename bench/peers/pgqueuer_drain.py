"""pgqueuer draining no-op jobs with its documented defaults, as a peer for one `assay worker`.

What it models: the ready-made PostgreSQL job queue a Python team would reach for instead of
writing one. It installs pgqueuer's schema, enqueues N jobs in one batch (pgqueuer's list form of
Queries.enqueue), then times one consumer: a QueueManager with one entrypoint whose handler does
nothing, run with pgqueuer's defaults (batch_size 10, no concurrency limit, 30 s heartbeat) in drain
mode, which returns once the queue is empty. It prints the jobs drained per second.

Why it is a fair peer: each pgqueuer job is claimed (FOR UPDATE SKIP LOCKED), run and completed
(deleted, with a log row) in PostgreSQL on the same machine, as each Assay job is. It is generous to
pgqueuer: its jobs do no work, while each Assay submission is two real jobs (scoring, then the
report) with their reads and writes.

    DATABASE_URL=postgres://... python pgqueuer_drain.py --count 10000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import asyncpg
from pgqueuer import AsyncpgDriver, Job, QueueManager, Queries
from pgqueuer.types import QueueExecutionMode

ENQUEUE_BATCH = 1000


async def main(count: int) -> None:
    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    queries = Queries(AsyncpgDriver(connection))
    if not await queries.schema_is_installed():
        await queries.install()
    for start in range(0, count, ENQUEUE_BATCH):
        size = min(ENQUEUE_BATCH, count - start)
        await queries.enqueue(["noop"] * size, [None] * size, [0] * size)

    drained = 0
    manager = QueueManager(queries)

    @manager.entrypoint("noop")
    async def noop(_job: Job) -> None:
        nonlocal drained
        drained += 1

    started = time.monotonic()
    await manager.run(mode=QueueExecutionMode.drain)
    elapsed = time.monotonic() - started
    await connection.close()
    print(f"pgqueuer drained {drained} no-op jobs in {elapsed:.2f} s: {drained / elapsed:.0f} jobs/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().count))

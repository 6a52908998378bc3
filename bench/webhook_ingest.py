"""HubSpot webhook ingestion: sustained load at HubSpot's shape against the real backend.

    uv run --frozen python -m bench.webhook_ingest [--seconds 30 --concurrency 10 --portals 4]

HubSpot sends at most 10 concurrent requests per installing account, each a JSON array of
at most 100 events, signed (v3). This posts such batches, freshly signed, from
`--concurrency` connections for `--seconds`, to the backend under uvicorn against
PostgreSQL (DATABASE_URL, else the embedded one in .data/bench), while `--workers` worker
processes apply the events. It reports events/s acknowledged (2xx: stored and their
processing queued), the acknowledgement latency per request (p50/p95/p99), and events/s
processed (from the first request until no event is left unprocessed).
"""

import argparse
import asyncio
import gc
import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from statistics import quantiles

import httpx
from sqlalchemy import create_engine, text

from backend.webhooks.hubspot_signature import expected_signature
from bench.server import backend
from devtools.migrate import ensure_database, upgrade
from devtools.pg import ROOT_DIR, database_url, start_embedded

RESULTS = ROOT_DIR / "bench" / "results"
SECRET = "bench-hubspot-client-secret-0123456789"
PUBLIC_BASE_URL = "https://bench.vectoros.dev"
PATH = "/api/v1/webhooks/hubspot"
STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "closedwon"]
TARGET_EVENTS_PER_SECOND = 5_000
TARGET_P99_MS = 250
log = logging.getLogger("bench")


@dataclass
class Backlog:
    """What the workers had left when the load stopped, and when they were done."""

    left_at_load_end: int
    load_seconds: float
    drained: float | None  # seconds from the load's start until nothing was left


@dataclass
class Load:
    latencies_ms: list[float] = field(default_factory=list)
    events_acked: int = 0
    errors: dict[int, int] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    os.environ.update(HUBSPOT_CLIENT_SECRET=SECRET, PUBLIC_BASE_URL=PUBLIC_BASE_URL)
    with ExitStack() as stack:
        url, embedded = _database(stack)
        ensure_database(url, recreate=embedded)  # the embedded one starts empty every run
        upgrade(url)
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with backend(
            url, port=args.port, workers=args.uvicorn_workers, log=RESULTS / "ingest-backend.log"
        ) as base:
            portals = asyncio.run(_connect_portals(base, engine, args.portals))
            workers = [_worker(url, stack) for _ in range(args.workers)]
            before = _unprocessed(engine)  # left by an earlier run on DATABASE_URL
            # The client's own full garbage collections would stall every request in flight
            # and count as server latency: what exists before the load is frozen out of them.
            gc.collect()
            gc.freeze()
            started = time.monotonic()
            load = asyncio.run(_post(base, portals, args))
            acked_seconds = time.monotonic() - started
            drained = None
            left_at_load_end = _unprocessed(engine)
            if workers:
                log.info("==> load done; waiting for the workers to drain the queue")
                drained = _wait_drained(engine, started, timeout=args.drain_timeout)
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
        backlog = Backlog(left_at_load_end, acked_seconds, drained)
        report = _report(args, load, backlog, before, engine)
        engine.dispose()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "webhook_ingest.md").write_text(report)
    sys.stdout.write(report + f"\nWritten to {RESULTS / 'webhook_ingest.md'}\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.webhook_ingest", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30, help="how long the load lasts")
    parser.add_argument("--concurrency", type=int, default=10, help="requests in flight")
    parser.add_argument("--batch", type=int, default=100, help="events per request (<= 100)")
    parser.add_argument("--portals", type=int, default=4, help="connected HubSpot portals")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--uvicorn-workers", type=int, default=2)
    parser.add_argument(
        "--drain-timeout", type=float, default=300, help="seconds to wait for processing"
    )
    parser.add_argument("--port", type=int, default=8766)
    return parser


def _database(stack: ExitStack) -> tuple[str, bool]:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], False
    log.info("==> embedded PostgreSQL in .data/bench")
    server = start_embedded("bench")
    stack.callback(server.cleanup)
    return database_url(server, "vectoros_ingest"), True


async def _connect_portals(base: str, engine, count: int) -> list[int]:  # noqa: ANN001
    """Workspaces connected to fresh portal ids, their stages mapped to HubSpot's."""
    portals = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for _ in range(count):
            email = f"ingest-{uuid.uuid4().hex[:10]}@bench.vectoros.dev"
            password = "ingest-bench-password"
            await http.post(
                "/api/v1/auth/register",
                json={"email": email, "password": password, "name": "Bench"},
            )
            login = await http.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            workspace = (
                await http.post("/api/v1/workspaces", json={"name": "Ingest"}, headers=headers)
            ).json()["id"]
            portal = int(uuid.uuid4().int % 900_000_000) + 100_000_000
            created = await http.post(
                f"/api/v1/workspaces/{workspace}/integrations",
                json={
                    "type": "hubspot",
                    "credentials": {"access_token": "bench-token-not-used"},
                },
                headers=headers,
            )
            created.raise_for_status()
            with engine.begin() as conn:
                # As the connect flows record a portal HubSpot named (no HubSpot here).
                conn.execute(
                    text("update integration set hubspot_portal_id = :p where id = :id"),
                    {"p": portal, "id": created.json()["id"]},
                )
                stages = (
                    conn.execute(
                        text(
                            "select id from pipeline_stage where workspace_id = :w "
                            "order by position"
                        ),
                        {"w": workspace},
                    )
                    .scalars()
                    .all()
                )
                for stage_id, hubspot_id in zip(stages, STAGES, strict=False):
                    conn.execute(
                        text("update pipeline_stage set external_id = :e where id = :id"),
                        {"e": hubspot_id, "id": stage_id},
                    )
            portals.append(portal)
    return portals


def _batch(portal: int, size: int, objects: "itertools.count[int]") -> bytes:
    """A creation and property changes for fresh deals: every event new, like live traffic."""
    now = int(time.time() * 1000)
    events = []
    while len(events) < size:
        object_id = next(objects)
        for offset, (kind, name, value) in enumerate(
            [
                ("deal.creation", None, None),
                ("deal.propertyChange", "dealname", f"Deal {object_id}"),
                ("deal.propertyChange", "amount", str(1000 + object_id % 5000)),
                ("deal.propertyChange", "dealstage", STAGES[object_id % len(STAGES)]),
            ]
        ):
            event = {
                "eventId": object_id * 10 + offset,
                "subscriptionId": 1,
                "portalId": portal,
                "appId": 1,
                "occurredAt": now + offset,
                "subscriptionType": kind,
                "attemptNumber": 0,
                "objectId": object_id,
                "changeSource": "CRM",
            }
            if name:
                event.update(propertyName=name, propertyValue=value)
            events.append(event)
    return json.dumps(events[:size]).encode()


async def _post(base: str, portals: list[int], args: argparse.Namespace) -> Load:
    load = Load()
    deadline = time.monotonic() + args.seconds
    objects = itertools.count(int(time.time()) * 1000)
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )

    async def sender(http: httpx.AsyncClient, index: int) -> None:
        portal = portals[index % len(portals)]
        while time.monotonic() < deadline:
            body = _batch(portal, args.batch, objects)
            timestamp = str(int(time.time() * 1000))
            signature = expected_signature(
                version="v3",
                client_secret=SECRET,
                method="POST",
                uri=PUBLIC_BASE_URL + PATH,
                body=body,
                timestamp=timestamp,
            )
            headers = {
                "Content-Type": "application/json",
                "X-HubSpot-Signature-v3": signature,
                "X-HubSpot-Request-Timestamp": timestamp,
            }
            sent = time.perf_counter()
            response = await http.post(PATH, content=body, headers=headers)
            load.latencies_ms.append((time.perf_counter() - sent) * 1000)
            if response.is_success:
                load.events_acked += args.batch
            else:
                load.errors[response.status_code] = load.errors.get(response.status_code, 0) + 1

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        await asyncio.gather(*(sender(http, i) for i in range(args.concurrency)))
    return load


def _worker(url: str, stack: ExitStack) -> subprocess.Popen[bytes]:
    out = (RESULTS / "ingest-worker.log").open("ab")
    stack.callback(out.close)
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.worker", "--concurrency", "4"],
        cwd=ROOT_DIR,
        env={**os.environ, "DATABASE_URL": url},
        stdout=out,
        stderr=subprocess.STDOUT,
    )

    def stop() -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()

    stack.callback(stop)
    return process


def _unprocessed(engine) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return (
            conn.scalar(text("select count(*) from webhook_event where status = 'received'")) or 0
        )


def _wait_drained(engine, started: float, *, timeout: float) -> float | None:  # noqa: ANN001
    """Seconds from the load's start until nothing is left to process; None on timeout."""
    while time.monotonic() - started < timeout:
        if _unprocessed(engine) == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def _processed_rate(
    statuses: dict[str, int],
    before: int,
    load: Load,
    backlog: Backlog,
    args: argparse.Namespace,
) -> str:
    if args.workers == 0:
        return "not measured (--workers 0)"
    drained = backlog.drained
    if drained is not None:
        overall = (load.events_acked + before) / drained
        after = drained - backlog.load_seconds
        alone = backlog.left_at_load_end / after if after > 0 else float("nan")
        return (
            f"{overall:,.0f} (queue empty after {drained:.0f} s); after the load, "
            f"{backlog.left_at_load_end:,} queued events in {after:.0f} s: {alone:,.0f}/s"
        )
    left = statuses.get("received", 0)
    seconds = args.seconds + args.drain_timeout
    rate = (load.events_acked + before - left) / seconds
    return f"~{rate:,.0f} ({left:,} still queued after {seconds:.0f} s)"


def _report(
    args: argparse.Namespace,
    load: Load,
    backlog: Backlog,
    before: int,
    engine,  # noqa: ANN001
) -> str:
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(text("select status, count(*) from webhook_event group by status")).all()
        )
    cuts = quantiles(load.latencies_ms, n=100) if len(load.latencies_ms) > 1 else [0] * 99
    acked_seconds = backlog.load_seconds
    acked_rate = load.events_acked / acked_seconds
    lines = [
        f"# Webhook ingest ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"{args.concurrency} concurrent requests of {args.batch} signed (v3) events for "
        f"{args.seconds:.0f} s, {args.portals} portals, uvicorn {args.uvicorn_workers} workers, "
        f"{args.workers} job worker(s) processing at the same time; load average "
        f"{os.getloadavg()[0]:.1f} at the end.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| events acknowledged | {load.events_acked:,} in {acked_seconds:.1f} s | |",
        f"| events/s acknowledged | {acked_rate:,.0f} | >= {TARGET_EVENTS_PER_SECOND:,} |",
        f"| ack latency p50 / p95 / p99 | {cuts[49]:.0f} / {cuts[94]:.0f} / {cuts[98]:.0f} ms "
        f"| p99 < {TARGET_P99_MS} ms |",
        f"| requests / errors | {len(load.latencies_ms):,} / {sum(load.errors.values())} "
        f"{load.errors or ''} | |",
        f"| events/s processed | {_processed_rate(statuses, before, load, backlog, args)} | |",
        f"| events by status | {statuses} | |",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

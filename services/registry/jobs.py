"""Imports run in the worker: the uploaded file waits in Redis, the report and progress go back there."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from typing import Any
from uuid import UUID

from arq import ArqRedis

from services.registry import importer
from services.registry.logic import Actor
from shared.db import Level, Scope, tenant_transaction

TTL = 6 * 3600


def _key(import_id: str, part: str) -> str:
    return f"import:{import_id}:{part}"


async def start_import(
    redis: ArqRedis, actor: Actor, municipality_id: UUID | None, content: bytes, filename: str
) -> str:
    import_id = secrets.token_hex(12)
    meta = {
        "region_id": str(actor.region_id),
        "municipality_id": str(municipality_id) if municipality_id else "",
        "organization_id": str(actor.organization_id),
        "user_id": str(actor.user_id) if actor.user_id else "",
        "ip": actor.ip,
        "filename": filename[:200],
        "status": "checking",
        "done": 0,
        "total": 0,
        "report": None,
    }
    await redis.set(_key(import_id, "file"), content, ex=TTL)
    await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)
    await redis.enqueue_job("run_import", import_id, False, _job_id=f"import-check:{import_id}")
    return import_id


async def import_status(redis: ArqRedis, import_id: str, organization_id: UUID | None) -> dict[str, Any] | None:
    """None for an unknown import or one of another organization (the caller answers 404)."""
    raw = await redis.get(_key(import_id, "meta"))
    if raw is None:
        return None
    meta: dict[str, Any] = json.loads(raw)
    return meta if meta["organization_id"] == str(organization_id) else None


async def request_commit(redis: ArqRedis, import_id: str, meta: dict[str, Any]) -> None:
    meta["status"] = "importing"
    await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)
    await redis.enqueue_job("run_import", import_id, True, _job_id=f"import-commit:{import_id}")


async def run_import(ctx: dict[str, Any], import_id: str, commit: bool) -> str:
    redis: ArqRedis = ctx["redis"]
    meta = json.loads(await redis.get(_key(import_id, "meta")) or "null")
    content = await redis.get(_key(import_id, "file"))
    if meta is None or content is None:
        return "expired"
    if commit and meta["status"] == "done":
        return "already imported"
    region_id, organization_id = UUID(meta["region_id"]), UUID(meta["organization_id"])
    actor = Actor(UUID(meta["user_id"]) if meta["user_id"] else None, region_id, organization_id, meta["ip"])
    scope = Scope(
        Level.organization,
        actor.user_id,
        region_id,
        UUID(meta["municipality_id"]) if meta["municipality_id"] else None,
        organization_id,
    )
    progress = {"done": 0, "total": 0}

    def on_progress(done: int, total: int) -> None:
        progress.update(done=done, total=total)

    async def publish() -> None:
        while True:
            await asyncio.sleep(0.5)
            meta.update(progress)
            await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)

    publisher = asyncio.create_task(publish())
    try:
        async with tenant_transaction(scope):
            report = await importer.import_file(
                actor, scope, content, meta["filename"], dry_run=not commit, progress=on_progress
            )
    except Exception:
        meta["status"] = "failed"
        await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)
        raise
    finally:
        publisher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await publisher  # no progress write may land after the final state
    meta.update(
        report=report.as_dict(),
        done=report.total,
        total=report.total,
        status=("done" if commit and report.ok else "checked" if report.ok else "invalid"),
    )
    await redis.set(_key(import_id, "meta"), json.dumps(meta), ex=TTL)
    if meta["status"] in ("done", "invalid"):
        await redis.delete(_key(import_id, "file"))  # personal data leaves Redis once it is no longer needed
    status: str = meta["status"]
    return status

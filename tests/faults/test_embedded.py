"""The embedded Valkey and PostgreSQL of `make run` under the supervisor: kill -9 brings them back on their port,
a port lost to another checkout moves them, and they stop for sure, Valkey even when it cannot save."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from infra.embedded import EmbeddedServers
from infra.ports import free_port, listens_on
from infra.supervisor import Child, descendants
from tests.faults.helpers import fast, gone, occupy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def servers() -> Iterator[EmbeddedServers]:
    embedded = EmbeddedServers(ROOT / ".data" / f"faults-{uuid.uuid4().hex[:8]}")
    yield embedded
    shutil.rmtree(embedded.data_dir, ignore_errors=True)


def lose_the_first_race(child: Child, thieves: list[socket.socket]) -> Child:
    """Another checkout binds the child's port the instant after the supervisor chose it, once."""
    command = child.command

    def stolen_once(port: int | None) -> list[str]:
        if not thieves and port is not None:
            thieves.append(occupy(port))
        return command(port)

    child.command = stolen_once
    return child


def test_valkey_comes_back_after_kill_9_and_stops_even_when_it_cannot_save(
    servers: EmbeddedServers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nastavnik.supervisor")
    supervisor = fast()
    thieves: list[socket.socket] = []
    preferred = free_port()
    servers.redis_port = preferred
    valkey = supervisor.add(lose_the_first_race(servers.valkey_child(), thieves))
    try:
        supervisor.run_until(lambda: supervisor.is_up("valkey"), timeout=10)
        assert valkey.port and valkey.port != preferred
        client = redis.Redis(port=valkey.port, socket_timeout=2)
        client.set("session", "kept")
        first = supervisor.pid("valkey")
        assert first
        os.kill(first, signal.SIGKILL)
        killed = time.monotonic()
        supervisor.run_until(lambda: supervisor.is_up("valkey") and supervisor.pid("valkey") != first, timeout=10)
        assert time.monotonic() - killed < 3
        assert client.ping()  # the same address: clients reconnect by themselves
        client.set("session", "kept")
        client.close()
        shutil.rmtree(servers.redis_dir)  # now it cannot write its snapshot on the way out
        pid = supervisor.pid("valkey")
    finally:
        began = time.monotonic()
        supervisor.stop_all()
        for thief in thieves:
            thief.close()
    assert time.monotonic() - began < 5
    assert pid and gone(pid)
    assert any("valkey (pid " in r.getMessage() and "was killed by SIGKILL" in r.getMessage() for r in caplog.records)


def test_postgres_moves_off_a_taken_port_comes_back_after_kill_9_and_leaves_nothing(
    servers: EmbeddedServers,
) -> None:
    supervisor = fast()
    thieves: list[socket.socket] = []
    servers.pg_port = free_port()
    servers.prepare_pg()
    postgres = supervisor.add(lose_the_first_race(servers.postgres_child(), thieves))
    try:
        supervisor.run_until(lambda: supervisor.is_up("postgres"), timeout=30)
        first = supervisor.pid("postgres")
        assert first and postgres.port and postgres.port != servers.pg_port and listens_on(first, postgres.port)
        port = postgres.port
        os.kill(first, signal.SIGKILL)  # its backends notice and go; a new postmaster must wait for them
        supervisor.run_until(lambda: supervisor.is_up("postgres") and supervisor.pid("postgres") != first, timeout=30)
        second = supervisor.pid("postgres")
        assert second and postgres.port == port
        family = [second, *descendants(second)]
        assert len(family) > 3  # checkpointer, background writer, walwriter …
    finally:
        supervisor.stop_all()
        for thief in thieves:
            thief.close()
    time.sleep(0.1)
    assert all(gone(pid) for pid in family), family
    assert not (servers.pg_dir / "postmaster.pid").exists()  # a clean shutdown, by pg_ctl stop -m fast

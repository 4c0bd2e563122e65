"""The supervisor of `make run` driven with small real processes: restarts with back-off, stopping for sure,
and a port lost between choosing it and binding it."""

from __future__ import annotations

import itertools
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infra.ports import free_port, listens_on
from infra.supervisor import Child
from tests.faults.helpers import STUBBORN, fast, gone, occupy, python, serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _supervisor_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="nastavnik.supervisor")


def test_a_failing_child_is_restarted_with_doubling_delays(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = fast()
    starts: list[float] = []

    def crash(port: int | None) -> list[str]:
        starts.append(time.monotonic())
        return python("raise SystemExit(3)")

    supervisor.add(Child("crasher", crash))
    try:
        supervisor.run_until(lambda: len(starts) >= 5, timeout=10)
    finally:
        supervisor.stop_all()
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    for gap, delay in zip(gaps, (0.1, 0.2, 0.4, 0.4), strict=True):  # doubling up to the ceiling
        assert delay <= gap < delay + 0.5, gaps
    # Only the exits: whether a child lived long enough to be logged "up" between them depends on the machine's load.
    lines = [r.getMessage() for r in caplog.records if "crasher" in r.getMessage() and "exited" in r.getMessage()]
    assert "exited with code 3 after" in lines[0]
    assert "restarting in 0.1 s (at " in lines[0]
    assert "restarting in 0.4 s (at " in lines[3]


def test_the_delay_starts_over_once_a_child_has_run_for_a_while(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = fast(stable_after=0.3)
    starts: list[float] = []

    def short_lived(port: int | None) -> list[str]:
        starts.append(time.monotonic())
        return python("import time; time.sleep(0.4); raise SystemExit(1)")

    supervisor.add(Child("short-lived", short_lived))
    try:
        supervisor.run_until(lambda: len(starts) >= 4, timeout=10)
    finally:
        supervisor.stop_all()
    delays = [r.getMessage().split("restarting in ")[1].split(" s")[0] for r in caplog.records if "restarting" in r.msg]
    assert delays == ["0.1", "0.1", "0.1"]


def test_a_child_killed_with_sigkill_is_back_on_its_port(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = fast()
    child = supervisor.add(Child("server", serve, port=free_port()))
    try:
        supervisor.run_until(lambda: supervisor.is_up("server"), timeout=5)
        first, port = supervisor.pid("server"), child.port
        assert first and port
        killed = time.monotonic()
        os.kill(first, signal.SIGKILL)
        supervisor.run_until(lambda: supervisor.is_up("server") and supervisor.pid("server") != first, timeout=5)
        assert time.monotonic() - killed < 1.5
        second = supervisor.pid("server")
        assert second and child.port == port and listens_on(second, port)
    finally:
        supervisor.stop_all()
    assert any(f"server (pid {first}) was killed by SIGKILL" in r.getMessage() for r in caplog.records)
    assert gone(second)


def test_stop_kills_a_child_that_ignores_sigterm_and_what_it_started(tmp_path: Path) -> None:
    supervisor = fast()
    grandchild_file = tmp_path / "grandchild"
    supervisor.add(Child("polite", serve, port=free_port()))
    supervisor.add(Child("stubborn", lambda port: python(STUBBORN, str(grandchild_file)), stop_timeout=0.5))
    try:
        supervisor.run_until(lambda: supervisor.is_up("polite") and grandchild_file.exists(), timeout=5)
        supervisor.run_until(lambda: grandchild_file.read_text().isdigit(), timeout=5)
        pids = [supervisor.pid("polite"), supervisor.pid("stubborn"), int(grandchild_file.read_text())]
    finally:
        began = time.monotonic()
        supervisor.stop_all()
    assert time.monotonic() - began < 3
    time.sleep(0.1)  # SIGKILL is delivered asynchronously to the grandchild, which is nobody's child of ours
    assert all(pid and gone(pid) for pid in pids), pids


LAUNCHER = """
import sys
from pathlib import Path
from infra.supervisor import Child, Supervisor
from tests.faults.helpers import STUBBORN, python, serve

supervisor = Supervisor(tick=0.02, pid_file=Path(sys.argv[1]))
supervisor.add(Child("server", serve, port=int(sys.argv[3])))
supervisor.add(Child("stubborn", lambda port: python(STUBBORN, sys.argv[2]), stop_timeout=1))
with supervisor.handling_signals():
    try:
        supervisor.run_until(lambda: supervisor.is_up("server") and Path(sys.argv[2]).exists())
        print(supervisor.pid("server"), supervisor.pid("stubborn"), flush=True)
        supervisor.run_forever()
    finally:
        supervisor.stop_all()
"""


def test_sigterm_to_the_launchers_process_group_leaves_nothing_behind(tmp_path: Path) -> None:
    pid_file, grandchild_file = tmp_path / "children.json", tmp_path / "grandchild"
    launcher = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(pid_file), str(grandchild_file), str(free_port())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, like `make run` started from a shell
    )
    try:
        assert launcher.stdout is not None
        pids = [int(pid) for pid in launcher.stdout.readline().split()]
        deadline = time.monotonic() + 5
        while not grandchild_file.read_text().isdigit() and time.monotonic() < deadline:
            time.sleep(0.02)
        pids.append(int(grandchild_file.read_text()))
        assert pid_file.exists()
        os.killpg(launcher.pid, signal.SIGTERM)  # the whole group, as a terminal or a service manager does
        assert launcher.wait(10) == 0
    finally:
        if launcher.poll() is None:
            launcher.kill()
    time.sleep(0.1)
    assert all(gone(pid) for pid in pids), pids
    assert not pid_file.exists()


def test_a_port_taken_between_choosing_and_binding_moves_the_child(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = fast()
    chosen = free_port()
    thief: list[socket.socket] = []

    def serve_after_a_thief(port: int | None) -> list[str]:
        if not thief:  # another checkout binds the port the instant after we chose it
            assert port is not None
            thief.append(occupy(port))
        return serve(port)

    child = supervisor.add(Child("server", serve_after_a_thief, port=chosen))
    began = time.monotonic()
    try:
        supervisor.run_until(lambda: supervisor.is_up("server"), timeout=5)
        assert time.monotonic() - began < 2  # no back-off for a lost race
        pid = supervisor.pid("server")
        assert child.port and child.port != chosen and pid and listens_on(pid, child.port)
    finally:
        supervisor.stop_all()
        thief[0].close()
    assert any(
        f"port {chosen} was taken by another process; starting it on port {child.port}" in r.getMessage()
        for r in caplog.records
    )


def test_an_explicit_port_is_waited_for_rather_than_moved(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = fast()
    asked = free_port()
    taken = occupy(asked)
    starts: list[float] = []

    def counted(port: int | None) -> list[str]:
        starts.append(time.monotonic())
        return serve(port)

    child = supervisor.add(Child("web", counted, port=asked, fixed_port=True))
    try:
        supervisor.run_until(lambda: len(starts) >= 3, timeout=5)
        taken.close()
        supervisor.run_until(lambda: supervisor.is_up("web"), timeout=5)
        assert child.port == asked
    finally:
        supervisor.stop_all()
        taken.close()
    messages = [r.getMessage() for r in caplog.records]
    assert any(f"port {asked} is taken by another process; trying that port again in 0.1 s" in m for m in messages)
    assert any("trying that port again in 0.2 s" in m for m in messages)


def test_children_follow_a_server_that_had_to_move(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = fast()
    server = supervisor.add(Child("server", serve, port=free_port()))
    seen: list[str] = []

    def client_env(port: int | None) -> dict[str, str]:
        seen.append(str(server.port))
        return {**os.environ, "SERVER_PORT": str(server.port)}

    supervisor.add(
        Child("client", lambda port: python("import time; time.sleep(600)"), env=client_env, needs=("server",))
    )
    taken = None
    try:
        supervisor.run_until(lambda: supervisor.is_up("client"), timeout=5)
        old_port, client_pid, server_pid = server.port, supervisor.pid("client"), supervisor.pid("server")
        assert old_port and server_pid
        os.kill(server_pid, signal.SIGKILL)
        while not gone(server_pid):
            time.sleep(0.005)
        taken = occupy(old_port)  # somebody takes its port while it is down
        supervisor.run_until(lambda: supervisor.is_up("client") and supervisor.pid("client") != client_pid, timeout=5)
        assert server.port != old_port
        assert seen == [str(old_port), str(server.port)]
    finally:
        supervisor.stop_all()
        if taken:
            taken.close()
    assert any("client: server moved to another port" in r.getMessage() for r in caplog.records)

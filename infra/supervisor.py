"""The supervisor behind `make run`: it restarts a child that died, with back-off, moves a child whose port another
process took, and stops everything for sure on Ctrl-C or SIGTERM.

One loop in the main thread polls a handful of children ten times a second: simpler to follow than a process
manager, and the children's own output still goes straight to the terminal.
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from infra.ports import free_port, listens_on, port_in_use

log = logging.getLogger("nastavnik.supervisor")

Process = subprocess.Popen[bytes]
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(Exception):
    """Raised out of a wait when Ctrl-C or SIGTERM asked the supervisor to stop."""


def _signal_group(pid: int, signum: int) -> None:
    """Every child leads its own process group, so this also reaches what it started (PostgreSQL's backends)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def descendants(pid: int) -> list[int]:
    """Found by parent pid: PostgreSQL's backends each lead a session of their own, out of its group's reach."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_for_sure(proc: Process, timeout: float, ask: Callable[[Process], None] | None = None) -> None:
    """Ask (SIGTERM to its group unless told otherwise), wait, then SIGKILL it with its group and descendants:
    nothing of it is left."""
    if proc.poll() is None:
        try:
            (ask or (lambda p: _signal_group(p.pid, signal.SIGTERM)))(proc)
        except Exception as exc:  # a failing polite request must not keep the process alive
            log.warning("could not ask pid %s to stop (%s); killing it", proc.pid, exc)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("pid %s did not stop within %g s; killing it", proc.pid, timeout)
            for pid in descendants(proc.pid):  # while they are still its children
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
    _signal_group(proc.pid, signal.SIGKILL)  # also whatever of its group outlived it
    proc.wait()


def stop_pid(pid: int, timeout: float) -> None:
    """The same for a process that is not our child (a killed launcher's leftover): SIGTERM to it, or to its
    group when it leads one, wait, SIGKILL."""

    def send(signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signum)
            else:
                os.kill(pid, signum)

    def alive() -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state != "Z"  # a zombie is dead, only not yet reaped by its parent

    send(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive():
        send(signal.SIGKILL)


def describe_exit(code: int) -> str:
    """A negative return code is the signal that killed it (subprocess's convention)."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
        return f"was killed by signal {-code}"
    return f"exited with code {code}"


@dataclass
class Child:
    """One supervised process: how to start it on a port, what it needs up first, how to tell it is up, how to
    ask it to stop. The supervisor keeps `port` current, so other children's environments can read it."""

    name: str
    command: Callable[[int | None], list[str]]
    port: int | None = None  # the port it should bind (at first the preferred one); None: it binds none
    fixed_port: bool = False  # asked for explicitly: wait for this port with back-off instead of moving
    keep_port: bool = False  # once up, keep the port even if taken later: its address was announced
    env: Callable[[int | None], Mapping[str, str]] | None = None  # read at every start; None: inherit ours
    needs: tuple[str, ...] = ()  # started only while these are up; restarted when one of them moved port
    ready: Callable[[Process, int | None], bool] | None = None  # default: it listens on its port
    ask_stop: Callable[[Process], None] | None = None  # default: SIGTERM to its group
    popen: Mapping[str, Any] = field(default_factory=dict)  # e.g. user/group, output files
    start_timeout: float = 30.0
    stop_timeout: float = 10.0
    hint: str = ""  # where to look when it fails, e.g. its log file


class State(enum.Enum):
    waiting = "waiting"  # for its restart time or for its needs
    starting = "starting"  # spawned, not yet up
    up = "up"


@dataclass
class _Slot:
    child: Child
    state: State = State.waiting
    proc: Process | None = None
    started: float = 0.0
    up_since: float = 0.0
    restart_at: float = 0.0
    failures: int = 0  # in a row; reset once it has stayed up for `stable_after`
    was_up: bool = False
    seen: dict[str, int | None] = field(default_factory=dict)  # its needs' ports when it was started


class Supervisor:
    """Restarts each child after 0.5 s, 1 s, 2 s … up to 30 s while it keeps failing; a child up for a while
    starts again from the shortest delay. A child that fails to start while another process listens on its port
    moves to another port at once (unless the port is fixed), and the children that need it restart with it."""

    def __init__(
        self,
        *,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        stable_after: float = 30.0,
        tick: float = 0.1,
        pid_file: Path | None = None,
    ) -> None:
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.stable_after = stable_after
        self.tick = tick
        self.pid_file = pid_file
        self.stopping = False
        self.stop_signal = 0
        self._slots: dict[str, _Slot] = {}
        self._one_shots: dict[str, Process] = {}

    # Children ----------------------------------------------------------------------------------------

    def add(self, child: Child) -> Child:
        """Starts at the next turn of the loop, once its needs are up."""
        if child.name in self._slots:
            raise ValueError(f"{child.name} is supervised already")
        for need in child.needs:
            if need not in self._slots:
                raise ValueError(f"{child.name} needs {need}, which is not supervised")
        self._slots[child.name] = _Slot(child)
        return child

    def is_up(self, name: str) -> bool:
        return self._slots[name].state is State.up

    def pid(self, name: str) -> int | None:
        proc = self._slots[name].proc
        return proc.pid if proc else None

    def backoff(self, failures: int) -> float:
        return min(self.backoff_initial * 2 ** max(failures - 1, 0), self.backoff_max)

    # The loop ----------------------------------------------------------------------------------------

    def run_until(self, done: Callable[[], bool], timeout: float | None = None) -> None:
        """Supervises until done() holds; raises Stopped on a stop signal and TimeoutError after `timeout`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self.stopping:
                raise Stopped
            self._turn()
            if done():
                return
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("the supervised children did not get there in time")
            time.sleep(self.tick)

    def run_forever(self) -> None:
        """Returns only when a stop signal arrived."""
        with contextlib.suppress(Stopped):
            self.run_until(lambda: False)

    def run_once(self, name: str, argv: list[str], env: Mapping[str, str] | None = None) -> None:
        """A one-shot step (migrations) supervised meanwhile; raises CalledProcessError when it fails."""
        proc: Process = subprocess.Popen(argv, env=env, start_new_session=True)
        self._one_shots[name] = proc
        self._write_pids()
        try:
            self.run_until(lambda: proc.poll() is not None)
        finally:
            if proc.poll() is None:
                stop_for_sure(proc, 10)
            del self._one_shots[name]
            self._write_pids()
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, argv)

    def _turn(self) -> None:
        now = time.monotonic()
        for slot in self._slots.values():
            if slot.proc is not None and (code := slot.proc.poll()) is not None:
                self._exited(slot, code, now)
            elif slot.state is State.starting and slot.proc is not None:
                if self._ready(slot):
                    self._up(slot, now)
                elif now - slot.started > slot.child.start_timeout:
                    stop_for_sure(slot.proc, slot.child.stop_timeout, slot.child.ask_stop)
                    self._exited(slot, slot.proc.returncode, now, timed_out=True)
            elif slot.state is not State.waiting and (moved := self._moved_needs(slot)):
                log.info("%s: %s moved to another port; restarting it against the new address", slot.child.name, moved)
                assert slot.proc is not None
                stop_for_sure(slot.proc, slot.child.stop_timeout, slot.child.ask_stop)
                slot.proc, slot.state, slot.restart_at = None, State.waiting, now
                self._write_pids()
        for slot in self._slots.values():
            if slot.state is State.waiting and now >= slot.restart_at and self._needs_up(slot):
                self._spawn(slot, now)

    def _needs_up(self, slot: _Slot) -> bool:
        return all(self._slots[need].state is State.up for need in slot.child.needs)

    def _moved_needs(self, slot: _Slot) -> str:
        moved = [
            need
            for need in slot.child.needs
            if self._slots[need].state is State.up and self._slots[need].child.port != slot.seen.get(need)
        ]
        return ", ".join(moved)

    def _ready(self, slot: _Slot) -> bool:
        assert slot.proc is not None
        child = slot.child
        if child.ready is not None:
            return child.ready(slot.proc, child.port)
        return child.port is None or listens_on(slot.proc.pid, child.port)

    def _spawn(self, slot: _Slot, now: float) -> None:
        child = slot.child
        if child.port is not None and not child.fixed_port and not slot.was_up and slot.failures == 0:
            child.port = free_port(child.port)  # the first start: the preferred port if it looks free
        slot.seen = {need: self._slots[need].child.port for need in child.needs}
        try:
            env = dict(child.env(child.port)) if child.env else None
            slot.proc = subprocess.Popen(child.command(child.port), env=env, start_new_session=True, **child.popen)
        except OSError as exc:
            slot.failures += 1
            delay = self.backoff(slot.failures)
            slot.restart_at = now + delay
            log.error("%s could not be started (%s); retrying in %s", child.name, exc, _in(delay))
            return
        slot.state, slot.started = State.starting, now
        self._write_pids()

    def _up(self, slot: _Slot, now: float) -> None:
        child = slot.child
        slot.state, slot.up_since = State.up, now
        where = f" on port {child.port}" if child.port is not None else ""
        if slot.was_up or slot.failures:
            again = " again" if slot.was_up else ""
            log.info("%s is up%s%s (pid %s)", child.name, again, where, slot.proc.pid if slot.proc else "?")
        slot.was_up = True

    def _exited(self, slot: _Slot, code: int, now: float, timed_out: bool = False) -> None:
        """Schedules the restart and says so in one line: which child, how it ended, when it starts again."""
        child = slot.child
        assert slot.proc is not None
        pid = slot.proc.pid
        _signal_group(pid, signal.SIGKILL)  # what it left behind in its group would hold its port or memory
        was_up, ran = slot.state is State.up, now - slot.started
        slot.proc, slot.state = None, State.waiting
        self._write_pids()
        if was_up and now - slot.up_since >= self.stable_after:
            slot.failures = 0
        ended = f"was not up {child.start_timeout:g} s after its start" if timed_out else describe_exit(code)
        who = f"{child.name} (pid {pid}) {ended}"
        port = child.port
        if not was_up and port is not None and port_in_use(port):  # it lost the race for its port
            if not child.fixed_port and not (child.keep_port and slot.was_up):
                child.port = free_port()
                slot.restart_at = now
                log.warning(f"{who}: port {port} was taken by another process; starting it on port {child.port} now")
                return
            slot.failures += 1
            delay = self.backoff(slot.failures)
            slot.restart_at = now + delay
            log.warning(f"{who}: port {port} is taken by another process; trying that port again in {_in(delay)}")
            return
        slot.failures += 1
        delay = self.backoff(slot.failures)
        slot.restart_at = now + delay
        waiting = [need for need in child.needs if self._slots[need].state is not State.up]
        then = f" once {' and '.join(waiting)} {'is' if len(waiting) == 1 else 'are'} up" if waiting else ""
        hint = f"; see {child.hint}" if child.hint else ""
        log.warning(f"{who} after {ran:.1f} s; restarting in {_in(delay)}{then}{hint}")

    # Stopping ----------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def handling_signals(self) -> Iterator[None]:
        """Ctrl-C, SIGTERM (to us or to our whole process group) and SIGHUP only set a flag, so the children are
        stopped in order by stop_all, whatever the signal interrupted, and a second signal changes nothing."""

        def request_stop(signum: int, frame: FrameType | None) -> None:
            self.stopping = True
            self.stop_signal = self.stop_signal or signum  # logged by stop_all, outside the handler

        previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def stop_all(self) -> None:
        """Last added, first stopped: the web app and the worker go before the servers they use."""
        self.stopping = True
        if self.stop_signal:
            log.info("%s: stopping everything", signal.Signals(self.stop_signal).name)
        for name, proc in list(self._one_shots.items()):
            stop_for_sure(proc, 10)
            del self._one_shots[name]
        for slot in reversed(list(self._slots.values())):
            if slot.proc is not None:
                stop_for_sure(slot.proc, slot.child.stop_timeout, slot.child.ask_stop)
                log.info("%s stopped", slot.child.name)
                slot.proc, slot.state = None, State.waiting
        self._write_pids()

    def _write_pids(self) -> None:
        """For the next launcher, should this one be killed outright: it stops what is left (infra.local)."""
        if self.pid_file is None:
            return
        pids = {name: proc.pid for name, proc in self._one_shots.items()}
        pids |= {name: slot.proc.pid for name, slot in self._slots.items() if slot.proc is not None}
        if pids:
            self.pid_file.write_text(json.dumps(pids))
        else:
            self.pid_file.unlink(missing_ok=True)


def _in(delay: float) -> str:
    at = datetime.now() + timedelta(seconds=delay)
    return f"{delay:g} s (at {at:%H:%M:%S})"

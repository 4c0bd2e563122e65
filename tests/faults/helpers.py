"""Small real child processes for the supervisor's tests: they start in a few milliseconds."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from infra.supervisor import Supervisor

# Listens on the port given as its argument until killed; fails (exit 1) if the port is taken.
SERVE = (
    "import socket, sys, time\n"
    "s = socket.socket()\n"
    "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.bind(('127.0.0.1', int(sys.argv[1])))\n"
    "s.listen()\n"
    "time.sleep(600)\n"
)

# Ignores SIGTERM, and so does the grandchild it starts in a session of its own (out of its process group);
# the grandchild's pid goes to the file named by its argument.
STUBBORN = (
    "import signal, subprocess, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "code = 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'\n"
    "grandchild = subprocess.Popen([sys.executable, '-c', code], start_new_session=True)\n"
    "open(sys.argv[1], 'w').write(str(grandchild.pid))\n"
    "time.sleep(600)\n"
)


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-I", "-S", "-c", code, *args]


def serve(port: int | None) -> list[str]:
    return python(SERVE, str(port))


def fast(stable_after: float = 60.0) -> Supervisor:
    """Back-off in tenths of a second, so that several restarts fit in a test."""
    return Supervisor(backoff_initial=0.1, backoff_max=0.4, stable_after=stable_after, tick=0.02)


def gone(pid: int) -> bool:
    """Dead, or a zombie nobody reaped yet (this machine's init may not reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state == "Z"


def occupy(port: int) -> socket.socket:
    """Another process's server on the port, as far as the child can tell."""
    taken = socket.socket()
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    taken.bind(("127.0.0.1", port))
    taken.listen()
    return taken

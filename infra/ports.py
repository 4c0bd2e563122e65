"""Local TCP ports: choosing one, and telling whether a process, or anybody at all, listens on one.

Probing a port by connecting cannot tell our server from another checkout's on the same port, so the listening
sockets are read from /proc (Linux) and matched to the process's own file descriptors.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


def free_port(preferred: int | None = None) -> int:
    """The preferred port if nobody listens on it now, else one the kernel picks; the caller must still expect
    to lose a race for it (see infra.supervisor)."""
    if preferred:
        with socket.socket() as probe, contextlib.suppress(OSError):
            # SO_REUSEADDR as the servers set it: connections in TIME_WAIT do not make the port busy.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", preferred))
            return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) > 9 and fields[3] == _LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def port_in_use(port: int) -> bool:
    """Somebody listens on the port, on any local address."""
    return bool(_listening_inodes(port))


def listens_on(pid: int, port: int) -> bool:
    """The process itself holds a listening socket on the port (not merely somebody else answering there)."""
    inodes = _listening_inodes(port)
    if not inodes:
        return False
    fd_dir = Path(f"/proc/{pid}/fd")
    with contextlib.suppress(OSError):
        for fd in fd_dir.iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return True
    return False

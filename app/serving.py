"""Running uvicorn for `ticketgw serve`: one process, or several workers with a socket each.

uvicorn's own workers share one listening socket, and an idle worker's event loop accepts every
connection pending on it at once. Under a few keep-alive clients (a load balancer's pool, or
wrk with 8 connections) one worker took all of them and the others sat idle: measured with two
workers, 8 connections of 8 went to one, run after run. Here each worker listens on a socket of
its own, bound to the same address with SO_REUSEPORT, and the kernel spreads new connections
over the sockets. The supervisor keeps the sockets open, so a worker that dies is replaced on
the same socket and the connections waiting there are served by its successor, not dropped.

A worker outlives no supervisor, even one killed with SIGKILL (which can't pass anything on):
each worker asks the kernel for SIGTERM when its parent dies (Linux's PR_SET_PDEATHSIG), or
elsewhere watches its parent's pid, and then shuts down as on any SIGTERM, freeing the port.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

log = logging.getLogger("ticketgw")


APP = "app.main:create_app"
# uvicorn's protocol with a deadline for request headers (it has none of its own).
HTTP_PROTOCOL = "app.http.header_deadline:HeaderDeadlineProtocol"


def serve(workers: int, **uvicorn_options: Any) -> None:
    uvicorn_options.setdefault("http", HTTP_PROTOCOL)
    if workers > 1 and hasattr(socket, "SO_REUSEPORT"):
        config = uvicorn.Config(APP, factory=True, workers=workers, **uvicorn_options)
        sockets = listening_sockets(config.host, config.port, config.backlog, workers)
        log.info(
            "Listening on http://%s:%d with %d workers, one socket each",
            config.host,
            config.port,
            workers,
        )
        SocketPerWorker(config, sockets).run()
    else:  # one process, or a platform without SO_REUSEPORT: uvicorn's own way
        uvicorn.run(APP, factory=True, workers=workers, **uvicorn_options)


def listening_sockets(host: str, port: int, backlog: int, count: int) -> list[socket.socket]:
    """`count` sockets sharing one address through SO_REUSEPORT. The address must be free
    first: SO_REUSEPORT would as well let a second server (this one started twice) join it
    silently, each then answering some of the connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:  # as uvicorn alone would bind
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        log.error("Cannot listen on %s:%d: %s", host, port, error)
        raise SystemExit(1) from None
    sockets = []
    for _ in range(count):
        sock = socket.create_server((host, port), family=family, backlog=backlog, reuse_port=True)
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK_INTERVAL = 1.0  # seconds, where the kernel can't tell us


def exit_with_parent(parent_pid: int) -> None:
    """SIGTERM this process when `parent_pid` is no longer its parent."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0:
            if os.getppid() != parent_pid:  # it died before we asked
                os.kill(os.getpid(), signal.SIGTERM)
            return
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_INTERVAL)
    os.kill(os.getpid(), signal.SIGTERM)


class Worker(Process):
    """uvicorn's worker process, ending itself when the supervisor is gone."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        self.supervisor_pid = os.getpid()
        super().__init__(config, sockets)

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover
        exit_with_parent(self.supervisor_pid)  # runs in the worker
        super().target(sockets)


class SocketPerWorker(Multiprocess):
    """uvicorn's supervisor (signals, health checks, restarts), with worker i always on
    socket i: a replacement takes over the socket of the worker it replaces."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)

    def _start(self, slot: int) -> Process:
        process = Worker(self.config, [self.sockets[slot]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._start(slot) for slot in range(len(self.sockets))]

    def keep_subprocess_alive(self) -> None:
        for slot, process in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # dead or hung
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                # It failed before serving (the app, the database...): so would a replacement.
                log.error("Worker %s failed to start; stopping", process.pid)
                self.should_exit.set()
                return
            log.info("Worker %s stopped (exit %s); starting another", process.pid, process.exitcode)
            self.processes[slot] = self._start(slot)

    def restart_all(self) -> None:
        """SIGHUP: replace the workers one by one, each serving on its predecessor's socket
        before the predecessor stops."""
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._start(slot)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                log.error("Worker %s was not ready in time; keeping %s", new.pid, old.pid)
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def handle_ttin(self) -> None:
        log.info("SIGTTIN: not supported with a socket per worker; restart with --workers")

    def handle_ttou(self) -> None:
        log.info("SIGTTOU: not supported with a socket per worker; restart with --workers")

"""Serving the site: gunicorn with several worker processes, each with a few threads.

The app is built once, in the master process, and the workers are forked from it
(so they share its memory and its SECRET_KEY, which is random per process when not
set); each worker opens its own database connections. Where gunicorn cannot run
(it needs fork, so not on Windows), waitress serves in one process with threads.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from tracker.web import cache


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    return 2 * cores() + 1


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``app`` until stopped (SIGTERM or Ctrl+C)."""
    engine = app.extensions["engine"]
    engine.dispose()  # connections of the set-up are not handed to the workers
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        from waitress import serve as waitress_serve

        waitress_serve(app, host=host, port=port, threads=max(8, workers * threads), ident="tracker")
        return

    # Workers share rendered pages through a folder of this server's own (unless Redis is set).
    pages = Path(tempfile.mkdtemp(prefix="tracker-pages-"))
    atexit.register(_remove_in, os.getpid(), pages)
    cache.share_between_processes(app, pages)

    def post_fork(_server: Any, _worker: Any) -> None:
        engine.dispose(close=False)  # SQLAlchemy's advice for a pool inherited through fork

    options: dict[str, Any] = {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "proc_name": "tracker",
        "post_fork": post_fork,
        # gunicorn >= 25 otherwise opens a control socket under $HOME, one path for every server.
        "control_socket_disable": True,
        "errorlog": "-",
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Flask:
            return app

    Server().run()


def _remove_in(owner: int, folder: Path) -> None:
    """Remove ``folder`` when the process that made it exits: workers inherit the exit hook
    through fork, and one leaving (a restart) must not take the folder from the others."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)

"""`kho scheduler`: a long-running loop that runs due syncs with retries; stops on SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kho.access.actors import Actor
    from kho.platform import Platform

log = logging.getLogger("kho.scheduler")


def run_scheduler(
    platform: Platform,
    *,
    actor: Actor,
    tick: float = 30.0,
    retries: int = 3,
    backoff: float = 60.0,
    once: bool = False,
    stop: threading.Event | None = None,
) -> list[dict[str, Any]]:
    """Run due syncs every ``tick`` seconds until stopped; returns the runs it made."""
    from kho.migrate.sync import Syncer

    stop = stop or threading.Event()
    _install_signals(stop)
    syncer = Syncer(platform)
    done: list[dict[str, Any]] = []
    while not stop.is_set():
        for name in syncer.due(datetime.now(UTC)):
            if stop.is_set():
                break
            log.info("sync %s: starting", name)
            result = syncer.run_with_retries(
                name, actor=actor, retries=retries, backoff=backoff, sleep=stop.wait
            )
            log.info("sync %s: %s", name, result["status"])
            done.append(result)
        if once:
            break
        stop.wait(tick)
    return done


def _install_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

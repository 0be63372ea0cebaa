"""A daemon thread that runs one pass every so many seconds, until its stop is called."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["start_periodic"]

#: How long stop() waits for a pass under way before it gives up on the (daemon) thread.
JOIN_TIMEOUT_S = 5.0


def start_periodic(name: str, every_s: float, run_pass: Callable[[], None]) -> Callable[[], None]:
    """Run ``run_pass`` every ``every_s`` seconds (the first after one period); returns its stop.

    ``run_pass`` handles the failures it expects itself: the thread does not outlive one it
    lets through.
    """
    stopped = threading.Event()

    def run() -> None:
        while not stopped.wait(every_s):
            run_pass()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def stop() -> None:
        stopped.set()
        thread.join(timeout=JOIN_TIMEOUT_S)

    return stop

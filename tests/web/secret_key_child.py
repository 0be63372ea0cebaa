"""The child of the secret-key race: resolves the key in a directory once told to start.

A module of its own so that each spawned process imports only core's settings, not the web
application the test module imports (six spawned copies of that took most of the test's time).
"""

from __future__ import annotations

import multiprocessing.synchronize
import os
from multiprocessing.queues import Queue


def resolve(directory: str, start: multiprocessing.synchronize.Event, out: Queue[str]) -> None:
    """Wait for `start`, then put the key `CoreSettings` resolves in `directory` on `out`."""
    from core import CoreSettings

    os.chdir(directory)
    start.wait()
    out.put(CoreSettings(secret_key="").resolved_secret_key())

"""Fit the chat's models into the test cache before the test processes need them.

`python -m tests.warm_models` builds what every chat test (and every web server a test starts)
would otherwise build on first use: the sentence vectors of the intent examples, the intent
classifier and the close-call detector (assistant/intents/classifier.py keeps them on disk,
named by their data, under a lock file). `tests/conftest.py` starts it in the background when a
run with several test processes begins and moves the chat's test files behind core's, so the
fit runs beside the core tests instead of while every process waits on the same lock. Without
it, or if it fails, the first test that needs a model fits it as before.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    """Warm the cache named by FACET_ASSISTANT_EMBEDDING_CACHE_DIR; 0 when done."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from assistant.chat import Assistant
    from assistant.intents.encoder import SentenceEncoder, default_model_path
    from assistant.settings import AssistantSettings
    from core import Database
    from core.migrate import upgrade

    if not default_model_path().exists():
        return 0
    settings = AssistantSettings()
    if settings.embedding_cache_dir is None:
        return 0
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'warm.db'}"
        upgrade(url)
        db = Database(url)
        encoder = SentenceEncoder(threads=1, cache_dir=settings.embedding_cache_dir)
        encoder.load()
        chat = Assistant(db, settings, encoder=encoder)
        chat.embeddings.warm_up()
        if chat.close_detector is not None:
            chat.close_detector.warm_up()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Labelled questions the intent classifier is trained on, besides the hand-written examples.

Files live in ``assistant/data/training/<source>.yaml``, one per writer (each wrote apart from
the others, so leaving one out measures how the classifier carries over to a new writer: see
bench/assistant_chat_cv.py). Each holds ``items``, each with ``text`` and either ``intent`` (an
intent, or ``out_of_scope`` for a general-assistant question or a warehouse question the chat
cannot answer) or ``intents`` (a close call between two intents: it is an example of both, so the
classifier learns to split its probability there and the chat asks back). ``slots`` and
``topic`` are kept for reference; the classifier does not read them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from assistant.errors import IntentDataError
from assistant.intents.data import read_yaml

__all__ = ["OUT_OF_SCOPE", "TrainingItem", "fingerprint", "load_training", "training_sources"]

#: The label of general-assistant questions and of questions the chat cannot answer.
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class TrainingItem:
    """One labelled question: its text, its intents (two for a close call) and its source."""

    text: str
    intents: tuple[str, ...]
    source: str


def _folder() -> Traversable:
    return resources.files("assistant").joinpath("data", "training")


def training_sources() -> tuple[str, ...]:
    """The sources (writers) shipped, by file name."""
    folder = _folder()
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


@cache
def _load(source: str) -> tuple[TrainingItem, ...]:
    path = _folder().joinpath(f"{source}.yaml")
    data = read_yaml(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise IntentDataError(f"training/{source}.yaml must be a mapping with items")
    out = []
    for item in data["items"]:
        text = str(item.get("text") or "").strip()
        intents = item.get("intents") or [item.get("intent") or OUT_OF_SCOPE]
        if not text:
            raise IntentDataError(f"training/{source}.yaml: an item has no text")
        out.append(TrainingItem(text, tuple(str(i) for i in intents), source))
    return tuple(out)


def load_training(exclude: Iterable[str] = ()) -> tuple[TrainingItem, ...]:
    """Every shipped training item, without the sources in ``exclude``."""
    skip = set(exclude)
    return tuple(item for source in training_sources() if source not in skip
                 for item in _load(source))


def fingerprint(items: Iterable[TrainingItem]) -> str:
    """A short hash of the items' texts and labels (what a fitted model is cached under)."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item.text}\t{'|'.join(item.intents)}\n".encode())
    return digest.hexdigest()[:16]

"""What a process pays for the chat at start-up: the web app builds the assistant on first use,
not in ``create_app``; the shipped training questions and their prepared forms are read from
one cache file named by the package's code and data, and a broken file is made again."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

import assistant.chat as chat_module
from assistant.chat import _PREPARED, Assistant, _prepared_training, _shipped_training
from assistant.intents.training import load_training
from core.settings import CoreSettings
from web.app import Settings, create_app
from web.services import services_of


def test_the_app_builds_its_assistant_on_first_use_only(tmp_path: Path) -> None:
    settings = CoreSettings(database_url=f"sqlite:///{tmp_path / 'app.db'}",
                            secret_key="start-up-test-signing-key-" * 2)
    services = services_of(create_app(Settings(core=settings)))
    built: list[Assistant] = []

    def factory() -> Assistant:
        built.append(cast(Assistant, object()))  # a stand-in: only its identity is checked
        return built[-1]

    services.assistant_factory = factory
    assert not services.assistant_built
    first, again = services.assistant, services.assistant
    assert first is again and built == [first] and services.assistant_built


def test_the_prepared_training_is_read_back_from_its_cache_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = load_training()
    assert _shipped_training(tmp_path) == shipped
    [written] = tmp_path.glob("prepared-training-*.pkl")
    _PREPARED.clear()

    def no_yaml() -> None:
        raise AssertionError("the training files were read again")

    monkeypatch.setattr(chat_module, "load_training", no_yaml)
    assert _shipped_training(tmp_path) == shipped  # from the file alone
    assert list(_PREPARED.values()) == [_prepared_training(shipped)]
    monkeypatch.undo()
    written.write_bytes(b"not a pickle")
    assert _shipped_training(tmp_path) == shipped
    assert written.read_bytes() != b"not a pickle"  # made again

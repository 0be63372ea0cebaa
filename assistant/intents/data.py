"""Intent data files: templates, embedding examples and response wording per language.

Files live in ``assistant/data/intents/<language>/``: ``intents.yaml`` (rules and intents with
sentence templates, hassil's layout), ``examples.yaml`` (sentences for the similarity tier) and
``responses.yaml`` (answer wording). ``examples.yaml`` may set ``threshold``, the similarity a
question needs to be answered in that language when its tier is not the sentence model.

Each kind may be split into parts: ``intents.<part>.yaml``, ``examples.<part>.yaml`` and
``responses.<part>.yaml`` (reports, actions, scope) are read after the main file and merged
into it; rules are shared across parts, and an intent, example group, contrast or response
defined twice is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from assistant.errors import IntentDataError
from assistant.intents.templates import CompiledTemplate, compile_template

__all__ = ["LANGUAGES", "IntentData", "load_intents", "read_yaml"]

LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class IntentData:
    """Everything the chat knows about one language."""

    language: str
    templates: tuple[CompiledTemplate, ...]
    examples: dict[str, tuple[str, ...]]
    descriptions: dict[str, str]
    responses: dict[str, str]
    contrasts: dict[str, dict[str, tuple[str, ...]]]
    similarity_threshold: float | None = None


def read_yaml(text: str) -> Any:
    """YAML text parsed by libyaml's safe loader when it is built (the same data as PyYAML's
    own, several times faster on the intent files every process reads at start-up)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _read(language: str, name: str) -> dict[str, Any]:
    path = resources.files("assistant").joinpath("data", "intents", language, name)
    if not path.is_file():
        raise IntentDataError(f"no {name} for language {language!r}")
    data = read_yaml(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise IntentDataError(f"{language}/{name} must be a mapping")
    return data


def _merged(language: str, kind: str) -> dict[str, Any]:
    """``<kind>.yaml`` with every ``<kind>.<part>.yaml`` merged in (mappings joined, once)."""
    merged = _read(language, f"{kind}.yaml")
    folder = resources.files("assistant").joinpath("data", "intents", language)
    parts = sorted(p.name for p in folder.iterdir()
                   if p.name.startswith(f"{kind}.") and p.name.endswith(".yaml")
                   and p.name != f"{kind}.yaml")
    for name in parts:
        for key, value in _read(language, name).items():
            if key in ("language", "spaced", "threshold"):
                continue
            if not isinstance(value, dict):
                raise IntentDataError(f"{language}/{name}: {key} must be a mapping")
            into = merged.setdefault(key, {})
            twice = sorted(set(into) & set(value))
            if twice:
                raise IntentDataError(f"{language}/{name}: {key} {', '.join(twice)} defined twice")
            into.update(value)
    return merged


def _templates(data: dict[str, Any]) -> tuple[list[CompiledTemplate], dict[str, str]]:
    rules = {str(k): str(v) for k, v in (data.get("rules") or {}).items()}
    spaced = bool(data.get("spaced", True))
    templates, descriptions = [], {}
    for intent, spec in (data.get("intents") or {}).items():
        descriptions[str(intent)] = str(spec.get("description", intent))
        for block in spec.get("data") or ():
            fixed = {str(k): str(v) for k, v in (block.get("slots") or {}).items()}
            for sentence in block.get("sentences") or ():
                templates.append(compile_template(str(intent), str(sentence), rules=rules,
                                                  fixed_slots=fixed, spaced=spaced))
    return templates, descriptions


@cache
def load_intents(language: str) -> IntentData:
    """Load and compile one language's intent files (cached per process)."""
    if language not in LANGUAGES:
        raise IntentDataError(f"no intents for language {language!r}")
    templates, descriptions = _templates(_merged(language, "intents"))
    example_file = _merged(language, "examples")
    examples = {str(k): tuple(str(s) for s in v)
                for k, v in (example_file.get("examples") or {}).items()}
    contrasts = {str(k): {str(o): tuple(str(w).lower() for w in words)
                          for o, words in (v or {}).items()}
                 for k, v in (example_file.get("contrasts") or {}).items()}
    responses = {str(k): str(v)
                 for k, v in (_merged(language, "responses").get("responses") or {}).items()}
    threshold = example_file.get("threshold")
    return IntentData(language, tuple(templates), examples, descriptions, responses, contrasts,
                      float(threshold) if threshold is not None else None)

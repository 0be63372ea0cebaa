"""`facet voice`: transcribe WAV files against a dialogue grammar, and enrol a picker's voice.

Both load the configured speech engine once for all files (``FACET_ASSISTANT_*`` settings).
WAVs at 8 or 16 kHz are decoded at their own rate; other rates are resampled to 16 kHz.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from core import CoreSettings
from web.extras import exit_unless_installed
from web.settings import Settings

__all__ = ["app", "label_of", "transcribe_file"]

app = typer.Typer(help="Voice picking: transcribe audio, enrol a picker's voice.",
                  no_args_is_help=True)


@app.callback()
def _needs_the_extra() -> None:
    """The speech engines come with facet[assistant]."""
    exit_unless_installed("assistant")

_EXPECT = {"digits": "digits", "quantity": "quantity", "command": "none",
           "characters": "characters", "yes-no": "yes_no", "ready": "ready"}
_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _read(path: Path) -> tuple[bytes, int]:
    """The file's PCM at 8 or 16 kHz (its own rate when it is one of them)."""
    from assistant.speech.audio import resample_poly, to_pcm, wav_samples

    samples, rate = wav_samples(path.read_bytes())
    if rate not in (8000, 16000):
        samples, rate = resample_poly(samples, rate, 16000), 16000
    return to_pcm(samples), rate


def transcribe_file(recognizer_at: Callable[[int], Any], pack: Any, expect: str, path: Path,
                    rule: Any, vad_settings: Any, most: int | None = None) -> dict[str, object]:
    """Decode one file as a dialogue state expecting `expect` would: the first answer.

    `rule` is the dialogue's `Rejection`; a quantity equal to `most` is one that would post."""
    from assistant.voice import parse_command, vad_from_settings
    from assistant.voice.listener import Listener

    pcm, rate = _read(path)
    recognizer = recognizer_at(rate)
    listener = Listener(recognizer, vad_from_settings(vad_settings, rate),
                        hangover_ms=vad_settings.hangover_ms, sample_rate=rate)
    heard = [t for t in listener.feed(pcm + bytes(rate // 2 * 2)) if t.is_final and t.text]
    last = listener.flush()
    heard += [last] if last is not None and last.text else []
    final = heard[0] if heard else None
    text = final.text if final is not None else ""
    command = parse_command(text, pack, expect)  # type: ignore[arg-type]
    acts = (command.kind == "yes" if expect == "yes_no"
            else command.kind == "quantity" and most is not None and command.value == most)
    rejected = (not text or command.kind == "unknown" or final is None
                or rule.rejects(final, confirming=expect == "yes_no", acts=acts))
    score = final.score if final is not None else None
    return {"file": str(path), "text": text, "command": command.kind, "value": command.value,
            "score": None if score is None else round(score, 4), "rejected": rejected}


def _fail(message: str) -> None:
    typer.echo(json.dumps({"error": message}), err=True)
    raise typer.Exit(2)


def _profile(settings: CoreSettings, engine_name: str, operator: str) -> bytes:
    from core import Database
    from core.voice import voice_profile

    db = Database.from_settings(settings)
    with db.read() as session:
        found = voice_profile(session, operator_id=operator, engine=engine_name)
    if found is None:
        _fail(f"operator {operator} has no voice profile for the {engine_name} engine "
              "(enrol with `facet voice enroll`)")
        raise AssertionError  # unreachable
    return found.data


@app.command("transcribe")
def transcribe(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False,
                                                help="WAV files (8 or 16 kHz mono 16-bit).")],
    expect: Annotated[str, typer.Option(help="digits, quantity, command, characters, yes-no "
                                             "or ready: what the dialogue state expects.")
                      ] = "digits",
    digits: Annotated[int | None, typer.Option(min=1, max=12, help="With --expect digits: "
                                               "exactly this many digits.")] = None,
    most: Annotated[int | None, typer.Option(min=0, max=999, help="With --expect quantity: "
                                             "the largest quantity that makes sense.")] = None,
    operator: Annotated[str | None, typer.Option(help="Decode with this operator's voice "
                                                 "profile (from the database).")] = None,
) -> None:
    """Print one JSON line per file: file, text, command, value, score, rejected."""
    from assistant.speech import AssistantError
    from assistant.speech.factory import create_speech_engine, rejection_thresholds
    from assistant.voice import load_language

    if expect not in _EXPECT:
        _fail(f"--expect must be one of {', '.join(_EXPECT)}")
    tree = Settings()
    settings = tree.assistant
    pack = load_language(settings.language)
    try:
        engine = create_speech_engine(settings)
        profile = _profile(tree.core, engine.name, operator) if operator else None
        grammar = pack.grammar(_EXPECT[expect], digits=digits, most=most)  # type: ignore[arg-type]
        recognizers: dict[int, Any] = {}

        def recognizer_at(rate: int) -> Any:
            if rate not in recognizers:
                recognizers[rate] = _recognizer(engine, grammar, rate, profile)
            return recognizers[rate]

        rule = rejection_thresholds(settings, engine.name)
        for path in files:
            row = transcribe_file(recognizer_at, pack, _EXPECT[expect], path, rule,
                                  settings.vad, most)
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    except AssistantError as exc:
        _fail(exc.message)


def _recognizer(engine: Any, grammar: Any, rate: int, profile: bytes | None) -> Any:
    """A recogniser at `rate`, with the operator's profile where the engine can use it there
    (a PocketSphinx profile is made for one band: the other band decodes without it)."""
    from assistant.speech import EnrolmentError

    if profile is not None:
        try:
            return engine.recognizer(grammar, sample_rate=rate, profile=profile)
        except EnrolmentError as exc:
            typer.echo(json.dumps({"warning": f"{rate} Hz files decode without the voice "
                                              f"profile: {exc.message}"}), err=True)
    return engine.recognizer(grammar, sample_rate=rate)


def label_of(path: Path, known: frozenset[str]) -> str:
    """What a WAV says: its sidecar ``.txt``, else the leading words of its name.

    In a name, words are separated by ``_``, ``-``, ``.`` or spaces; digits count as their
    words (``4_george_12.wav`` says "four", ``skip_slot-take2.wav`` "skip slot"); reading
    stops at the first word that is not in the vocabulary.
    """
    sidecar = path.with_suffix(".txt")
    if sidecar.is_file():
        return " ".join(sidecar.read_text(encoding="utf-8").lower().split())
    words: list[str] = []
    for token in re.split(r"[_\-. ]+", path.stem.lower()):
        spoken = [_DIGITS[int(c)] for c in token] if token.isdigit() else [token]
        if not token or not all(w in known for w in spoken):
            break
        words += spoken
    return " ".join(words)


@app.command("enroll")
def enroll(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False,
                                                help="Labelled WAVs of the picker.")],
    operator: Annotated[str, typer.Option(help="The picker's operator id (spoken at sign-on).")],
) -> None:
    """Adapt the speech engine to a picker from labelled recordings and store the profile.

    The text of each WAV is in a sidecar ``.txt`` or in its name (see `label_of`). Prints a
    JSON summary; exit 2 if the recordings cannot make a profile.
    """
    from assistant.speech import AssistantError
    from assistant.speech.base import EnrolmentUtterance
    from assistant.speech.factory import create_speech_engine
    from core import CoreError, Database
    from core.people.service import system_actor
    from core.voice import save_voice_profile

    settings = Settings()
    try:
        engine = create_speech_engine(settings.assistant)
        known = frozenset(getattr(getattr(engine, "model", None), "words", ()) or _DIGITS)
        takes = [(*_read(path), label_of(path, known), path) for path in files]
        unlabelled = [str(p) for _, _, text, p in takes if not text]
        if unlabelled:
            _fail(f"no text for {', '.join(unlabelled)}: add a .txt beside it or name it "
                  "after what is said")
        rate = 8000 if all(r == 8000 for _, r, _, _ in takes) else 16000
        utterances = [EnrolmentUtterance(_at(pcm, r, rate), text) for pcm, r, text, _ in takes]
        adaptation = engine.adapt(utterances, sample_rate=rate)
        db = Database.from_settings(settings.core)
        with db.write() as session:
            saved = save_voice_profile(
                session, actor=system_actor(session), operator_id=operator,
                engine=adaptation.engine, sample_rate=adaptation.sample_rate,
                data=adaptation.data, utterances=adaptation.utterances,
                details=dict(adaptation.details))
    except (AssistantError, CoreError) as exc:
        _fail(getattr(exc, "message", str(exc)))
        return
    typer.echo(json.dumps({"operator": operator, "engine": adaptation.engine,
                           "sample_rate": rate, "utterances": adaptation.utterances,
                           "profile_id": saved.id, **dict(adaptation.details)}))


def _at(pcm: bytes, rate: int, target: int) -> bytes:
    """`pcm` resampled from `rate` to `target` (unchanged when equal)."""
    if rate == target:
        return pcm
    import numpy as np

    from assistant.speech.audio import resample_poly, to_pcm

    return to_pcm(resample_poly(np.frombuffer(pcm, dtype="<i2").astype(np.float64), rate,
                                target))

"""Settings, engine factory and the energy VAD."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from assistant.speech import (
    AssistantSettings,
    EnergyVad,
    FakeSpeechEngine,
    PocketSphinxEngine,
    SpeechModelNotFoundError,
    VoskEngine,
    create_speech_engine,
    encode_text,
)
from assistant.speech.audio import pcm_to_wav, silence, wav_to_pcm
from assistant.speech.embedding.engine import EmbeddingEngine
from assistant.speech.factory import engine_type
from assistant.voice import DialogueMachine, InMemoryPickingBackend, VoiceSession, load_language


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FACET_ASSISTANT_SPEECH__TYPE", "vosk")
    monkeypatch.setenv("FACET_ASSISTANT_SPEECH__VOSK_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("FACET_ASSISTANT_LANGUAGE", "zh")
    monkeypatch.setenv("FACET_ASSISTANT_TTS", "false")
    settings = AssistantSettings()
    assert settings.speech.type == "vosk" and settings.speech.vosk_model_dir == tmp_path
    assert settings.language == "zh" and settings.tts is False
    assert isinstance(create_speech_engine(settings), VoskEngine)


def test_settings_reject_unknown_keys_and_values() -> None:
    with pytest.raises(ValidationError):
        AssistantSettings(colour="blue")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        AssistantSettings(speech={"type": "whisper"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        AssistantSettings(speech={"type": "fake", "model": "x"})  # type: ignore[arg-type]


def test_every_setting_is_described() -> None:
    from assistant.speech import SpeechSettings, VadSettings

    for model in (AssistantSettings, SpeechSettings, VadSettings):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name}"


def test_factory_builds_each_engine_without_loading_models() -> None:
    assert isinstance(create_speech_engine(AssistantSettings(speech={"type": "fake"})),
                      FakeSpeechEngine)
    assert isinstance(create_speech_engine(AssistantSettings()), EmbeddingEngine)
    assert isinstance(create_speech_engine(AssistantSettings(speech={"type": "pocketsphinx"})),
                      PocketSphinxEngine)
    with pytest.raises(SpeechModelNotFoundError) as missing:
        create_speech_engine(AssistantSettings(speech={"type": "vosk"}))
    assert missing.value.code == "speech-model-not-found"


def test_the_engine_is_chosen_per_language(monkeypatch: pytest.MonkeyPatch) -> None:
    assert engine_type(AssistantSettings()) == "embedding"
    assert engine_type(AssistantSettings(language="zh")) == "vosk"
    with pytest.raises(SpeechModelNotFoundError, match="zh dialogue uses Vosk"):
        create_speech_engine(AssistantSettings(language="zh"))
    monkeypatch.setenv("FACET_ASSISTANT_SPEECH__ENGINES", '{"en": "pocketsphinx"}')
    assert engine_type(AssistantSettings()) == "pocketsphinx"
    assert engine_type(AssistantSettings(speech={"type": "fake"}, language="zh")) == "fake"


def test_vosk_engine_reports_a_missing_model(tmp_path: Path) -> None:
    engine = VoskEngine(tmp_path)
    with pytest.raises(SpeechModelNotFoundError):
        engine.recognizer()


def test_vad_finds_one_utterance_with_preroll_and_hangover() -> None:
    vad = EnergyVad(hangover_ms=240, preroll_ms=300)
    audio = silence(600) + encode_text("ready", silence_ms=0, lead_ms=0) + silence(600)
    events = vad.feed(audio)
    kinds = [e.kind for e in events]
    assert kinds[0] == "start" and kinds.count("start") == 1 and kinds[-1] == "end"
    assert len(events[0].audio) == 10 * 960  # 300 ms of pre-roll in 30 ms frames
    speech_end = len(silence(600) + encode_text("ready", silence_ms=0, lead_ms=0))
    assert 0 <= events[-1].offset_bytes - speech_end <= 32000 * 0.3


def test_vad_tracks_a_noise_floor() -> None:
    rng = np.random.default_rng(3)
    noise = (rng.normal(0, 300, 16000 * 2)).astype("<i2").tobytes()
    vad = EnergyVad()
    assert vad.feed(noise) == []
    assert vad.floor_db is not None and -45 < vad.floor_db < -35
    loud = (rng.normal(0, 6000, 8000)).astype("<i2").tobytes()
    assert [e.kind for e in vad.feed(loud)][0] == "start"


def test_vad_hands_on_only_background_that_no_utterance_will_get() -> None:
    heard: list[bytes] = []
    vad = EnergyVad(preroll_ms=300, on_background=heard.append)
    assert vad.feed(silence(900)) == []  # 30 frames: all but the 10 of the pre-roll handed on
    assert len(heard) == 20 and all(len(frame) == 960 for frame in heard)
    events = vad.feed(encode_text("ready", silence_ms=0, lead_ms=0) + silence(900))
    assert events[0].kind == "start" and len(events[0].audio) == 300 * 32
    assert len(heard) > 20 and not any(any(frame) for frame in heard)  # never a speech frame


def test_a_voice_session_lets_its_recogniser_hear_the_background(
    backend: InMemoryPickingBackend,
) -> None:
    recognizer = FakeSpeechEngine().recognizer()
    heard: list[bytes] = []
    recognizer.hear_background = heard.append  # type: ignore[method-assign]
    session = VoiceSession(DialogueMachine(backend, load_language("en")), recognizer)
    session.start()
    session.feed_audio(silence(990))  # 33 frames of 30 ms
    assert sum(len(b) for b in heard) == (33 - 10) * 960  # all but the pre-roll


def test_vad_cuts_off_endless_speech() -> None:
    vad = EnergyVad(max_utterance_ms=1000)
    kinds = [e.kind for e in vad.feed(encode_text("x" * 150, silence_ms=0))]
    assert "end" in kinds


def test_wav_conversion_resamples_and_mixes_down() -> None:
    stereo = np.zeros((22050, 2), dtype="<i2")
    stereo[:, 0] = 1000
    stereo[:, 1] = 3000
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(stereo.tobytes())
    pcm = wav_to_pcm(buffer.getvalue())
    assert len(pcm) == 32000
    assert abs(int(np.frombuffer(pcm, "<i2")[8000]) - 2000) <= 2
    assert wav_to_pcm(pcm_to_wav(pcm)) == pcm

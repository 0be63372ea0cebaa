"""`facet voice transcribe` and `facet voice enroll`, through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.speech.audio import pcm_to_wav, resample_poly, silence, to_pcm
from assistant.speech.tts import EspeakTts, espeak_available
from web.cli.main import app
from web.cli.voice import label_of

runner = CliRunner()
needs_espeak = pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")


def _wav(path: Path, text: str, rate: int = 16000, voice: str = "en-us") -> Path:
    pcm = silence(300) + EspeakTts(voice=voice, speed=170).synthesize(text) + silence(300)
    if rate != 16000:
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        pcm = to_pcm(resample_poly(samples, 16000, rate))
    path.write_bytes(pcm_to_wav(pcm, rate))
    return path


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@needs_espeak
def test_transcribe_prints_a_json_line_per_file_at_8_and_16_khz(tmp_path: Path) -> None:
    files = [_wav(tmp_path / "a.wav", "four two"), _wav(tmp_path / "b.wav", "seven one", 8000),
             _wav(tmp_path / "c.wav", "skip slot", 8000)]
    result = runner.invoke(app, ["voice", "transcribe", "--expect", "digits", "--digits", "2",
                                 *map(str, files)])
    assert result.exit_code == 0, result.output
    rows = _lines(result.output)
    assert [r["file"] for r in rows] == [str(f) for f in files]
    assert [(r["text"], r["command"], r["value"]) for r in rows] == [
        ("four two", "digits", "42"), ("seven one", "digits", "71"), ("skip slot", "skip", None)]
    assert set(rows[0]) == {"file", "text", "command", "value", "score", "rejected"}
    assert not any(r["rejected"] for r in rows)


@needs_espeak
def test_transcribe_quantities_and_commands(tmp_path: Path) -> None:
    qty = runner.invoke(app, ["voice", "transcribe", "--expect", "quantity", "--most", "24",
                              str(_wav(tmp_path / "q.wav", "twenty four"))])
    assert _lines(qty.output)[0]["value"] == 24
    command = runner.invoke(app, ["voice", "transcribe", "--expect", "command",
                                  str(_wav(tmp_path / "r.wav", "repeat"))])
    assert _lines(command.output)[0]["command"] == "repeat"


def test_transcribe_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    wav = tmp_path / "x.wav"
    wav.write_bytes(pcm_to_wav(silence(500)))
    bad = runner.invoke(app, ["voice", "transcribe", "--expect", "poems", str(wav)])
    assert bad.exit_code == 2 and "--expect must be one of" in bad.output
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really")
    result = runner.invoke(app, ["voice", "transcribe", str(broken)])
    assert result.exit_code == 2 and "not a PCM WAV" in result.output
    silent = runner.invoke(app, ["voice", "transcribe", str(wav)])
    assert silent.exit_code == 0 and _lines(silent.output)[0]["rejected"] is True


def test_labels_come_from_a_sidecar_or_the_name(tmp_path: Path) -> None:
    known = frozenset({"four", "two", "skip", "slot", "ready"})
    (tmp_path / "take1.txt").write_text("Four Two\n")
    assert label_of(tmp_path / "take1.wav", known) == "four two"
    assert label_of(tmp_path / "4_george_12.wav", known) == "four"
    assert label_of(tmp_path / "skip_slot-take2.wav", known) == "skip slot"
    assert label_of(tmp_path / "42.wav", known) == "four two"
    assert label_of(tmp_path / "hello.wav", known) == ""


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FACET_DATABASE_URL", url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(app, ["user", "add", "pia", "--role", "picker", "--operator-id",
                                "4711"], input="a-long-password\n")
    assert added.exit_code == 0, added.output
    return url


@needs_espeak
def test_enroll_stores_a_profile_that_transcribe_then_uses(cli_db: str, tmp_path: Path) -> None:
    texts = ["four two", "seven one", "ready", "skip slot", "twenty four", "one three five",
             "eight six", "nine zero", "sign off", "yes", "no", "kilo seven two alpha"]
    files = []
    for n, text in enumerate(texts):
        path = _wav(tmp_path / f"take{n}.wav", text, 8000, voice="en-gb+m3")
        path.with_suffix(".txt").write_text(text)
        files.append(str(path))
    result = runner.invoke(app, ["voice", "enroll", "--operator", "4711", *files])
    assert result.exit_code == 0, result.output
    summary = _lines(result.output)[0]
    assert summary["utterances"] == len(texts) and summary["sample_rate"] == 8000
    probe = _wav(tmp_path / "probe.wav", "four two", 8000, voice="en-gb+m3")
    heard = runner.invoke(app, ["voice", "transcribe", "--digits", "2", "--operator", "4711",
                                str(probe)])
    assert heard.exit_code == 0, heard.output
    assert _lines(heard.output)[0]["value"] == "42"


def test_enroll_refuses_unlabelled_and_unknown_operators(cli_db: str, tmp_path: Path) -> None:
    wav = tmp_path / "mystery.wav"
    wav.write_bytes(pcm_to_wav(silence(500)))
    unlabelled = runner.invoke(app, ["voice", "enroll", "--operator", "4711", str(wav)])
    assert unlabelled.exit_code == 2 and "no text for" in unlabelled.output
    nobody = runner.invoke(app, ["voice", "transcribe", "--operator", "9999", str(wav)])
    assert nobody.exit_code == 2 and "no voice profile" in nobody.output

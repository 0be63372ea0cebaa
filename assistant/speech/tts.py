"""Text-to-speech with espeak-ng, as 16 kHz mono PCM or WAV."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from typing import Protocol

from assistant.speech.audio import pcm_to_wav, wav_to_pcm
from assistant.speech.errors import TtsUnavailableError

__all__ = ["EspeakTts", "TextToSpeech", "default_voice", "espeak_available"]

_VOICES = {"en": "en-us", "zh": "cmn"}


def espeak_available() -> bool:
    """True if the `espeak-ng` command is installed."""
    return shutil.which("espeak-ng") is not None


def default_voice(language: str) -> str:
    """The espeak-ng voice used for a dialogue language."""
    return _VOICES.get(language, language)


class TextToSpeech(Protocol):
    """Turns prompt text into audio."""

    def synthesize(self, text: str) -> bytes:
        """Return 16 kHz mono 16-bit PCM speaking `text`."""
        ...


@dataclass(frozen=True)
class EspeakTts:
    """espeak-ng in a subprocess; voices like ``en-us``, ``en-gb+f3`` or ``cmn``.

    With `ssml`, the text is SSML (``<speak>four <break time="400ms"/> two</speak>``).
    """

    voice: str = "en-us"
    speed: int = 175
    pitch: int = 50
    ssml: bool = False

    def synthesize(self, text: str) -> bytes:
        """Return 16 kHz mono 16-bit PCM speaking `text`."""
        return wav_to_pcm(self.synthesize_wav(text))

    def synthesize_wav(self, text: str) -> bytes:
        """Return espeak-ng's own WAV (22.05 kHz mono) speaking `text`."""
        if not espeak_available():
            raise TtsUnavailableError("espeak-ng is not installed (apt-get install espeak-ng)")
        cmd = ["espeak-ng", *(["-m"] if self.ssml else []), "-v", self.voice,
               "-s", str(self.speed), "-p", str(self.pitch), "--stdout", text]
        done = subprocess.run(cmd, capture_output=True, check=False)
        if done.returncode != 0 or not done.stdout:
            raise TtsUnavailableError(f"espeak-ng failed: {done.stderr.decode(errors='replace')}")
        return done.stdout

    def wav(self, text: str) -> bytes:
        """Return 16 kHz mono WAV speaking `text` (what the websocket sends)."""
        return pcm_to_wav(self.synthesize(text))

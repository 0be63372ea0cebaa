"""Energy-based voice activity detection: adaptive noise floor, hysteresis and hangover."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from assistant.speech.base import SAMPLE_RATE, SAMPLE_WIDTH

__all__ = ["EnergyVad", "VadEvent", "frame_db"]

FRAME_MS = 30


def frame_db(pcm: bytes, *, high_pass_hz: float = 0.0, rate: int = SAMPLE_RATE) -> float:
    """Level of a 16-bit PCM frame in dB relative to full scale.

    With `high_pass_hz`, energy below that frequency is left out: rumble, fans and traffic
    (most warehouse noise) live there, while the speech that tells words apart does not.
    """
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if samples.size == 0:
        return -120.0
    if high_pass_hz > 0:
        spectrum = np.abs(np.fft.rfft(samples - samples.mean())) ** 2
        first = int(high_pass_hz * samples.size / rate)
        # Parseval: the in-band share of the mean square, without windowing loss.
        power = 2.0 * float(spectrum[first:].sum()) / samples.size**2
    else:
        power = float(np.mean(samples * samples))
    return 20.0 * math.log10(max(math.sqrt(power), 1e-3) / 32768.0)


@dataclass(frozen=True)
class VadEvent:
    """What one frame did: speech started (with pre-roll), continued, or ended.

    `quiet_ms` is how long the audio has been below the speech threshold, within an utterance.
    """

    kind: Literal["start", "speech", "end"]
    audio: bytes = b""
    offset_bytes: int = 0
    quiet_ms: int = 0


@dataclass
class EnergyVad:
    """Splits a PCM stream into utterances; feed any chunk size, get events per 30 ms frame.

    `sample_rate` is the stream's (8 or 16 kHz); the millisecond settings hold for both.
    """

    margin_db: float = 9.0
    min_level_db: float = -50.0
    start_ms: int = 60
    hangover_ms: int = 240
    preroll_ms: int = 300
    max_utterance_ms: int = 8000
    # Not in `VadSettings` (yet): measured on bench/assistant_voice.py at 10 dB SNR.
    high_pass_hz: float = 300.0
    end_margin_db: float | None = 5.0
    smooth_frames: int = 1
    # Called with each frame heard outside an utterance once it leaves the pre-roll, so never
    # sent to a decoder: the background a noise suppressor should learn.
    on_background: Callable[[bytes], None] | None = None
    sample_rate: int = SAMPLE_RATE
    in_speech: bool = field(default=False, init=False)
    floor_db: float | None = field(default=None, init=False)
    consumed_bytes: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        """Prepare buffers sized from the millisecond settings."""
        self.frame_bytes = self.sample_rate * FRAME_MS // 1000 * SAMPLE_WIDTH
        self._pending = bytearray()
        self._preroll: deque[bytes] = deque(maxlen=max(1, self.preroll_ms // FRAME_MS))
        self._loud_run = 0
        self._quiet_run = 0
        self._speech_frames = 0
        self._quietest = 0.0
        self._recent: deque[float] = deque(maxlen=max(1, self.smooth_frames))

    def reset(self) -> None:
        """Forget the current utterance (the noise floor is kept)."""
        self.in_speech = False
        self._preroll.clear()
        self._loud_run = self._quiet_run = self._speech_frames = 0

    def drain(self) -> bytes:
        """The audio of a frame not yet complete (given back, and forgotten)."""
        rest = bytes(self._pending)
        self._pending.clear()
        return rest

    def feed(self, pcm: bytes) -> list[VadEvent]:
        """Consume a chunk of PCM and return the events of each completed frame."""
        return list(self.events(pcm))

    def events(self, pcm: bytes) -> Iterator[VadEvent]:
        """Consume a chunk of PCM lazily: each frame is judged only when its event is asked
        for, so a `reset` between two events (a listener ending an utterance early) holds for
        the rest of the chunk."""
        self._pending.extend(pcm)
        size = self.frame_bytes
        while len(self._pending) >= size:
            frame = bytes(self._pending[:size])
            del self._pending[:size]
            self.consumed_bytes += size
            event = self._frame(frame)
            if event is not None:
                yield event

    def _threshold(self, margin: float | None = None) -> float:
        floor = self.floor_db if self.floor_db is not None else self.min_level_db
        return max(self.min_level_db, floor + (self.margin_db if margin is None else margin))

    def _still_speech(self, level: float) -> bool:
        """Within an utterance: a lower bar (hysteresis) on the level averaged over a few
        frames, so weak consonants and short closures between words do not end it."""
        self._recent.append(10.0 ** (level / 10.0))
        smooth = 10.0 * math.log10(sum(self._recent) / len(self._recent))
        return max(level, smooth) >= self._threshold(self.end_margin_db)

    def _track_floor(self, level: float) -> None:
        # Fall fast to quieter frames, rise slowly, so speech never becomes the floor.
        if self.floor_db is None or level < self.floor_db:
            self.floor_db = level
        else:
            self.floor_db += 0.05 * (level - self.floor_db)

    def _frame(self, frame: bytes) -> VadEvent | None:
        level = frame_db(frame, high_pass_hz=self.high_pass_hz, rate=self.sample_rate)
        # Digital silence (exact zeros: a gated or muted microphone) is quiet but says nothing
        # of the room: the floor keeps what the room's sound taught it, and a stream that opens
        # on zeros starts its floor where `min_level_db` decides alone, so the room heard
        # once the microphone opens raises it within a second instead of from -150 dB.
        digital_silence = not frame.strip(b"\0")
        if self.floor_db is None and not digital_silence:
            self.floor_db = level  # a stream opens on background sound, not on speech
        loud = level >= self._threshold() and not digital_silence
        if not self.in_speech:
            self._recent.clear()
            if self.on_background is not None and len(self._preroll) == self._preroll.maxlen:
                self.on_background(self._preroll[0])
            self._preroll.append(frame)
            self._loud_run = self._loud_run + 1 if loud else 0
            if digital_silence and self.floor_db is None:
                self.floor_db = self.min_level_db - self.margin_db
            elif not loud and not digital_silence:
                self._track_floor(level)
            if self._loud_run * FRAME_MS >= self.start_ms:
                self.in_speech = True
                self._quiet_run = 0
                self._quietest = level
                self._speech_frames = len(self._preroll)
                audio = b"".join(self._preroll)
                self._preroll.clear()
                return VadEvent("start", audio, self.consumed_bytes - len(audio))
            return None
        self._speech_frames += 1
        if not digital_silence:
            self._quietest = min(self._quietest, level)
        self._quiet_run = 0 if self._still_speech(level) else self._quiet_run + 1
        ended = self._quiet_run * FRAME_MS >= self.hangover_ms
        if not ended and self._speech_frames * FRAME_MS >= self.max_utterance_ms:
            # Endless "speech" is usually louder background: raise the floor to it.
            self.floor_db, ended = self._quietest, True
        if ended:
            self.reset()
            return VadEvent("end", frame, self.consumed_bytes - self.frame_bytes,
                            self.hangover_ms)
        offset = self.consumed_bytes - self.frame_bytes
        return VadEvent("speech", frame, offset, self._quiet_run * FRAME_MS)

"""Noise suppression for the decoder's input: WebRTC's, through `webrtc-noise-gain`."""

from __future__ import annotations

from typing import Any

from assistant.speech.base import SAMPLE_RATE, SAMPLE_WIDTH

__all__ = ["FRAME_BYTES", "NoiseSuppressor"]

#: WebRTC's audio processing takes 10 ms frames: 160 samples of 16 kHz 16-bit mono.
FRAME_BYTES = SAMPLE_RATE // 100 * SAMPLE_WIDTH


class NoiseSuppressor:
    """Removes steady background noise (fans, motors, hiss) from 16 kHz 16-bit PCM.

    An adapter over WebRTC's noise suppressor (the one Home Assistant's Assist pipeline
    uses), which also high-passes the audio. It takes any chunk size: `process` returns
    every complete 10 ms frame, `flush` the rest of the utterance. The noise estimate is
    kept from one utterance to the next. WebRTC learns the background fastest over the first
    half second it hears (digital silence does not count), so it is given the audio between
    utterances too (`learn`): otherwise the first thing it hears is the first utterance's
    pre-roll and onset, and when that onset is speech it takes the voice for background and
    a later word can start too quiet.
    """

    def __init__(self, level: int = 4, auto_gain_dbfs: int = 0) -> None:
        """`level`: suppression from 1 (mild) to 4 (strongest); `auto_gain_dbfs`: the
        level automatic gain control aims below full scale (1-31), 0 for no gain control.

        The defaults were measured on bench/assistant_voice.py's development set.
        """
        if not 1 <= level <= 4 or not 0 <= auto_gain_dbfs <= 31:
            raise ValueError("noise suppression level is 1-4 and auto gain 0-31 dBFS")
        from webrtc_noise_gain import AudioProcessor

        self._processor: Any = AudioProcessor(auto_gain_dbfs, level)
        self._pending = b""

    def process(self, pcm: bytes) -> bytes:
        """Suppress noise in a chunk; returns as many 10 ms frames as are complete."""
        data = self._pending + pcm
        whole = len(data) - len(data) % FRAME_BYTES
        self._pending = data[whole:]
        return b"".join(self._frame(data[i : i + FRAME_BYTES])
                        for i in range(0, whole, FRAME_BYTES))

    def learn(self, pcm: bytes) -> None:
        """Hear background audio (between utterances): the noise estimate adapts to it, the
        output is dropped. Whole 10 ms frames only; a trailing part frame is left out."""
        for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES):
            self._frame(pcm[i : i + FRAME_BYTES])

    def flush(self) -> bytes:
        """Return the rest of the utterance (padded to a frame for WebRTC, then cut back)."""
        rest, self._pending = self._pending, b""
        if not rest:
            return b""
        return self._frame(rest + bytes(FRAME_BYTES - len(rest)))[: len(rest)]

    def _frame(self, frame: bytes) -> bytes:
        return bytes(self._processor.Process10ms(frame).audio)

"""Streaming noise suppression for the decoder's input: a Wiener filter over a tracked noise
spectrum (short-time Fourier transform, weighted overlap-add)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

__all__ = ["NoiseSuppressor"]


@dataclass
class NoiseSuppressor:
    """Removes steady background noise (fans, motors, hiss) from 16 kHz 16-bit PCM.

    The noise spectrum is learnt from the quiet frames of the stream (the VAD's pre-roll
    before each utterance, pauses between words) and kept from one utterance to the next;
    each frame is then scaled, bin by bin, by a Wiener gain with a decision-directed a priori
    SNR (Ephraim and Malah), which keeps the "musical" residue low. Digital silence learns a
    zero noise spectrum, so clean audio passes unchanged.

    `process` returns audio delayed by `frame - hop` samples; `flush` returns the rest of an
    utterance, and the next `process` starts a new one.
    """

    frame: int = 512
    hop: int = 256
    smoothing: float = 0.95
    floor_gain: float = 0.1
    #: A frame within this factor of the noise power counts as noise and updates its spectrum.
    noise_factor: float = 2.0
    #: How much of the estimate each noise frame keeps: as loud as it, and quieter than it.
    noise_adapt: float = 0.9
    fall_adapt: float = 0.5
    #: How long (in hops) the background may stay louder than the estimate before it is
    #: taken as the new background: longer than a word, so speech is not learnt as noise.
    relearn_hops: int = 96
    noise: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        """Prepare the analysis/synthesis window (square-root Hann: perfect reconstruction)."""
        self._window = np.sqrt(np.hanning(self.frame + 1)[:-1])
        self._recent: deque[tuple[float, np.ndarray]] = deque(maxlen=self.relearn_hops)
        self._start()

    def _start(self) -> None:
        self._input = np.zeros(self.frame - self.hop)
        self._output = np.zeros(self.frame - self.hop)
        self._previous = np.zeros(self.frame // 2 + 1)
        self._skip = self.frame - self.hop  # the zeros the first frame starts with
        self._owed = 0  # samples taken in and not yet given back
        self._frames = 0

    def process(self, pcm: bytes) -> bytes:
        """Suppress noise in a chunk; returns as many samples as are complete."""
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        self._owed += samples.size
        return _pcm(self._run(samples))

    def _run(self, samples: np.ndarray, padding: bool = False) -> np.ndarray:
        self._input = np.concatenate([self._input, samples])
        out = []
        while self._input.size >= self.frame:
            # The first frame starts with zeros, and so do the frames of `flush`: they would
            # teach the noise estimate silence.
            learn = self._frames > 0 and not padding
            out.append(self._frame(self._input[: self.frame], learn))
            self._frames += 1
            self._input = self._input[self.hop :]
        done = np.concatenate(out)[self._skip :] if out else np.zeros(0)
        self._skip = max(self._skip - sum(o.size for o in out), 0)
        done = done[: self._owed]
        self._owed -= done.size
        return done

    def flush(self) -> bytes:
        """Return the rest of the utterance and start afresh (the noise estimate is kept)."""
        tail = self._run(np.zeros(2 * self.frame), padding=True) if self._owed else np.zeros(0)
        self._start()
        return _pcm(tail)

    def _frame(self, samples: np.ndarray, learn: bool) -> np.ndarray:
        spectrum = np.fft.rfft(samples * self._window)
        power = spectrum.real**2 + spectrum.imag**2
        if learn:
            self._learn(power)
        noise = (self.noise if self.noise is not None else np.zeros_like(power)) + 1e-9
        posterior = power / noise
        prior = (self.smoothing * self._previous / noise
                 + (1 - self.smoothing) * np.maximum(posterior - 1.0, 0.0))
        gain = np.maximum(prior / (1.0 + prior), self.floor_gain)
        self._previous = gain * gain * power
        frame = np.fft.irfft(spectrum * gain, self.frame) * self._window
        frame[: self._output.size] += self._output
        self._output = frame[self.hop :].copy()
        return frame[: self.hop]

    def _learn(self, power: np.ndarray) -> None:
        total = float(power.sum())
        self._recent.append((total, power))
        if self.noise is None:
            self.noise = power.copy()
            return
        noise_total = float(self.noise.sum())
        if total <= self.noise_factor * noise_total:
            # Quieter than the estimate: follow fast; about as loud: average in.
            adapt = self.fall_adapt if total < noise_total else self.noise_adapt
            self.noise = adapt * self.noise + (1.0 - adapt) * power
            return
        quietest = min(self._recent, key=lambda item: item[0])
        if len(self._recent) == self._recent.maxlen and quietest[0] > (
                self.noise_factor * noise_total):
            # Nothing as quiet as the estimate for a while: the background got louder.
            self.noise = quietest[1].copy()


def _pcm(samples: np.ndarray) -> bytes:
    return bytes(np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes())

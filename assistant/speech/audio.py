"""Small audio helpers: WAV in and out, conversion to 16 kHz mono, noise mixing with sox."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from assistant.speech.base import SAMPLE_RATE, SAMPLE_WIDTH
from assistant.speech.errors import AudioFormatError

__all__ = [
    "duration_s",
    "mix_noise",
    "pcm_to_wav",
    "read_wav",
    "resample",
    "rms",
    "silence",
    "sox_available",
    "wav_to_pcm",
]


def silence(ms: int) -> bytes:
    """`ms` milliseconds of digital silence as 16 kHz 16-bit PCM."""
    return bytes(SAMPLE_RATE * ms // 1000 * SAMPLE_WIDTH)


def duration_s(pcm: bytes) -> float:
    """Duration in seconds of 16 kHz 16-bit mono PCM."""
    return len(pcm) / (SAMPLE_RATE * SAMPLE_WIDTH)


def rms(pcm: bytes) -> float:
    """Root-mean-square amplitude of 16-bit PCM samples."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return math.sqrt(float(np.mean(samples * samples))) if samples.size else 0.0


def pcm_to_wav(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Wrap mono 16-bit PCM in a WAV container."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def wav_to_pcm(data: bytes) -> bytes:
    """Decode a 16-bit PCM WAV (any rate, any channels) to 16 kHz mono PCM."""
    try:
        with wave.open(io.BytesIO(data), "rb") as src:
            channels, width, rate = src.getnchannels(), src.getsampwidth(), src.getframerate()
            frames = src.readframes(src.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"not a PCM WAV file: {exc}") from exc
    if width != SAMPLE_WIDTH:
        raise AudioFormatError(f"WAV must be 16-bit, got {8 * width}-bit")
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE and samples.size:
        samples = resample(samples, rate, SAMPLE_RATE)
    return bytes(np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes())


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Resample with a windowed-sinc low-pass first, so downsampling does not alias."""
    if rate > target:
        cutoff = 0.45 * target / rate  # just below the new Nyquist, as a fraction of `rate`
        taps = np.arange(-64, 65)
        kernel = 2 * cutoff * np.sinc(2 * cutoff * taps) * np.blackman(taps.size)
        samples = np.convolve(samples, kernel / kernel.sum(), mode="same")
    count = round(samples.size * target / rate)
    positions = np.linspace(0, samples.size - 1, count)
    return np.interp(positions, np.arange(samples.size), samples)


def read_wav(path: Path) -> bytes:
    """Read a WAV file as 16 kHz mono 16-bit PCM."""
    return wav_to_pcm(Path(path).read_bytes())


def sox_available() -> bool:
    """True if the `sox` command is installed."""
    return shutil.which("sox") is not None


_RAW = ["-t", "raw", "-r", str(SAMPLE_RATE), "-e", "signed-integer", "-b", "16", "-c", "1"]


def _sox(args: list[str]) -> bytes:
    done = subprocess.run(["sox", "-V1", "-R", *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise AudioFormatError(f"sox failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def mix_noise(pcm: bytes, snr_db: float, *, kind: str = "pinknoise", seed: int = 1) -> bytes:
    """Mix sox-generated noise (whitenoise, pinknoise, brownnoise) into `pcm` at `snr_db`.

    The speech level is measured over its loud frames only, so silence padding does not make
    the noise quieter than intended; `seed` picks a different stretch of the noise.
    """
    extra = 1.0 + (seed % 97) * 0.05
    seconds = f"{duration_s(pcm) + extra:.4f}"
    noise = _sox(["-n", *_RAW, "-", "synth", seconds, kind])
    offset = len(noise) - len(pcm)
    offset -= offset % SAMPLE_WIDTH
    noise = noise[offset : offset + len(pcm)]
    gain = _speech_rms(pcm) / max(rms(noise), 1e-6) / (10.0 ** (snr_db / 20.0))
    with tempfile.TemporaryDirectory() as tmp:
        speech_path, noise_path = Path(tmp) / "speech.raw", Path(tmp) / "noise.raw"
        speech_path.write_bytes(pcm)
        noise_path.write_bytes(noise)
        return _sox(["-m", "-v", "1", *_RAW, str(speech_path), "-v", f"{gain:.6f}", *_RAW,
                     str(noise_path), *_RAW, "-"])


def _speech_rms(pcm: bytes) -> float:
    frame = SAMPLE_RATE * 30 // 1000 * SAMPLE_WIDTH
    levels = [rms(pcm[i : i + frame]) for i in range(0, len(pcm) - frame + 1, frame)]
    loud = [v for v in levels if v > 32768 * 10 ** (-45 / 20)]
    return math.sqrt(sum(v * v for v in loud) / len(loud)) if loud else rms(pcm)

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
    "resample_poly",
    "rms",
    "silence",
    "sox_available",
    "to_pcm",
    "wav_samples",
    "wav_to_pcm",
]


def silence(ms: int, rate: int = SAMPLE_RATE) -> bytes:
    """`ms` milliseconds of digital silence as 16-bit PCM at `rate`."""
    return bytes(rate * ms // 1000 * SAMPLE_WIDTH)


def duration_s(pcm: bytes, rate: int = SAMPLE_RATE) -> float:
    """Duration in seconds of 16-bit mono PCM at `rate`."""
    return len(pcm) / (rate * SAMPLE_WIDTH)


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


def wav_samples(data: bytes) -> tuple[np.ndarray, int]:
    """Decode a 16-bit PCM WAV (any channels, mixed to mono): (float samples, sample rate)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as src:
            channels, width, rate = src.getnchannels(), src.getsampwidth(), src.getframerate()
            frames = src.readframes(src.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"not a PCM WAV file: {exc}") from exc
    if width != SAMPLE_WIDTH:
        raise AudioFormatError(f"WAV must be 16-bit, got {8 * width}-bit")
    if channels < 1 or not 4000 <= rate <= 192000:
        raise AudioFormatError(f"WAV has {channels} channels at {rate} Hz")
    samples = np.frombuffer(frames[: len(frames) // (2 * channels) * 2 * channels],
                            dtype="<i2").astype(np.float64)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def to_pcm(samples: np.ndarray) -> bytes:
    """Float samples as 16-bit little-endian PCM (rounded and clipped)."""
    return bytes(np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes())


def wav_to_pcm(data: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """Decode a 16-bit PCM WAV (any rate, any channels) to mono PCM at `rate`."""
    samples, source = wav_samples(data)
    if source != rate and samples.size:
        samples = resample(samples, source, rate)
    return to_pcm(samples)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Resample with a windowed-sinc low-pass first, so downsampling does not alias.

    The speech engines' calibrations (PocketSphinx rejection thresholds) were measured with
    this resampler; `resample_poly` is the sharper one for new uses.
    """
    if rate == target or samples.size == 0:
        return np.asarray(samples, dtype=np.float64)
    if rate > target:
        cutoff = 0.45 * target / rate  # just below the new Nyquist, as a fraction of `rate`
        taps = np.arange(-64, 65)
        kernel = 2 * cutoff * np.sinc(2 * cutoff * taps) * np.blackman(taps.size)
        samples = np.convolve(samples, kernel / kernel.sum(), mode="same")
    count = round(samples.size * target / rate)
    positions = np.linspace(0, samples.size - 1, count)
    return np.interp(positions, np.arange(samples.size), samples)


def resample_poly(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Resample with a polyphase FIR filter (scipy's), flat up to the lower Nyquist."""
    from scipy.signal import resample_poly as polyphase

    if rate == target or samples.size == 0:
        return np.asarray(samples, dtype=np.float64)
    common = math.gcd(rate, target)
    return np.asarray(polyphase(samples, target // common, rate // common))


def read_wav(path: Path, rate: int = SAMPLE_RATE) -> bytes:
    """Read a WAV file as mono 16-bit PCM at `rate`."""
    return wav_to_pcm(Path(path).read_bytes(), rate)


def sox_available() -> bool:
    """True if the `sox` command is installed."""
    return shutil.which("sox") is not None


def _raw(rate: int) -> list[str]:
    return ["-t", "raw", "-r", str(rate), "-e", "signed-integer", "-b", "16", "-c", "1"]


def _sox(args: list[str]) -> bytes:
    done = subprocess.run(["sox", "-V1", "-R", *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise AudioFormatError(f"sox failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def mix_noise(pcm: bytes, snr_db: float, *, kind: str = "pinknoise", seed: int = 1,
              rate: int = SAMPLE_RATE) -> bytes:
    """Mix sox-generated noise (whitenoise, pinknoise, brownnoise) into `pcm` at `snr_db`.

    The speech level is measured over its loud frames only, so silence padding does not make
    the noise quieter than intended; `seed` picks a different stretch of the noise.
    """
    extra = 1.0 + (seed % 97) * 0.05
    seconds = f"{duration_s(pcm, rate) + extra:.4f}"
    raw = _raw(rate)
    noise = _sox(["-n", *raw, "-", "synth", seconds, kind])
    offset = len(noise) - len(pcm)
    offset -= offset % SAMPLE_WIDTH
    noise = noise[offset : offset + len(pcm)]
    gain = _speech_rms(pcm, rate) / max(rms(noise), 1e-6) / (10.0 ** (snr_db / 20.0))
    with tempfile.TemporaryDirectory() as tmp:
        speech_path, noise_path = Path(tmp) / "speech.raw", Path(tmp) / "noise.raw"
        speech_path.write_bytes(pcm)
        noise_path.write_bytes(noise)
        return _sox(["-m", "-v", "1", *raw, str(speech_path), "-v", f"{gain:.6f}", *raw,
                     str(noise_path), *raw, "-"])


def _speech_rms(pcm: bytes, rate: int = SAMPLE_RATE) -> float:
    frame = rate * 30 // 1000 * SAMPLE_WIDTH
    levels = [rms(pcm[i : i + frame]) for i in range(0, len(pcm) - frame + 1, frame)]
    loud = [v for v in levels if v > 32768 * 10 ** (-45 / 20)]
    return math.sqrt(sum(v * v for v in loud) / len(loud)) if loud else rms(pcm)

"""Google's speech embedding (as packaged by openWakeWord 0.4.0): audio -> 96-d vectors.

The front end is a log-mel spectrogram of 32 bands up to 4 kHz (25 ms window of 512 samples,
10 ms hop, at 16 kHz) and a convolutional network trained by Google on a large speech corpus
that turns each 76-frame (775 ms) window into a 96-value embedding. Only the band below 4 kHz
is used, so narrowband audio (8 kHz telephony, Bluetooth hands-free) loses nothing against
wideband: it is resampled to the network's 16 kHz input rate and fed as it is.

`StreamingEmbedder` computes the embeddings while an utterance is spoken, so the end of speech
only waits for the last few windows.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from assistant.speech.errors import SpeechModelNotFoundError

__all__ = [
    "EMBEDDING_SIZE",
    "MODEL_FILES",
    "SpeechEmbedder",
    "StreamingEmbedder",
    "embedding_model_paths",
]

RATE = 16000
MEL_HOP = 160
MEL_WINDOW = 512
WINDOW_FRAMES = 76
EMBEDDING_SIZE = 96
#: The two ONNX files inside the openwakeword 0.4.0 wheel, with their SHA-256 (models/).
MODEL_FILES = {
    "melspectrogram.onnx": "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f",
    "embedding_model.onnx": "ba754db3cd768a524c655ea90655ee5e6055a43b8dfd29366a11e93716ae9e51",
}


@cache
def embedding_model_paths(model_dir: Path | None = None) -> tuple[Path, Path]:
    """(melspectrogram, embedding) ONNX paths, from `model_dir` or the openwakeword package.

    The files are checked against their SHA-256 so a different release cannot slip in.
    """
    if model_dir is None:
        try:
            dist = metadata.distribution("openwakeword")
        except metadata.PackageNotFoundError as exc:
            raise SpeechModelNotFoundError("the openwakeword package (0.4.0) is not installed")\
                from exc
        model_dir = Path(str(dist.locate_file("openwakeword/resources/models")))
    paths = tuple(model_dir / name for name in MODEL_FILES)
    for path in paths:
        if not path.is_file():
            raise SpeechModelNotFoundError(f"speech embedding model file missing: {path}")
        want = MODEL_FILES[path.name]
        if want and hashlib.sha256(path.read_bytes()).hexdigest() != want:
            raise SpeechModelNotFoundError(f"{path} is not the expected model (SHA-256 differs)")
    return paths[0], paths[1]


class SpeechEmbedder:
    """The two ONNX networks, one CPU thread each; shared by every recogniser of an engine."""

    def __init__(self, model_dir: Path | None = None) -> None:
        """Load both networks (about 50 ms)."""
        import onnxruntime as ort

        mel_path, embedding_path = embedding_model_paths(model_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        self._mel: Any = ort.InferenceSession(str(mel_path), options, providers=providers)
        self._net: Any = ort.InferenceSession(str(embedding_path), options, providers=providers)

    def mel(self, samples: np.ndarray) -> np.ndarray:
        """Log-mel frames (n x 32) of 16 kHz float samples: one per 160 samples once 512 are in.

        The scaling (/10 + 2) is openWakeWord's, which matches the network's training.
        """
        if samples.size < MEL_WINDOW:
            return np.zeros((0, 32), dtype=np.float32)
        out = self._mel.run(None, {"input": samples[None].astype(np.float32)})[0]
        return np.asarray(out, dtype=np.float32).reshape(-1, 32) / 10 + 2

    def embed_windows(self, mel: np.ndarray, starts: list[int]) -> np.ndarray:
        """Embeddings of the 76-frame mel windows starting at `starts`."""
        if not starts:
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        batch = np.stack([mel[s : s + WINDOW_FRAMES] for s in starts])[..., None]
        out = self._net.run(None, {"input_1": batch.astype(np.float32)})[0]
        return np.asarray(out, dtype=np.float32).reshape(len(starts), EMBEDDING_SIZE)

    def embed(self, samples: np.ndarray, step: int) -> np.ndarray:
        """Embeddings every `step` mel frames of a whole 16 kHz clip (at least one window)."""
        need = MEL_WINDOW + MEL_HOP * (WINDOW_FRAMES - 1)
        if samples.size < need:
            samples = np.concatenate([samples, np.zeros(need - samples.size)])
        mel = self.mel(samples)
        return self.embed_windows(mel, list(range(0, mel.shape[0] - WINDOW_FRAMES + 1, step)))


class StreamingEmbedder:
    """Embeds an utterance as it arrives (16 kHz float samples, any chunk size).

    The mel network floors every value at 80 dB below the loudest one of its input, so a
    frame's values depend on the whole clip: the mel is recomputed over the utterance so far
    (cheap), and an embedding window is recomputed only when its frames changed (when louder
    speech lowers the floor under digital silence, say). The result is exactly what embedding
    the whole utterance at once gives, which is how the word model was trained.
    """

    def __init__(self, embedder: SpeechEmbedder, step: int, *, every: int = 3200) -> None:
        """Embed every `step` mel frames; bring the embeddings up to date every `every`
        samples (200 ms) while audio arrives."""
        self.embedder = embedder
        self.step = step
        self.every = every
        self.samples = np.zeros(0, dtype=np.float32)
        self._mel = np.zeros((0, 32), dtype=np.float32)
        self._cache: dict[int, np.ndarray] = {}
        self._pending = 0

    def add(self, samples: np.ndarray) -> None:
        """Append audio; every `every` samples, embed what it completed."""
        self.samples = np.concatenate([self.samples, samples.astype(np.float32)])
        self._pending += samples.size
        if self._pending >= self.every:
            self.update()

    def update(self) -> None:
        """Bring the mel and every complete window's embedding up to date."""
        self._pending = 0
        self._mel, self._cache = self._embed(self.samples)

    def embeddings(self) -> np.ndarray:
        """Every embedding of the utterance so far (windows x 96)."""
        self.update()
        return self._stack(self._cache)

    def embeddings_with(self, tail: np.ndarray) -> np.ndarray:
        """The embeddings if `tail` followed the audio so far (the stream is unchanged)."""
        need = MEL_WINDOW + MEL_HOP * (WINDOW_FRAMES - 1)
        audio = np.concatenate([self.samples, tail.astype(np.float32)])
        if audio.size < need:
            audio = np.concatenate([audio, np.zeros(need - audio.size, dtype=np.float32)])
        return self._stack(self._embed(audio)[1])

    def _embed(self, audio: np.ndarray) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        mel = self.embedder.mel(audio)
        same = min(mel.shape[0], self._mel.shape[0])
        changed = np.flatnonzero((mel[:same] != self._mel[:same]).any(axis=1))
        first_new = same if changed.size == 0 else int(changed[0])
        cache = {s: v for s, v in self._cache.items() if s + WINDOW_FRAMES <= first_new}
        starts = [s for s in range(0, mel.shape[0] - WINDOW_FRAMES + 1, self.step)
                  if s not in cache]
        if starts:
            cache.update(zip(starts, self.embedder.embed_windows(mel, starts), strict=True))
        return mel, cache

    @staticmethod
    def _stack(cache: dict[int, np.ndarray]) -> np.ndarray:
        if not cache:
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        return np.stack([cache[s] for s in sorted(cache)])

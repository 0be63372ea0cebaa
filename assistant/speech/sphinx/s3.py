"""Sphinx's binary files: s3 parameter files (Gaussians, mixture weights), sendump, cepstra.

The s3 format is a text header (``s3``, ``name value`` lines, ``endhdr``), the 32-bit magic
0x11223344 in the writer's byte order, int32 dimensions and a float32 array, then (with
``chksum0 yes``) a uint32 checksum of every 32-bit word after the magic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.speech.errors import SpeechEngineError

__all__ = [
    "checksum",
    "read_cepstra",
    "read_gaussians",
    "read_sendump",
    "write_gaussians",
    "write_mixture_weights",
]

_MAGIC = 0x11223344
_END = b"endhdr\n"


def checksum(words: np.ndarray) -> int:
    """Sphinx's running checksum of uint32 words: rotate left by 20 bits, then add."""
    ck = 0
    for word in words.astype(np.uint32).tolist():
        ck = (((ck << 20) | (ck >> 12)) + word) & 0xFFFFFFFF
    return ck


def _header() -> bytes:
    """The s3 header, padded so the binary part starts 8-byte aligned (as sphinxtrain's)."""
    head = b"s3\nversion 1.0\nchksum0 yes\n"
    pad = -(len(head) + len(_END)) % 8
    return head + b" " * pad + _END


def _write(path: Path, dims: list[int], data: np.ndarray) -> None:
    values = np.ascontiguousarray(data, dtype="<f4").ravel()
    body = np.array([*dims, values.size], dtype="<i4").tobytes() + values.tobytes()
    words = np.frombuffer(body, dtype="<u4")
    tail = np.array([checksum(words)], dtype="<u4").tobytes()
    magic = np.array([_MAGIC], dtype="<u4").tobytes()
    Path(path).write_bytes(_header() + magic + body + tail)


def _body(path: Path) -> tuple[np.ndarray, str]:
    """The int32 words after the magic, as little-endian, and the header text."""
    raw = Path(path).read_bytes()
    end = raw.find(_END)
    if not raw.startswith(b"s3\n") or end < 0:
        raise SpeechEngineError(f"{path}: not an s3 parameter file")
    start = end + len(_END)
    count = (len(raw) - start) // 4
    words = np.frombuffer(raw, dtype="<u4", count=count, offset=start)
    if words.size == 0 or words[0] not in (_MAGIC, 0x44332211):
        raise SpeechEngineError(f"{path}: bad byte-order magic")
    if words[0] != _MAGIC:
        words = words.byteswap()
    return words[1:], raw[:end].decode("ascii", errors="replace")


def read_gaussians(path: Path) -> np.ndarray:
    """Means or variances: float array (codebooks, features, densities, vector length)."""
    words, _ = _body(path)
    ints = words.view("<i4")
    n_mgau, n_feat, n_density = (int(v) for v in ints[:3])
    veclen = ints[3 : 3 + n_feat]
    size = int(ints[3 + n_feat])
    if len(set(veclen.tolist())) != 1 or size != n_mgau * n_density * int(veclen.sum()):
        raise SpeechEngineError(f"{path}: unsupported Gaussian layout {veclen.tolist()}")
    start = 4 + n_feat
    data = words[start : start + size].view("<f4")
    return data.reshape(n_mgau, n_feat, n_density, int(veclen[0])).astype(np.float64)


def write_gaussians(path: Path, array: np.ndarray) -> None:
    """Write means or variances shaped (codebooks, features, densities, vector length)."""
    n_mgau, n_feat, n_density, veclen = array.shape
    _write(path, [n_mgau, n_feat, n_density, *[veclen] * n_feat], array)


def write_mixture_weights(path: Path, weights: np.ndarray) -> None:
    """Write mixture weights shaped (senones, features, densities), normalised per row."""
    weights = weights / weights.sum(axis=2, keepdims=True)
    _write(path, list(weights.shape), weights)


def read_sendump(path: Path) -> np.ndarray:
    """Mixture weights (senones, features, codewords) from PocketSphinx's quantised sendump.

    Each weight is stored as a byte v meaning 1.0001 ** -(v << shift); rows are normalised.
    """
    raw = Path(path).read_bytes()
    offset, fields = 0, {}

    def int32() -> int:
        nonlocal offset
        value = int(np.frombuffer(raw, dtype="<i4", count=1, offset=offset)[0])
        offset += 4
        return value

    while (length := int32()) != 0:
        if not 0 < length < 4096:
            raise SpeechEngineError(f"{path}: not a sendump file")
        parts = raw[offset : offset + length].rstrip(b"\0").decode("ascii", "replace").split()
        offset += length
        if len(parts) == 2 and parts[1].isdigit():
            fields[parts[0]] = int(parts[1])
    n_feat, shift = fields.get("feature_count", 1), fields.get("mixw_shift", 10)
    if fields.get("cluster_count", 0) != 0:
        raise SpeechEngineError(f"{path}: clustered sendump files are not supported")
    n_codewords, n_senones = int32(), int32()
    if len(raw) - offset != n_feat * n_codewords * n_senones:
        raise SpeechEngineError(f"{path}: size does not match its header")
    values = np.frombuffer(raw, dtype=np.uint8, offset=offset)
    values = values.reshape(n_feat, n_codewords, n_senones).transpose(2, 0, 1)
    weights = np.power(1.0001, -(values.astype(np.float64) * (1 << shift)))
    return weights / weights.sum(axis=2, keepdims=True)


def read_cepstra(path: Path, ncep: int = 13) -> np.ndarray:
    """A Sphinx feature file (int32 float count, then float32 values, either byte order)
    as an array (frames, ncep)."""
    raw = Path(path).read_bytes()
    count = (len(raw) - 4) // 4
    for order in (">", "<"):
        if int(np.frombuffer(raw[:4], dtype=f"{order}i4")[0]) == count and count % ncep == 0:
            values = np.frombuffer(raw, dtype=f"{order}f4", offset=4)
            return values.astype(np.float64).reshape(-1, ncep)
    raise SpeechEngineError(f"{path}: not a feature file of {ncep} cepstra per frame")

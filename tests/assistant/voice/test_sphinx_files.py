"""PocketSphinx model files: s3 parameters, sendump, the cache's atomic folders, profiles."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from assistant.speech.errors import EnrolmentError, SpeechEngineError
from assistant.speech.sphinx.adapt import ADAPTED_FILES
from assistant.speech.sphinx.cache import cached_folder
from assistant.speech.sphinx.model import find_model
from assistant.speech.sphinx.profile import pack_profile, read_profile, unpack_profile
from assistant.speech.sphinx.s3 import (
    checksum,
    read_cepstra,
    read_gaussians,
    read_sendump,
    write_gaussians,
    write_mixture_weights,
)

BUNDLED = find_model(None).hmm


def test_gaussians_round_trip_byte_for_byte(tmp_path: Path) -> None:
    for name in ("means", "variances"):
        array = read_gaussians(BUNDLED / name)
        assert array.shape == (42, 3, 128, 13)  # one codebook per base phone, 3 streams
        write_gaussians(tmp_path / name, array)
        assert (tmp_path / name).read_bytes() == (BUNDLED / name).read_bytes()


def test_checksum_rotates_then_adds() -> None:
    assert checksum(np.array([1, 2], dtype=np.uint32)) == (1 << 20) + 2
    assert checksum(np.array([0xFFFFFFFF, 1], dtype=np.uint32)) == 0  # wraps at 2**32


def test_sendump_gives_normalised_mixture_weights(tmp_path: Path) -> None:
    weights = read_sendump(BUNDLED / "sendump")
    assert weights.shape == (5126, 3, 128)
    assert np.allclose(weights.sum(axis=2), 1.0)
    write_mixture_weights(tmp_path / "mixw", weights)
    raw = (tmp_path / "mixw").read_bytes()
    assert raw.startswith(b"s3\n") and len(raw) > 5126 * 3 * 128 * 4


def test_not_an_s3_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "junk").write_bytes(b"hello")
    with pytest.raises(SpeechEngineError, match="not an s3 parameter file"):
        read_gaussians(tmp_path / "junk")
    with pytest.raises(SpeechEngineError, match="not a feature file"):
        read_cepstra(tmp_path / "junk")


def test_cepstra_files_are_read_in_either_byte_order(tmp_path: Path) -> None:
    frames = np.arange(26, dtype=np.float32).reshape(2, 13)
    for order in (">", "<"):
        path = tmp_path / f"{order == '>'}.mfc"
        path.write_bytes(np.array([26], f"{order}i4").tobytes() + frames.astype(f"{order}f4")
                         .tobytes())
        assert np.array_equal(read_cepstra(path), frames)


def test_a_cached_folder_is_built_once_even_by_racing_threads(tmp_path: Path) -> None:
    builds: list[Path] = []

    def build(out: Path) -> None:
        builds.append(out)
        (out / "part").write_text("one")
        (out / "whole").write_text("two")

    target = tmp_path / "cache" / "model"
    threads = [threading.Thread(target=cached_folder, args=(target, build)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert sorted(p.name for p in target.iterdir()) == ["part", "whole"]
    assert cached_folder(target, build) == target and len(builds) == 1


def test_a_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    def build(out: Path) -> None:
        (out / "half").write_text("x")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        cached_folder(tmp_path / "model", build)
    assert [p.name for p in tmp_path.iterdir()] == ["model.lock"]


def _files() -> dict[str, bytes]:
    return {name: name.encode() * 10 for name in ADAPTED_FILES}


def test_a_profile_describes_itself_and_unpacks_once(tmp_path: Path) -> None:
    data = pack_profile(_files(), sample_rate=8000, model="abc", details={"aligned": 12})
    about = read_profile(data)
    assert (about.sample_rate, about.model) == (8000, "abc")
    assert about.manifest["details"] == {"aligned": 12}
    files = unpack_profile(data, tmp_path)
    assert set(files) == {"mean", "var", "sendump", "tmat"}
    assert files["mean"].read_bytes() == b"means" * 10
    assert unpack_profile(data, tmp_path) == files
    assert len(list((tmp_path / "pocketsphinx" / "profiles").iterdir())) == 1 + 1  # + lock


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_what_is_not_a_profile_is_refused_clearly(tmp_path: Path) -> None:
    good = pack_profile(_files(), sample_rate=16000, model="abc", details={})
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(good)).read("profile.json"))
    cases = {
        b"": "not a PocketSphinx voice profile",
        b"hello, I am a voice": "not a PocketSphinx voice profile",
        json.dumps({"fake": ["one"]}).encode(): "not a PocketSphinx voice profile",
        _zip({"means": b"x"}): "not a PocketSphinx voice profile",
        _zip({"profile.json": b"{]"}): "not a PocketSphinx voice profile",
        _zip({"profile.json": json.dumps({**manifest, "format": "other"}).encode()}):
            "no facet-pocketsphinx-profile manifest",
        _zip({"profile.json": json.dumps({**manifest, "version": 99}).encode()}):
            "version 99 is not supported",
        _zip({"profile.json": json.dumps({**manifest, "files": {}}).encode()}):
            "it should hold",
    }
    for data, message in cases.items():
        with pytest.raises(EnrolmentError, match=message):
            read_profile(data)
    damaged = {**_files(), "means": b"tampered"}
    data = _zip({"profile.json": json.dumps(manifest).encode(), **damaged})
    with pytest.raises(EnrolmentError, match="damaged: means does not match"):
        unpack_profile(data, tmp_path)
    folder = tmp_path / "pocketsphinx" / "profiles" / hashlib.sha256(data).hexdigest()[:32]
    assert not folder.exists()

"""A speaker's adapted PocketSphinx model as one self-describing blob (a zip).

The zip holds ``profile.json`` (format, version, sample rate, the digest of the model it
adapts, each file's SHA-256) and the adapted files. Recognisers unpack it once into the
cache, in a folder named by the blob's SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.speech.errors import EnrolmentError
from assistant.speech.sphinx.adapt import ADAPTED_FILES
from assistant.speech.sphinx.cache import cached_folder

__all__ = ["MAX_PROFILE_BYTES", "PROFILE_FORMAT", "Profile", "pack_profile", "read_profile",
           "unpack_profile"]

PROFILE_FORMAT = "facet-pocketsphinx-profile"
_VERSION = 1
_MANIFEST = "profile.json"
#: Stored profiles stay below this (a zip of the adapted files is about 3 MB).
MAX_PROFILE_BYTES = 16 * 1024 * 1024
_MAX_UNPACKED = 64 * 1024 * 1024


@dataclass(frozen=True)
class Profile:
    """What a profile says about itself."""

    sample_rate: int
    model: str  # digest of the acoustic model it adapts (`AcousticModel.digest`)
    manifest: Mapping[str, object]


def pack_profile(files: Mapping[str, bytes], *, sample_rate: int, model: str,
                 details: Mapping[str, object]) -> bytes:
    """Zip the adapted files with their manifest."""
    manifest = {
        "format": PROFILE_FORMAT, "version": _VERSION, "engine": "pocketsphinx",
        "sample_rate": sample_rate, "model": model, "details": dict(details),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
        for name, data in files.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    if len(data) > MAX_PROFILE_BYTES:
        raise EnrolmentError(f"the adapted model is too large to store ({len(data)} bytes)")
    return data


def _open(data: bytes) -> tuple[zipfile.ZipFile, dict[str, object]]:
    """The archive and its manifest, or `EnrolmentError` saying what is wrong."""
    bad = "not a PocketSphinx voice profile"
    if not isinstance(data, bytes | bytearray) or len(data) > MAX_PROFILE_BYTES:
        raise EnrolmentError(f"{bad} (not bytes, or too large)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read(_MANIFEST))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise EnrolmentError(f"{bad} ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != PROFILE_FORMAT:
        raise EnrolmentError(f"{bad} (no {PROFILE_FORMAT} manifest)")
    if manifest.get("version") != _VERSION:
        raise EnrolmentError(f"voice profile version {manifest.get('version')!r} is not "
                             f"supported (this engine reads version {_VERSION}); enrol again")
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != set(ADAPTED_FILES):
        raise EnrolmentError(f"{bad} (it should hold {sorted(ADAPTED_FILES)})")
    if sum(archive.getinfo(n).file_size for n in files if n in archive.namelist()) \
            > _MAX_UNPACKED:
        raise EnrolmentError(f"{bad} (it unpacks too large)")
    return archive, manifest


def read_profile(data: bytes) -> Profile:
    """Check a profile's manifest and say what it is for (`EnrolmentError` if it is not
    a PocketSphinx profile, or one of another version)."""
    _, manifest = _open(data)
    rate, model = manifest.get("sample_rate"), manifest.get("model")
    if not isinstance(rate, int) or not isinstance(model, str):
        raise EnrolmentError("not a PocketSphinx voice profile (no sample rate or model)")
    return Profile(rate, model, manifest)


def unpack_profile(data: bytes, cache_dir: Path) -> dict[str, Path]:
    """Unpack the adapted files (once per profile) and return them as decoder settings:
    {"mean": path, "var": path, "sendump": path, "tmat": path}."""
    archive, manifest = _open(data)
    digests = manifest["files"]
    assert isinstance(digests, dict)

    def build(out: Path) -> None:
        for name, digest in digests.items():
            try:
                content = archive.read(name)
            except (KeyError, zipfile.BadZipFile, OSError) as exc:
                raise EnrolmentError(f"voice profile is damaged: {exc}") from exc
            if hashlib.sha256(content).hexdigest() != digest:
                raise EnrolmentError(f"voice profile is damaged: {name} does not match")
            (out / name).write_bytes(content)

    name = hashlib.sha256(bytes(data)).hexdigest()[:32]
    folder = cached_folder(cache_dir / "pocketsphinx" / "profiles" / name, build)
    return {key: folder / name for name, key in ADAPTED_FILES.items()}

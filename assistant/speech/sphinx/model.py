"""A PocketSphinx acoustic model on disk: where it is, what it is, decoders and features."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.speech.errors import SpeechEngineError, SpeechModelNotFoundError

__all__ = [
    "MODEL_FILES",
    "AcousticModel",
    "extract_cepstra",
    "find_model",
    "open_decoder",
    "read_feature_params",
    "write_feature_params",
]

#: The files of a PTM model folder that decoding and adaptation read.
MODEL_FILES = ("feat.params", "mdef", "means", "variances", "sendump", "transition_matrices",
               "noisedict")

#: A one-word grammar: feature extraction needs some search to be active.
_ANY_JSGF = "#JSGF V1.0;\ngrammar features;\npublic <any> = a;\n"


@dataclass(frozen=True)
class AcousticModel:
    """An acoustic model folder (`MODEL_FILES`) and the dictionary decoded with it."""

    hmm: Path
    dictionary: Path

    @property
    def sample_rate(self) -> int:
        """The rate its features are computed at (feat.params' -samprate, else 16 kHz)."""
        return int(float(read_feature_params(self.hmm).get("-samprate", "16000")))

    def digest(self) -> str:
        """SHA-256 over the model's files (names and bytes): what derived models key on."""
        sha = hashlib.sha256()
        for name in MODEL_FILES:
            path = self.hmm / name
            if path.exists():
                sha.update(name.encode() + b"\0")
                sha.update(path.read_bytes())
        return sha.hexdigest()


def find_model(model_dir: Path | None) -> AcousticModel:
    """The model in `model_dir` (its folder or one level down), or the one bundled with the
    pocketsphinx package when None."""
    if model_dir is None:
        import pocketsphinx

        model_dir = Path(pocketsphinx.get_model_path())
    base = model_dir / "en-us" if (model_dir / "en-us").is_dir() else model_dir
    hmm = base / "en-us" if (base / "en-us").is_dir() else base
    dicts = sorted(base.glob("*.dict"))
    if not (hmm / "mdef").exists() or not dicts:
        raise SpeechModelNotFoundError(f"no PocketSphinx acoustic model/dictionary in {model_dir}")
    return AcousticModel(hmm, dicts[0])


def read_feature_params(hmm: Path) -> dict[str, str]:
    """The model's feat.params as {"-name": "value"}."""
    path = hmm / "feat.params"
    if not path.exists():
        return {}
    params = {}
    for line in path.read_text(encoding="ascii").splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0].startswith("-"):
            params[fields[0]] = fields[1]
    return params


def write_feature_params(hmm: Path, params: Mapping[str, str]) -> None:
    """Write feat.params, one ``-name value`` a line."""
    (hmm / "feat.params").write_text("".join(f"{k} {v}\n" for k, v in params.items()),
                                     encoding="ascii")


def open_decoder(model: AcousticModel, options: Mapping[str, Any],
                 files: Mapping[str, Path] | None = None) -> Any:
    """A PocketSphinx decoder for `model` with `options` (decoder settings); `files`
    replaces some of the model's parameter files (``mean``, ``var``, ``sendump``, ``tmat``)."""
    import pocketsphinx

    paths = {key: str(path) for key, path in (files or {}).items()}
    try:
        decoder = pocketsphinx.Decoder(hmm=str(model.hmm), dict=str(model.dictionary), lm=None,
                                       samprate=model.sample_rate, loglevel="FATAL",
                                       **paths, **options)
    except (RuntimeError, ValueError) as exc:
        raise SpeechEngineError(f"PocketSphinx failed to start: {exc}") from exc
    # The model's feat.params wins over options given to the decoder: apply feature
    # settings it overrode (remove_noise, cmn...) again, then rebuild the front end.
    overridden = {k: v for k, v in options.items() if decoder.config[k] != v}
    if overridden:
        for key, value in overridden.items():
            decoder.config[key] = value
        decoder.reinit_feat()
    return decoder


def extract_cepstra(model: AcousticModel, pcms: Sequence[bytes], out_dir: Path,
                    options: Mapping[str, Any] | None = None) -> list[Path]:
    """Write the cepstra of each utterance (PCM at the model's rate) as computed by the
    decoder's own front end: ``out_dir/u00000.mfc``... (Sphinx feature files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mfclog-") as log:
        decoder = open_decoder(model, {**(options or {}), "mfclogdir": log})
        decoder.add_jsgf_string("features", _ANY_JSGF)
        decoder.activate_search("features")
        paths = []
        for number, pcm in enumerate(pcms):
            decoder.start_utt()
            decoder.process_raw(pcm, True, True)  # no search: the front end only
            decoder.end_utt()
            written = sorted(Path(log).glob("*.mfc"))
            if len(written) != 1:
                raise SpeechEngineError("PocketSphinx did not log the utterance's features")
            paths.append(Path(shutil.move(written[0], out_dir / f"u{number:05d}.mfc")))
        return paths

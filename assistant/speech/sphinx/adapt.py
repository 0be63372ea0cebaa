"""Speaker adaptation of a PocketSphinx model with sphinxtrain (CMU's MAP recipe).

Baum-Welch (``bw``) collects statistics of the speaker's utterances against the model,
``map_adapt`` moves each Gaussian and mixture weight towards them (as far as its data
warrants), ``mk_s2sendump`` packs the weights the way PocketSphinx reads them. The tools run
as subprocesses with timeouts, in a temporary folder.

Measured at 8 kHz (FSDD development speakers george and jackson, single digits, tested on
450 recordings each): 51.8 % and 72.7 % unadapted; MAP on 10 recordings (one per digit)
83.3 % and 87.3 %, on 20 88.4 % and 94.2 %, on 50 88.4 % and 97.8 % (about 4 s each).
MLLR before MAP (mllr_solve, mllr_transform) gave 89.3 % and 97.6 % for twice the time and
two more tools, so it is left out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.speech.errors import EnrolmentError, EnrolmentUnsupportedError, SpeechEngineError
from assistant.speech.sphinx.cache import cached_folder
from assistant.speech.sphinx.model import AcousticModel, read_feature_params
from assistant.speech.sphinx.s3 import read_sendump, write_mixture_weights

__all__ = ["ADAPTED_FILES", "SphinxTrain", "map_adapt", "training_files"]

#: The model files a MAP adaptation changes (PocketSphinx names them mean, var, sendump, tmat).
ADAPTED_FILES = {"means": "mean", "variances": "var", "sendump": "sendump",
                 "transition_matrices": "tmat"}

#: Where Debian (and source installs) put sphinxtrain's programs.
_SPHINXTRAIN_DIRS = (Path("/usr/lib/sphinxtrain"), Path("/usr/local/lib/sphinxtrain"),
                     Path("/usr/libexec/sphinxtrain"))
_ALIGN_FAILED = re.compile(r"Failed to align")
_IGNORED = re.compile(r"^ERROR: .*: (\S+) ignored\s*$", re.MULTILINE)
_OVERALL = re.compile(r"overall> stats (\d+) \(\S+\) (\S+) ")


@dataclass(frozen=True)
class SphinxTrain:
    """The programs adaptation runs: sphinxtrain's and PocketSphinx's mdef converter."""

    bw: Path
    map_adapt: Path
    mk_s2sendump: Path
    mdef_convert: Path

    @classmethod
    def find(cls, directory: Path | None = None) -> SphinxTrain:
        """Locate the programs (in `directory`, the usual sphinxtrain folders or PATH)."""
        folders = [directory] if directory is not None else list(_SPHINXTRAIN_DIRS)
        found: dict[str, Path] = {}
        for tool in ("bw", "map_adapt", "mk_s2sendump"):
            path = next((f / tool for f in folders if os.access(f / tool, os.X_OK)), None)
            on_path = shutil.which(tool)
            if path is None and on_path is None:
                raise EnrolmentUnsupportedError(
                    f"speaker adaptation needs sphinxtrain's {tool} "
                    "(Debian package sphinxtrain: apt-get install sphinxtrain)")
            found[tool] = path or Path(str(on_path))
        convert = shutil.which("pocketsphinx_mdef_convert")
        if convert is None:
            raise EnrolmentUnsupportedError(
                "speaker adaptation needs pocketsphinx_mdef_convert "
                "(Debian package pocketsphinx: apt-get install pocketsphinx)")
        return cls(found["bw"], found["map_adapt"], found["mk_s2sendump"], Path(convert))


def _run(command: Sequence[str | Path], timeout: float, cwd: Path) -> str:
    """Run a tool; its log (stderr and stdout) is returned, a failure raised with its tail."""
    args = [str(a) for a in command]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                              cwd=cwd, check=False)
    except subprocess.TimeoutExpired as exc:
        raise SpeechEngineError(f"{Path(args[0]).name} took longer than {timeout:.0f} s") from exc
    log = done.stderr + done.stdout
    if done.returncode != 0:
        tail = "\n".join(log.strip().splitlines()[-5:])
        raise SpeechEngineError(f"{Path(args[0]).name} failed ({done.returncode}): {tail}")
    return log


def training_files(model: AcousticModel, cache_dir: Path, tools: SphinxTrain) -> Path:
    """A cached folder with what sphinxtrain reads besides the model: the text mdef and the
    mixture weights recovered from sendump."""
    def build(out: Path) -> None:
        _run([tools.mdef_convert, "-text", model.hmm / "mdef", out / "mdef.txt"], 120, out)
        write_mixture_weights(out / "mixture_weights", read_sendump(model.hmm / "sendump"))

    return cached_folder(cache_dir / "pocketsphinx" / f"train-{model.digest()[:20]}", build)


def _feature_args(model: AcousticModel) -> list[str]:
    params = read_feature_params(model.hmm)
    return ["-ts2cbfn", ".ptm.", "-feat", params.get("-feat", "1s_c_d_dd"),
            "-svspec", params.get("-svspec", "0-12/13-25/26-38"),
            "-cmn", params.get("-cmn", "batch"), "-agc", params.get("-agc", "none"),
            "-varnorm", params.get("-varnorm", "no")]


def _write_corpus(work: Path, cepstra: Sequence[Path], transcripts: Sequence[Sequence[str]],
                  pronunciations: Mapping[str, str]) -> list[str]:
    """The control file, transcripts and dictionary bw reads; returns the utterance ids."""
    ids = [path.stem for path in cepstra]
    (work / "ctl").write_text("".join(f"{uid}\n" for uid in ids))
    (work / "lsn").write_text("".join(f"<s> {' '.join(words)} </s> ({uid})\n"
                                      for uid, words in zip(ids, transcripts, strict=True)))
    (work / "dict").write_text("".join(f"{word} {' '.join(phones.split())}\n"
                                       for word, phones in sorted(pronunciations.items())))
    (work / "accum").mkdir()
    return ids


def map_adapt(model: AcousticModel, train: Path, tools: SphinxTrain, work: Path, *,
              cepstra: Sequence[Path], transcripts: Sequence[Sequence[str]],
              pronunciations: Mapping[str, str],
              timeout: float = 600.0) -> tuple[dict[str, bytes], dict[str, object]]:
    """MAP-adapt `model` to utterances (their cepstra files and words), in `work`.

    `pronunciations` maps each word (alternates as ``word(2)``) to its phones. Returns the
    adapted files (`ADAPTED_FILES`) and what bw measured. Raises `EnrolmentError` when most
    utterances cannot be aligned to their words (the recordings do not say the prompts).
    """
    ids = _write_corpus(work, cepstra, transcripts, pronunciations)
    hmm, out = model.hmm, work / "adapted"
    out.mkdir()
    models: list[str | Path] = ["-meanfn", hmm / "means", "-varfn", hmm / "variances",
              "-mixwfn", train / "mixture_weights", "-tmatfn", hmm / "transition_matrices"]
    log = _run([tools.bw, "-hmmdir", hmm, "-moddeffn", train / "mdef.txt", *_feature_args(model),
                *models, "-dictfn", work / "dict", "-fdictfn", hmm / "noisedict",
                "-ctlfn", work / "ctl", "-lsnfn", work / "lsn", "-cepdir", cepstra[0].parent,
                "-cepext", "mfc", "-accumdir", work / "accum", "-timing", "no"],
               timeout, work)
    failed = max(len(_ALIGN_FAILED.findall(log)), len(set(_IGNORED.findall(log))))
    if failed * 2 > len(ids):
        raise EnrolmentError(f"{failed} of {len(ids)} enrolment utterances do not match their "
                             "words (wrong prompt, noise or silence); record them again")
    _run([tools.map_adapt, "-moddeffn", train / "mdef.txt", "-ts2cbfn", ".ptm.", *models,
          "-accumdir", work / "accum", "-mapmeanfn", out / "means", "-mapvarfn",
          out / "variances", "-mapmixwfn", out / "mixture_weights", "-maptmatfn",
          out / "transition_matrices"], timeout, work)
    _run([tools.mk_s2sendump, "-pocketsphinx", "yes", "-moddeffn", train / "mdef.txt",
          "-mixwfn", out / "mixture_weights", "-sendumpfn", out / "sendump"], timeout, work)
    files = {name: (out / name).read_bytes() for name in ADAPTED_FILES}
    details: dict[str, object] = {"aligned": len(ids) - failed, "unaligned": failed}
    if overall := _OVERALL.search(log):
        details["frames"] = int(overall.group(1))
        details["log_likelihood_per_frame"] = round(float(overall.group(2)), 3)
    return files, details

"""Voice-picking benchmark: real speakers, every English espeak-ng voice, edge cases, speed.

Run from the project root: ``.venv/bin/python bench/assistant_voice.py``. Needs espeak-ng, sox
and the Free Spoken Digit Dataset recordings (``../shared/data/fsdd-dev`` or FACET_FSDD_DIR).

Every figure comes from a split that tuning never saw: real speakers lucas and nicolas (the
development speakers are george and jackson), and the espeak-ng voices of the test half
(`assistant.speech.embedding.corpus.espeak_voices`). Development figures are printed first;
``--dev`` prints only them (tune against these), ``--calibrate`` sweeps the rejection rule on
development data (out-of-grammar thresholds, the confidence the expected check digits need,
the fit score and confidence of answers that post). A full run writes
``bench/results/assistant_voice.json``.

The development speakers and voices are in the word model's training data, so its scores and
confidences on them are optimistic: ``--calibrate`` here over-rejects unseen speakers. The
shipped rule is chosen by ``bench/voice_loso.py`` instead, on speech the model never heard
(leave one development speaker out, and half of the development voices).

On a shared machine the test half can be decoded in several processes and merged (the same
trials as one run): ``--test-only --part real:lucas --rows-out A.pkl`` (also
``real:nicolas``, or a speaker's condition as ``real:lucas:10db``; ``espeak:0/2``,
``espeak:1/2``), then ``--test-only --merge A.pkl ...``.

What is measured, each at 30 dB SNR ("quiet room") and 10 dB SNR (pink noise, sox):
- real speakers, speaker-independent and after enrolment (enrolled on recordings 0-4 of each
  digit, tested on 5-49): two-digit check digits, quantities, and wrong postings (the picker
  at another slot says its check digits, or counts fewer pieces than asked: heard as the
  expected answer, the dialogue would post);
- espeak-ng test voices (every accent, variants of the test half, 120-230 words per minute):
  the dialogue's answers and commands, and speech outside the grammar;
- edges on real recordings: digital silence around the answer, a 400 ms pause between the
  digits, fast speech, clipping and a cough, each against the same audio without it (digital
  silence: the base audio itself with its noisy padding replaced by zeros, so the noise on
  the words is the same sample for sample; until 2026-12-04 it was noise mixed into the words
  alone, another stretch of noise; since 2026-12-05 the embedding engine hears exact zeros
  as comfort noise: the test speakers lose nothing, 90.0 -> 94.0 % against 94.0 %);
- speed: real-time factor (CPU) and end of speech to prompt, at 8 and 16 kHz.
Real speakers are decoded at their own 8 kHz; espeak voices at 16 kHz.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from assistant.settings import AssistantSettings, VadSettings
from assistant.speech.audio import mix_noise, resample_poly, silence, to_pcm
from assistant.speech.base import EnrolmentUtterance, SpeechEngine, Transcript
from assistant.speech.calibration import outcome
from assistant.speech.embedding import corpus
from assistant.speech.factory import Rejection, create_speech_engine, rejection_thresholds
from assistant.speech.tts import EspeakTts
from assistant.voice import (
    DialogueMachine,
    InMemoryPickingBackend,
    PickLine,
    VoiceSession,
    load_language,
    parse_command,
    vad_from_settings,
)
from assistant.voice.listener import Listener

PACK = load_language("en")
DIGITS = corpus.DIGIT_WORDS
CHECK_DIGITS = 2  # a slot's check digits (4 digits: an operator id, at sign-on)
SNRS = {"quiet": 30.0, "10db": 10.0}
ENROL_INDICES = range(5)  # recordings 0-4 of each digit enrol; 5-49 test
# (what is said, what the state expects, what the state knows)
CASES: list[tuple[str, str, dict[str, int]]] = [
    ("four two", "digits", {"digits": 2}), ("one two three four", "digits", {"digits": 4}),
    ("eight five", "digits", {"digits": 2}), ("zero nine", "digits", {"digits": 2}),
    ("eight eight", "digits", {"digits": 2}), ("seven one", "digits", {"digits": 2}),
    ("two", "quantity", {"most": 2}), ("twelve", "quantity", {"most": 12}),
    ("twenty four", "quantity", {"most": 24}), ("short one", "quantity", {"most": 2}),
    ("short", "quantity", {"most": 2}), ("ready", "ready", {}), ("repeat", "ready", {}),
    ("say again", "digits", {"digits": 2}), ("help", "quantity", {"most": 2}),
    ("undo", "ready", {}), ("skip slot", "digits", {"digits": 2}), ("sign off", "ready", {}),
    ("yes", "yes_no", {}), ("no", "yes_no", {}),
    ("kilo seven two alpha", "characters", {}), ("delta four echo five", "characters", {}),
]
OOG_CASES: list[tuple[str, str, dict[str, int]]] = [
    ("banana", "ready", {}), ("three", "quantity", {"most": 2}),
    ("hold on a second", "quantity", {"most": 2}), ("what", "yes_no", {}),
    ("okay", "ready", {}), ("nine", "yes_no", {}), ("four", "quantity", {"most": 2}),
    ("hello there", "digits", {"digits": 2}), ("maybe", "yes_no", {}),
    ("next one please", "ready", {}), ("hang on", "ready", {}), ("coffee", "digits", {"digits": 2}),
]
DIALOGUE = [
    "one two three four", "ready", "ready", "four two", "two", "one seven", "one",
    "kilo seven two alpha", "ready", "eight five", "two", "delta four echo five",
    "x-ray eight yankee one", "sign off", "yes",
]


@dataclass(frozen=True)
class Trial:
    """One answer to decode: audio at `rate`, the state's grammar, what counts as right and
    what would post. `posts_if` is the answer the dialogue acts on at once (the expected check
    digits, the asked quantity); `said` is the answer spoken (None: out of grammar)."""

    pcm: bytes
    rate: int
    expect: str
    context: tuple[tuple[str, int], ...]
    said: str | None
    posts_if: str | None
    label: str


def _value(text: str, expect: str) -> str | None:
    command = parse_command(text, PACK, expect)  # type: ignore[arg-type]
    return None if command.kind == "unknown" else f"{command.kind}:{command.value}"


def _acting(trial: Trial) -> str | None:
    """The answer that would act at once in the trial's state: the expected check digits (the
    slot's; they move the picker on to the quantity), the asked quantity (the grammar's
    largest), or a yes."""
    if trial.expect == "digits" and dict(trial.context).get("digits") == CHECK_DIGITS:
        return trial.posts_if
    if trial.expect == "quantity":
        return f"quantity:{dict(trial.context)['most']}"
    return "yes:None" if trial.expect == "yes_no" else None


def _noisy(samples: np.ndarray, rate: int, snr: float, seed: int) -> bytes:
    return mix_noise(to_pcm(samples), snr, kind="pinknoise", seed=seed, rate=rate)


# -- trials -------------------------------------------------------------------------------


def _pair_audio(recordings: dict[int, dict[int, np.ndarray]], digits: Sequence[int],
                indices: Sequence[int], rng: random.Random, gap_s: float | None = None,
                ) -> np.ndarray:
    """A speaker's digits joined with a pause (50-300 ms, or `gap_s`), 400 ms before/after."""
    parts = [np.zeros(3200)]
    for i, digit in enumerate(digits):
        if i:
            parts.append(np.zeros(int((gap_s if gap_s is not None else rng.uniform(0.05, 0.3))
                                      * 8000)))
        parts.append(recordings[digit][rng.choice(indices)])
    parts.append(np.zeros(3200))
    return np.concatenate(parts)


def real_trials(recordings: dict[int, dict[int, np.ndarray]], snr: float, seed: int,
                count: int, indices: Sequence[int]) -> list[Trial]:
    """Check digits (right slot and wrong slot) and quantities (as asked, and fewer)."""
    rng, trials = random.Random(seed), []
    for n in range(count):
        said = [rng.randrange(10), rng.randrange(10)]
        expected = said if n % 4 else [rng.randrange(10), rng.randrange(10)]
        audio = _noisy(_pair_audio(recordings, said, indices, rng), 8000, snr, seed + n)
        text = " ".join(DIGITS[d] for d in said)
        posts = f"digits:{''.join(map(str, expected))}"
        kind = "check digits" if expected == said else "wrong slot"
        said_value = f"digits:{''.join(map(str, said))}"
        trials.append(Trial(audio, 8000, "digits", (("digits", 2),), said_value, posts,
                            f"{kind}: {text}"))
    for n in range(count // 2):
        asked = rng.randrange(2, 10)
        count_said = asked if n % 4 else rng.randrange(1, asked)
        audio = _noisy(_pair_audio(recordings, [count_said], indices, rng), 8000, snr,
                       seed + 9000 + n)
        trials.append(Trial(audio, 8000, "quantity", (("most", asked),),
                            f"quantity:{count_said}", f"quantity:{asked}",
                            f"quantity {asked}, said {count_said}"))
    return trials


def espeak_trials(voices: Sequence[str], cases: Sequence[tuple[str, str, dict[str, int]]],
                  snr: float | None, seed: int, per_voice: int,
                  in_grammar: bool = True, shard: tuple[int, int] = (0, 1)) -> list[Trial]:
    """`per_voice` random cases for each voice, at a random speed of 120-230 wpm; `shard`
    (i, n): only the voices whose number is i modulo n (the same trials as unsharded)."""
    rng, trials = random.Random(seed), []
    for number, voice in enumerate(voices):
        speed = rng.randrange(120, 231)
        chosen = rng.sample(list(cases), min(per_voice, len(cases)))
        if number % shard[1] != shard[0]:
            continue
        for text, expect, context in chosen:
            tts = EspeakTts(voice=voice, speed=speed)
            pcm = silence(400) + tts.synthesize(text.replace("x-ray", "x ray")) + silence(400)
            if snr is not None:
                pcm = mix_noise(pcm, snr, kind="pinknoise", seed=seed + number)
            said = _value(text, expect) if in_grammar else None
            check = expect == "digits" and context.get("digits") == CHECK_DIGITS
            if in_grammar:  # at its slot, the check digits said are the expected ones
                posts = said if check else None
            else:
                posts = (f"quantity:{context['most']}" if expect == "quantity"
                         else "yes:None" if expect == "yes_no" else None)
            trials.append(Trial(pcm, 16000, expect, tuple(sorted(context.items())), said,
                                posts, f"{voice}@{speed} {text!r}"))
    return trials


# -- decoding -------------------------------------------------------------------------------


@dataclass
class Decoder:
    """An engine, the dialogue's rejection rule and VAD settings."""

    engine: SpeechEngine
    rule: Rejection
    vad: VadSettings

    def decode(self, trial: Trial, profile: bytes | None = None) -> dict[str, Any]:
        """Decode one trial as the dialogue would, and judge it."""
        grammar = PACK.grammar(trial.expect, **dict(trial.context))  # type: ignore[arg-type]
        recognizer = self.engine.recognizer(grammar, sample_rate=trial.rate, profile=profile)
        listener = Listener(recognizer, vad_from_settings(self.vad, trial.rate),
                            hangover_ms=self.vad.hangover_ms, sample_rate=trial.rate)
        began, cpu = time.perf_counter(), time.process_time()
        finals = [t for t in listener.feed(trial.pcm) if t.is_final and t.text]
        last = listener.flush()
        finals += [last] if last is not None and last.text else []
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        recognizer.close()
        first = finals[0] if finals else Transcript("", True)
        seconds = len(trial.pcm) / (2 * trial.rate)
        row = {"label": trial.label, "said": trial.said, "posts_if": trial.posts_if,
               "acting": _acting(trial), "in_grammar": trial.said is not None,
               "posting_trial": trial.said is not None and trial.posts_if is not None
               and trial.posts_if != trial.said, "pieces": len(finals),
               "rtf": cpu / seconds, "rtf_wall": wall / seconds, "cpu_ms": 1000 * cpu,
               "expect": trial.expect}
        return judge(row, first, self.rule)


def judge(row: dict[str, Any], first: Transcript, rule: Rejection) -> dict[str, Any]:
    """`row` (a trial's label, said, posts_if, acting, expect...) with what the dialogue makes
    of `first`, the utterance's first final result, under `rule`: heard, got, rejected, right,
    posts (a wrong posting)."""
    got = _value(first.text, row["expect"])
    acting = got is not None and got == row["acting"]
    checks = acting and row["expect"] == "digits"
    rejected = got is None or rule.rejects(first, confirming=row["expect"] == "yes_no",
                                           acts=acting and not checks, checks=checks)
    return {**row, "heard": first.text, "score": first.score, "got": got,
            "confidence": first.confidence, "rejected": rejected,
            "right": not rejected and got == row["said"],
            "posts": not rejected and got == row["posts_if"] and got != row["said"]}


def summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy on answers the dialogue expects, re-prompts, wrong answers, wrong postings and
    out-of-grammar speech accepted."""
    said = [r for r in rows if r["in_grammar"] and not r["posting_trial"]]
    posting = [r for r in rows if r["posting_trial"]]
    oog = [r for r in rows if not r["in_grammar"]]
    out: dict[str, Any] = {"utterances": len(said)}
    if said:
        out |= {"accuracy": sum(r["right"] for r in said) / len(said),
                "reprompt_rate": sum(r["rejected"] for r in said) / len(said),
                "wrong_rate": sum(not r["right"] and not r["rejected"] for r in said) / len(said)}
    if posting:
        out |= {"posting_trials": len(posting),
                "wrong_posting_rate": sum(r["posts"] for r in posting) / len(posting)}
    if oog:
        out |= {"oog_utterances": len(oog),
                "oog_accepted_rate": sum(not r["rejected"] for r in oog) / len(oog),
                "oog_wrong_posting_rate": sum(r["posts"] for r in oog) / len(oog)}
    out["misses"] = [f"{r['label']} -> {r['heard']!r} ({r['score']})"
                     for r in rows if r["in_grammar"] and not r["right"]
                     and not r["posting_trial"]][:40]
    return out


# -- real speakers ------------------------------------------------------------------------------


def _enrolment(recordings: dict[int, dict[int, np.ndarray]], seed: int,
               ) -> list[EnrolmentUtterance]:
    """Recordings 0-4 of each digit, alone and in pairs, as an enrolment would hear them
    (300 ms of the room before and after, 30 dB SNR)."""
    rng, takes = random.Random(seed), []
    singles = [(d, i) for d in range(10) for i in ENROL_INDICES]
    groups = [[s] for s in singles] + [rng.sample(singles, 2) for _ in range(len(singles) // 2)]
    for n, group in enumerate(groups):
        parts = [np.zeros(2400)]
        for j, (digit, index) in enumerate(group):
            if j:
                parts.append(np.zeros(int(rng.uniform(0.05, 0.3) * 8000)))
            parts.append(recordings[digit][index])
        parts.append(np.zeros(2400))
        pcm = _noisy(np.concatenate(parts), 8000, 30.0, seed + n)
        takes.append(EnrolmentUtterance(pcm, " ".join(DIGITS[d] for d, _ in group)))
    return takes


def real_speakers(decoder: Decoder, speakers: Sequence[str], count: int,
                  enrol: bool = True, conditions: Sequence[str] = tuple(SNRS),
                  ) -> dict[str, Any]:
    """Per condition (of `conditions`): speaker-independent and enrolled figures over
    `speakers`, tested on recordings 5-49 (the same audio both ways)."""
    test_indices = [i for i in range(50) if i not in ENROL_INDICES]
    data = corpus.read_fsdd(speakers)
    rows: dict[str, list[dict[str, Any]]] = {}
    profiles: dict[str, bytes] = {}
    enrolment: dict[str, Any] = {}
    for speaker in speakers:
        if enrol:
            began = time.perf_counter()
            adaptation = decoder.engine.adapt(_enrolment(data[speaker], 500), sample_rate=8000)
            profiles[speaker] = adaptation.data
            enrolment[speaker] = {**dict(adaptation.details),
                                  "wall_s": round(time.perf_counter() - began, 1)}
        for cond in conditions:
            trials = real_trials(data[speaker], SNRS[cond], seed=1000 + len(speaker) * 77,
                                 count=count, indices=test_indices)
            for trial in trials:
                rows.setdefault(f"si_{cond}", []).append(decoder.decode(trial))
                if enrol:
                    rows.setdefault(f"enrolled_{cond}", []).append(
                        decoder.decode(trial, profiles[speaker]))
    return real_summary(rows, enrolment)


def real_summary(rows: dict[str, list[dict[str, Any]]], enrolment: dict[str, Any],
                 ) -> dict[str, Any]:
    """`real_speakers` from its rows per condition and the enrolments' details."""
    out: dict[str, Any] = {key: summary(value) for key, value in rows.items()}
    for key, value in rows.items():
        checks = [r for r in value if r["expect"] == "digits"]
        out[key]["check_digits_accuracy"] = summary(checks).get("accuracy")
        out[key]["check_digits_wrong_posting_rate"] = summary(checks).get("wrong_posting_rate")
        quantities = [r for r in value if r["expect"] == "quantity"]
        out[key]["quantity_accuracy"] = summary(quantities).get("accuracy")
        out[key]["quantity_wrong_posting_rate"] = summary(quantities).get("wrong_posting_rate")
    out["enrolment"] = enrolment
    out["rows"] = rows
    return out


# -- edges --------------------------------------------------------------------------------------


def _cough(rng: np.random.Generator) -> np.ndarray:
    """A cough-like burst: 180 ms of band-passed noise, a sharp attack and a fast decay."""
    from scipy.signal import butter, sosfilt

    n = int(0.18 * 8000)
    burst = sosfilt(butter(2, [300, 2500], "bandpass", fs=8000, output="sos"), rng.normal(size=n))
    envelope = np.minimum(np.arange(n) / 80, 1.0) * np.exp(-np.arange(n) / (0.05 * 8000))
    return np.asarray(burst / (np.abs(burst).max() + 1e-9) * envelope * 12000)


def _tempo(samples: np.ndarray, factor: float) -> np.ndarray:
    """`samples` (8 kHz) spoken `factor` times faster at the same pitch (sox tempo)."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.wav", Path(tmp) / "out.wav"
        corpus.write_wav(source, samples, 8000)
        subprocess.run(["sox", "-V1", str(source), str(target), "tempo", "-s", str(factor)],
                       check=True)
        from assistant.speech.audio import wav_samples

        return wav_samples(target.read_bytes())[0]


def edges(decoder: Decoder, speakers: Sequence[str], count: int) -> dict[str, Any]:
    """Check digits of real recordings with and without each edge, the same digits both ways."""
    data = corpus.read_fsdd(speakers)
    variants: dict[str, list[dict[str, Any]]] = {}
    for speaker in speakers:
        rng = random.Random(7 + len(speaker))
        for n in range(count):
            digits = [rng.randrange(10), rng.randrange(10)]
            picks = [data[speaker][d][rng.randrange(5, 50)] for d in digits]
            seed = 4000 + n + len(speaker) * 1000
            base = np.concatenate([np.zeros(3200), picks[0], np.zeros(800), picks[1],
                                   np.zeros(3200)])
            speech = np.concatenate([picks[0], np.zeros(800), picks[1]])
            noisy = _noisy(base, 8000, 30.0, seed)
            audio = {
                "base": noisy,
                # the same audio with its 400 ms of room before and after the words replaced
                # by exact zeros (a gated microphone), plus 100 ms more of them
                "digital_silence": to_pcm(np.zeros(4000)) + noisy[6400:-6400]
                + to_pcm(np.zeros(4000)),
                "pause_400ms": _noisy(np.concatenate([np.zeros(3200), picks[0], np.zeros(3200),
                                                      picks[1], np.zeros(3200)]), 8000, 30.0,
                                      seed),
                "fast_x1.3": _noisy(np.concatenate([np.zeros(3200), _tempo(speech, 1.3),
                                                    np.zeros(3200)]), 8000, 30.0, seed),
                "clipped": _noisy(np.clip(base * 4, -32767, 32767), 8000, 30.0, seed),
                "cough_before": _noisy(np.concatenate([np.zeros(1600),
                                                       _cough(np.random.default_rng(seed)),
                                                       np.zeros(2400), base]), 8000, 30.0, seed),
            }
            said = f"digits:{''.join(map(str, digits))}"
            for name, pcm in audio.items():
                trial = Trial(pcm, 8000, "digits", (("digits", 2),), said, said,
                              f"{name}: {speaker} {digits}")
                variants.setdefault(name, []).append(decoder.decode(trial))
    accuracy = {name: summary(rows)["accuracy"] for name, rows in variants.items()}
    return {"accuracy": accuracy,
            "loss_against_base": {k: round(accuracy["base"] - v, 4)
                                  for k, v in accuracy.items() if k != "base"},
            "utterances_each": count * len(speakers)}


# -- speed ----------------------------------------------------------------------------------------


def _lines() -> list[PickLine]:
    return [
        PickLine("L1", "A12-03-2", "12", "3", "2", "42", "gold ring", "RG-100", 2),
        PickLine("L2", "A12-05-1", "12", "5", "1", "17", "silver chain", "CH-200", 1, True,
                 ("SN-200-K72A", "SN-200-B9X4")),
        PickLine("L3", "A14-01-3", "14", "1", "3", "85", "pearl earring", "ER-300", 2, True,
                 ("SN-300-7Q3M", "SN-300-D4E5", "SN-300-X8Y1")),
    ]


def _session_at(decoder: Decoder, rate: int, turn: int) -> VoiceSession:
    """A dialogue session at `rate` in the state where the script's answer `turn` is due (the
    answers before it typed, as if heard)."""
    backend = InMemoryPickingBackend({"1234": "Anna"}, {"1234": [_lines()]})
    machine = DialogueMachine(backend, PACK, operator_id_digits=4)
    session = VoiceSession(machine, decoder.engine.recognizer(machine.grammar(), sample_rate=rate),
                           vad_from_settings(decoder.vad, rate), rejection=decoder.rule,
                           hangover_ms=decoder.vad.hangover_ms, sample_rate=rate)
    session.start()
    for text in DIALOGUE[:turn]:
        session.handle_text(text)
    return session


def latency(decoder: Decoder, voices: Sequence[str], rate: int) -> dict[str, Any]:
    """End of speech to the next prompt, streaming each answer of a whole dialogue in 20 ms
    chunks (the time to the end of the chunk that brought the prompt, plus its compute).

    Each answer is spoken in the state the script expects it in (the answers before it typed):
    otherwise one misheard answer puts every later one outside its state's grammar, and what
    is timed is the long wait for an answer that never completes. A misheard answer still
    counts, with the wait it had."""
    waits = []
    chunk = rate // 50 * 2
    for voice in voices:
        for turn, text in enumerate(DIALOGUE):
            session = _session_at(decoder, rate, turn)
            speech = EspeakTts(voice=voice, speed=170).synthesize(text.replace("x-ray", "x ray"))
            if rate == 8000:
                speech = to_pcm(resample_poly(np.frombuffer(speech, "<i2").astype(float),
                                              16000, 8000))
            samples = np.abs(np.frombuffer(speech, "<i2").astype(np.int32))
            loud = np.flatnonzero(samples > 0.02 * max(int(samples.max()), 1))
            speech_end = 0.4 + (loud[-1] + 1) / rate if loud.size else 0.4
            pcm = silence(400, rate) + speech + silence(1500, rate)
            for offset in range(0, len(pcm), chunk):
                began = time.perf_counter()
                events = session.feed_audio(pcm[offset : offset + chunk])
                if any(e.type == "prompt" for e in events):
                    compute = time.perf_counter() - began
                    waits.append(1000 * ((offset + chunk) / (2 * rate) - speech_end + compute))
                    break
            session.recognizer.close()
    return {"end_of_speech_to_prompt_ms_median": statistics.median(waits),
            "end_of_speech_to_prompt_ms_p90": float(np.percentile(waits, 90)),
            "turns": len(waits)}


# -- espeak voices ------------------------------------------------------------------------------


def espeak_figures(decoder: Decoder, voices: Sequence[str], per_voice: int,
                   seed: int, shard: tuple[int, int] = (0, 1)) -> dict[str, Any]:
    """In-grammar answers and out-of-grammar speech of `voices`, quiet and at 10 dB."""
    rows_at: dict[str, list[dict[str, Any]]] = {}
    for cond, snr in SNRS.items():
        rows = [decoder.decode(t) for t in espeak_trials(voices, CASES, snr, seed, per_voice,
                                                         shard=shard)]
        rows += [decoder.decode(t) for t in espeak_trials(voices[::2], OOG_CASES, snr, seed + 1,
                                                           2, in_grammar=False, shard=shard)]
        rows_at[cond] = rows
    return espeak_summary(rows_at)


def espeak_summary(rows_at: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """`espeak_figures` from its rows per condition."""
    out: dict[str, Any] = {}
    for cond, rows in rows_at.items():
        out[cond] = summary(rows)
        words: Counter[str] = Counter(r["label"].split("'")[1] + " -> " + r["heard"]
                                      for r in rows if r["in_grammar"] and not r["right"])
        out[cond]["confusions"] = dict(words.most_common(15))
        out[cond]["rows"] = rows
    return out


# -- calibration ------------------------------------------------------------------------------


def calibrate(decoder: Decoder, rows: Sequence[dict[str, Any]]) -> tuple[float, float]:
    """Thresholds from development rows: for answers, the strictest that costs at most half a
    point of accuracy against no rejection; for yes/no confirmations, the strictest that
    re-prompts no correct yes or no."""
    said = [r for r in rows if r["in_grammar"] and not r["posting_trial"]]
    oog = [r for r in rows if not r["in_grammar"]]
    unscored = [r for r in said if r["score"] is not None]
    base = sum(r["right"] for r in said) / len(said)
    print(f"{'threshold':>9} {'accuracy':>9} {'oog accepted':>13} {'oog posts':>10}")
    answer = confirm = -30.0
    for step in range(0, 61):
        t = -12.0 + 0.2 * step
        kept = [r for r in said if r["right"] and (r["score"] is None or r["score"] >= t)]
        accepted = [r for r in oog if not r["rejected"] and r["score"] is not None
                    and r["score"] >= t]
        print(f"{t:9.1f} {len(kept) / len(said):9.3f} {len(accepted) / max(len(oog), 1):13.3f}"
              f" {sum(r['posts'] for r in accepted) / max(len(oog), 1):10.3f}")
        if len(kept) / len(said) >= base - 0.005:
            answer = t
        yes_no = [r for r in unscored if r["expect"] == "yes_no" and r["right"]]
        if all(r["score"] >= t for r in yes_no):
            confirm = t
    confirm -= 1.0  # a margin for voices and rooms the development set does not have
    print(f"chosen: answers {answer:.1f}, confirmations {confirm:.1f}")
    return round(answer, 1), round(confirm, 1)


def _wrong_and_reprompted(rows: Sequence[dict[str, Any]], rule: Rejection,
                          ) -> tuple[int, int, int]:
    """Under `rule`: wrong postings, right answers re-prompted, and the right answers there
    were (`assistant.speech.calibration.outcome`, which the calibration minimises)."""
    result = outcome(rows, rule)
    return result.wrong_postings, result.reprompted, result.right


def calibrate_checking(rows: Sequence[dict[str, Any]]) -> float:
    """The confidence the expected check digits need (`Rejection.checking`): the strictest
    that re-prompts at most 2 % of the real development speakers' right check digits (each
    misheard check digit is a wrong posting waiting for a wrong slot with those digits)."""
    checks = [r for r in rows if r["expect"] == "digits" and r["acting"] is not None
              and r["got"] is not None and r["label"].split(":")[0] in ("check digits",
                                                                         "wrong slot")]
    right = [r["confidence"] for r in checks if r["got"] == r["said"]]
    wrong = [r["confidence"] for r in checks if r["got"] != r["said"]]
    chosen = 0.0
    print(f"{'check confidence':>16} {'right re-prompted':>18} {'misheard caught':>16}")
    for step in range(1, 10):
        level = step / 10
        again = sum(c < level for c in right) / max(len(right), 1)
        caught = sum(c < level for c in wrong) / max(len(wrong), 1)
        print(f"{level:16.1f} {again:18.3f} {caught:16.3f}")
        if again <= 0.02:
            chosen = level
    print(f"chosen: check digits confidence {chosen:.1f}")
    return chosen


def calibrate_acting(rows: Sequence[dict[str, Any]], answer: float, confirm: float,
                     checking: float | None = None) -> tuple[float, float]:
    """The fit score and confidence answers that act need (`Rejection.acting`, `.posting`):
    the pair with the fewest wrong postings on development rows, then the fewest right
    answers re-prompted."""
    best: tuple[int, int, float, float] | None = None
    print(f"{'acting':>7} {'posting':>8} {'wrong posts':>12} {'re-prompted':>12}")
    for acting in (-3.0, -2.5, -2.0, -1.5, -1.0, -0.5):
        for posting in (0.8, 0.85, 0.9, 0.95, 0.98):
            wrong, again, right = _wrong_and_reprompted(
                rows, Rejection(answer, confirm, posting, acting, checking))
            print(f"{acting:7.1f} {posting:8.2f} {wrong:12d} {again / max(right, 1):12.3f}")
            if best is None or (wrong, again) < best[:2]:
                best = (wrong, again, acting, posting)
    assert best is not None
    print(f"chosen: acting score {best[2]:.1f}, posting confidence {best[3]:.2f} "
          f"({best[0]} wrong postings left)")
    return best[2], best[3]


# -- main ---------------------------------------------------------------------------------------


def _latency_vad(decoder: Decoder) -> dict[str, int]:
    """The pauses that end an utterance, as the latency figures were measured with."""
    return {"hangover_ms": decoder.vad.hangover_ms,
            "extendable_hangover_ms": Listener.extendable_hangover_ms,
            "incomplete_hangover_ms": decoder.vad.incomplete_hangover_ms}


def _speed_only(decoder: Decoder, voices: Sequence[str]) -> None:
    """End of speech to prompt at both rates, written into the last result file."""
    out = ROOT / "bench" / "results" / "assistant_voice.json"
    result = json.loads(out.read_text()) if out.exists() else {}
    for rate in (8000, 16000):
        figures = latency(decoder, voices[::40], rate)
        result[f"latency_{rate // 1000}khz"] = figures["end_of_speech_to_prompt_ms_median"]
        print(f"latency_{rate // 1000}khz", figures)
    result["latency_vad"] = _latency_vad(decoder)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")


def _edges_only(decoder: Decoder, count: int) -> None:
    """The edges on the test speakers again, written into the last result file."""
    out = ROOT / "bench" / "results" / "assistant_voice.json"
    result = json.loads(out.read_text()) if out.exists() else {}
    began = time.perf_counter()
    result["edges"] = edges(decoder, corpus.FSDD_TEST_SPEAKERS, count // 2)
    result["edges"]["seconds"] = round(time.perf_counter() - began)
    print("edges:", json.dumps(result["edges"]))
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")


def _test_part(decoder: Decoder, count: int, voices: Sequence[str], per_voice: int,
               part: str, rows_out: Path) -> None:
    """One share of the test half, its rows saved for `--merge`: ``real:SPEAKER`` (or
    ``real:SPEAKER:CONDITION``, one of `SNRS`) or ``espeak:I/N`` (the test voices whose number
    is I modulo N)."""
    kind, _, which = part.partition(":")
    saved: dict[str, Any] = {"real": {}, "enrolment": {}, "espeak": {}}
    if kind == "real":
        speaker, _, cond = which.partition(":")
        real = real_speakers(decoder, (speaker,), count,
                             conditions=(cond,) if cond else tuple(SNRS))
        saved["real"], saved["enrolment"] = real["rows"], real["enrolment"]
    else:
        index, parts = (int(v) for v in which.split("/"))
        espeak = espeak_figures(decoder, voices, per_voice, seed=7, shard=(index, parts))
        saved["espeak"] = {cond: espeak[cond]["rows"] for cond in SNRS}
    rows_out.write_bytes(pickle.dumps(saved))


def _merge(files: Sequence[Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(real speakers, espeak voices) figures from the rows of `_test_part` runs."""
    real: dict[str, list[dict[str, Any]]] = {}
    espeak: dict[str, list[dict[str, Any]]] = {}
    enrolment: dict[str, Any] = {}
    for path in files:
        saved = pickle.loads(path.read_bytes())  # written by this script's `_test_part`
        for key, rows in saved["real"].items():
            real.setdefault(key, []).extend(rows)
        for key, rows in saved["espeak"].items():
            espeak.setdefault(key, []).extend(rows)
        enrolment |= saved["enrolment"]
    return real_summary(real, enrolment), espeak_summary(espeak)


def _test_only(decoder: Decoder, count: int, voices: Sequence[str], per_voice: int,
               merge: Sequence[Path] = ()) -> None:
    """The test headline under the current rejection rule, written into the last result file
    (its development, edge and speed figures stay those of the run that made it); `merge`:
    from the rows of `--part` runs instead (the test half decoded in several processes);
    merged parts without espeak rows keep the espeak figures of the last result."""
    out = ROOT / "bench" / "results" / "assistant_voice.json"
    result = json.loads(out.read_text()) if out.exists() else {}
    began = time.perf_counter()
    if merge:
        test_real, test_espeak = _merge(merge)
    else:
        test_real = real_speakers(decoder, corpus.FSDD_TEST_SPEAKERS, count)
        print("real speakers done", flush=True)
        test_espeak = espeak_figures(decoder, voices, per_voice, seed=7)
    test = _headline(test_real, test_espeak, "")
    _print(test)
    for cond in SNRS:
        for kind in ("si", "enrolled"):
            figures = test_real[f"{kind}_{cond}"]
            print(f"real {kind} {cond}: re-prompted {figures.get('reprompt_rate', 0):.3f}, "
                  f"wrong {figures.get('wrong_rate', 0):.3f}")
        if cond in test_espeak:
            print(f"espeak {cond}: re-prompted {test_espeak[cond].get('reprompt_rate', 0):.3f}")
    rule = decoder.rule
    result |= test
    result["rejection"] = {"answers": rule.answer, "confirmations": rule.confirm,
                           "acting_confidence": rule.posting, "acting_score": rule.acting,
                           "check_digit_confidence": rule.checking}
    result.setdefault("detail", {}).update(_strip({"real_test": test_real}))
    if test_espeak:  # merged parts without espeak rows keep the last run's espeak figures
        result["detail"]["espeak_test"] = _strip(test_espeak)
    result["test_only_run"] = {"seconds": round(time.perf_counter() - began),
                               "merged_parts": len(merge),
                               "espeak_merged": bool(test_espeak),
                               "note": "test headline and detail from a --test-only run under "
                                       "this rejection; dev_*, edges, latency and rtf figures "
                                       "(and espeak figures unless espeak_merged) are from "
                                       "the previous full run"}
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")


TARGETS = {"real_si_check_digits_quiet": 0.95, "real_enrolled_check_digits_quiet": 0.98,
           "real_si_check_digits_10db": 0.85, "real_enrolled_check_digits_10db": 0.95,
           "espeak_test_quiet": 0.97, "espeak_test_10db": 0.90, "rtf": 0.1,
           "end_of_speech_to_prompt_ms": 300}


def _strip(value: Any) -> Any:
    """The result without per-utterance rows (kept out of the JSON)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "rows"}
    return value


def _headline(real: dict[str, Any], espeak: dict[str, Any], prefix: str) -> dict[str, Any]:
    out = {}
    for kind in ("si", "enrolled"):
        for cond in SNRS:
            figures = real.get(f"{kind}_{cond}", {})
            out[f"{prefix}real_{kind}_check_digits_{cond}"] = figures.get("check_digits_accuracy")
            out[f"{prefix}real_{kind}_quantity_{cond}"] = figures.get("quantity_accuracy")
            out[f"{prefix}real_{kind}_wrong_postings_{cond}"] = max(
                figures.get("check_digits_wrong_posting_rate") or 0.0,
                figures.get("quantity_wrong_posting_rate") or 0.0)
    for cond in (c for c in SNRS if c in espeak):  # none: only real speakers were merged
        out[f"{prefix}espeak_{cond}"] = espeak[cond].get("accuracy")
        out[f"{prefix}espeak_oog_accepted_{cond}"] = espeak[cond].get("oog_accepted_rate")
        out[f"{prefix}espeak_oog_wrong_postings_{cond}"] = espeak[cond].get(
            "oog_wrong_posting_rate")
    return out


def _print(figures: dict[str, Any]) -> None:
    for key, value in figures.items():
        print(f"{key:52} {value:.3f}" if isinstance(value, float) else f"{key:52} {value}")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the development half, then (unless --dev) the test half, and write the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", action="store_true", help="development figures only")
    parser.add_argument("--calibrate", action="store_true", help="sweep rejection thresholds")
    parser.add_argument("--engine", help="embedding, pocketsphinx... (default: the settings')")
    parser.add_argument("--quick", action="store_true", help="fewer utterances (a smoke run)")
    parser.add_argument("--speed-only", action="store_true",
                        help="measure end of speech to prompt again and update the JSON")
    parser.add_argument("--edges-only", action="store_true",
                        help="measure the edges on the test speakers again and update the JSON")
    parser.add_argument("--part", help="with --test-only: decode one share of the test half "
                        "(real:SPEAKER or espeak:I/N) and save its rows to --rows-out")
    parser.add_argument("--rows-out", type=Path, help="where --part writes its rows (pickle)")
    parser.add_argument("--merge", type=Path, nargs="+", default=(),
                        help="with --test-only: the headline from --part runs' rows")
    parser.add_argument("--test-only", action="store_true",
                        help="only the test headline (real speakers, espeak voices), written "
                             "into the last result file (a shared machine's short run)")
    args = parser.parse_args(argv)
    settings = AssistantSettings()
    if args.engine:
        settings = settings.model_copy(update={"speech": settings.speech.model_copy(
            update={"type": args.engine})})
    engine = create_speech_engine(settings)
    rule = Rejection() if args.calibrate else rejection_thresholds(settings, engine.name)
    decoder = Decoder(engine, rule, settings.vad)
    count, per_voice, stride = (40, 2, 8) if args.quick else (200, 5, 1)
    dev_voices = corpus.espeak_voices("dev")[:: 4 * stride]
    test_voices = corpus.espeak_voices("test")[::stride]
    began = time.perf_counter()
    word_bonus = getattr(engine, "word_bonus", None)  # the embedding decoder's prior
    print(f"engine {engine.name}; word bonus {word_bonus}; rejection {rule}")
    if args.speed_only:
        _speed_only(decoder, test_voices)
        return
    if args.edges_only:
        _edges_only(decoder, count)
        return
    if args.test_only and args.part:
        _test_part(decoder, count, test_voices, per_voice, args.part, args.rows_out)
        return
    if args.test_only:
        _test_only(decoder, count, test_voices, per_voice, args.merge)
        return
    dev_real = real_speakers(decoder, corpus.FSDD_DEV_SPEAKERS, count // 2,
                             enrol=not args.calibrate)
    dev_espeak = espeak_figures(decoder, dev_voices, per_voice, seed=101)
    if args.calibrate:
        rows = [r for v in dev_real["rows"].values() for r in v]
        rows += [r for v in dev_espeak.values() for r in v["rows"]]
        answer, confirm = calibrate(decoder, rows)
        checking = calibrate_checking([r for v in dev_real["rows"].values() for r in v])
        calibrate_acting(rows, answer, confirm, checking)
        return
    dev = _headline(dev_real, dev_espeak, "dev_")
    _print(dev)
    for cond in SNRS:
        print(f"dev espeak misses, {cond}:", *dev_espeak[cond]["misses"][:15], sep="\n  ")
    if args.dev:
        return
    test_real = real_speakers(decoder, corpus.FSDD_TEST_SPEAKERS, count)
    test_espeak = espeak_figures(decoder, test_voices, per_voice, seed=7)
    test = _headline(test_real, test_espeak, "")
    edge = edges(decoder, corpus.FSDD_TEST_SPEAKERS, count // 2)
    speed = {f"latency_{rate // 1000}khz": latency(decoder, test_voices[:: 40], rate)
             for rate in (8000, 16000)}
    rows_at = {8000: [r for v in test_real["rows"].values() for r in v],
               16000: [r for v in test_espeak.values() for r in v["rows"]]}
    rtf = {f"rtf_cpu_median_{rate // 1000}khz": statistics.median(r["rtf"] for r in rows)
           for rate, rows in rows_at.items()}
    result = {"engine": engine.name, "word_bonus": word_bonus,
              "rejection": {"answers": rule.answer, "confirmations": rule.confirm,
                            "acting_confidence": rule.posting, "acting_score": rule.acting,
                            "check_digit_confidence": rule.checking},
              "split": {"real_test_speakers": corpus.FSDD_TEST_SPEAKERS,
                        "real_dev_speakers": corpus.FSDD_DEV_SPEAKERS,
                        "espeak_test_voices": len(test_voices),
                        "espeak_dev_voices_sampled": len(dev_voices)},
              **test, **rtf,
              **{k: v["end_of_speech_to_prompt_ms_median"] for k, v in speed.items()},
              "latency_vad": _latency_vad(decoder),
              "edges": edge, "targets": TARGETS, **dev,
              "detail": _strip({"real_test": test_real, "espeak_test": test_espeak,
                                "real_dev": dev_real, "espeak_dev": dev_espeak}),
              "seconds": round(time.perf_counter() - began)}
    _print({k: v for k, v in result.items() if not isinstance(v, dict)})
    print("edges:", json.dumps(edge))
    for cond in SNRS:
        print(f"test espeak misses, {cond}:", *test_espeak[cond]["misses"][:20], sep="\n  ")
        for kind in ("si", "enrolled"):
            print(f"real {kind} misses, {cond}:", *test_real[f"{kind}_{cond}"]["misses"][:20],
                  sep="\n  ")
    out = ROOT / "bench" / "results" / "assistant_voice.json"
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()

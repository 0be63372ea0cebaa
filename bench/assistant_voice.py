"""Voice-picking benchmark: command accuracy (clean and 10 dB SNR), real-time factor, latency.

Run from the project root: ``.venv/bin/python bench/assistant_voice.py``. Needs espeak-ng and
sox. Prints a table and writes ``bench/results/assistant_voice.json``.

``--calibrate`` instead sweeps the out-of-grammar rejection threshold over a calibration set
(other voices, other phrases, other noise) kept apart from the bench set, and prints the
threshold to put in ``AssistantSettings.rejection_threshold``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.settings import AssistantSettings
from assistant.speech import EnergyVad, EspeakTts, PocketSphinxEngine, Transcript
from assistant.speech.audio import mix_noise, silence
from assistant.voice import (
    DialogueMachine,
    InMemoryPickingBackend,
    PickLine,
    VoiceSession,
    load_language,
    parse_command,
)

VOICES = [("en-us+klatt6", 180), ("en-us+klatt", 180), ("en-us+klatt2", 160),
          ("en-us+klatt6", 150), ("en-us+klatt5", 170)]
# (what is said, what the state expects, what the state knows): each utterance is decoded with
# the grammar the dialogue would use at that point - check digits have 2 digits, operator ids 4,
# and a quantity is at most the line's quantity (2, or 12 and 24 for the larger numbers).
CASES: list[tuple[str, str, dict[str, int]]] = [
    ("four two", "digits", {"digits": 2}), ("one two three four", "digits", {"digits": 4}),
    ("eight five", "digits", {"digits": 2}), ("seven one", "digits", {"digits": 2}),
    ("two", "quantity", {"most": 2}), ("twelve", "quantity", {"most": 12}),
    ("twenty four", "quantity", {"most": 24}), ("short one", "quantity", {"most": 2}),
    ("short", "quantity", {"most": 2}), ("ready", "ready", {}), ("repeat", "ready", {}),
    ("say again", "digits", {"digits": 2}), ("help", "quantity", {"most": 2}),
    ("undo", "ready", {}), ("skip slot", "digits", {"digits": 2}), ("sign off", "ready", {}),
    ("yes", "yes_no", {}), ("no", "yes_no", {}),
    ("kilo seven two alpha", "characters", {"most": 2}),
    ("delta four echo five", "characters", {"most": 2}),
]
# Out of grammar: what a picker may say that the state has no answer for (a quantity above the
# line's, a word the grammar lacks). Each must be re-prompted, never taken as a command.
OOG_CASES: list[tuple[str, str, dict[str, int]]] = [
    ("banana", "ready", {}), ("three", "quantity", {"most": 2}),
    ("hold on a second", "quantity", {"most": 2}), ("what", "yes_no", {}),
    ("okay", "ready", {}), ("nine", "yes_no", {}), ("four", "quantity", {"most": 2}),
    ("hello there", "digits", {"digits": 2}), ("maybe", "yes_no", {}),
    ("next one please", "ready", {}),
]
# The calibration set: other voices, other phrases, other noise seeds than the bench set.
CAL_VOICES = [("en-us+klatt3", 175), ("en-us+klatt4", 165), ("en-us+klatt2", 185),
              ("en-us+klatt", 150)]
CAL_CASES: list[tuple[str, str, dict[str, int]]] = [
    ("one three", "digits", {"digits": 2}), ("nine zero", "digits", {"digits": 2}),
    ("five five six one", "digits", {"digits": 4}), ("one", "quantity", {"most": 3}),
    ("three", "quantity", {"most": 3}), ("eighteen", "quantity", {"most": 20}),
    ("thirty one", "quantity", {"most": 40}), ("short two", "quantity", {"most": 3}),
    ("ready", "ready", {}), ("say again", "ready", {}), ("help", "yes_no", {}),
    ("no", "yes_no", {}), ("yes", "yes_no", {}), ("skip slot", "quantity", {"most": 3}),
    ("undo", "quantity", {"most": 3}), ("mike two golf nine", "characters", {}),
]
CAL_OOG: list[tuple[str, str, dict[str, int]]] = [
    ("hello", "ready", {}), ("stop", "yes_no", {}), ("five", "quantity", {"most": 3}),
    ("wait a moment", "quantity", {"most": 3}), ("seven", "yes_no", {}),
    ("left side", "digits", {"digits": 2}), ("thank you", "ready", {}),
    ("cancel that", "yes_no", {}), ("twenty", "quantity", {"most": 3}),
    ("where is it", "digits", {"digits": 2}), ("good morning", "ready", {}),
    ("sure", "yes_no", {}),
]
DIALOGUE = [
    "one two three four", "ready", "ready", "four two", "two", "one seven", "one",
    "kilo seven two alpha", "ready", "eight five", "two", "delta four echo five",
    "x-ray eight yankee one", "sign off", "yes",
]
CHUNK = 640  # 20 ms, as a headset streams
PACK = load_language("en")


def _lines() -> list[PickLine]:
    return [
        PickLine("L1", "A12-03-2", "12", "3", "2", "42", "gold ring", "RG-100", 2),
        PickLine("L2", "A12-05-1", "12", "5", "1", "17", "silver chain", "CH-200", 1, True,
                 ("SN-200-K72A", "SN-200-B9X4")),
        PickLine("L3", "A14-01-3", "14", "1", "3", "85", "pearl earring", "ER-300", 2, True,
                 ("SN-300-7Q3M", "SN-300-D4E5", "SN-300-X8Y1")),
    ]


def _speech(text: str, voice: str, speed: int) -> bytes:
    return EspeakTts(voice=voice, speed=speed).synthesize(text.replace("x-ray", "x ray"))


def _session(engine: PocketSphinxEngine) -> VoiceSession:
    backend = InMemoryPickingBackend({"1234": "Anna"}, {"1234": [_lines()]})
    machine = DialogueMachine(backend, PACK, operator_id_digits=4)
    session = VoiceSession(machine, engine.recognizer(PACK.grammar("digits")), EnergyVad(),
                           reject_below=AssistantSettings().rejection_threshold)
    session.start()
    return session


def _transcribe(recognizer: Any, pcm: bytes, tail_ms: int = 150) -> list[Transcript]:
    """VAD-segmented decoding, holding back quiet audio past `tail_ms` as VoiceSession does."""
    heard, held = [], []
    for event in EnergyVad().feed(pcm):
        if event.kind == "start" or event.quiet_ms <= tail_ms:
            audio = b"".join([*held, event.audio]) if event.quiet_ms == 0 else event.audio
            held.clear()
        else:
            audio = b""
            if event.kind != "end":
                held.append(event.audio)
        result = recognizer.accept(audio) if audio else None
        if event.kind == "end" or (result is not None and result.is_final):
            held.clear()
            final = result if result is not None and result.is_final else recognizer.finish()
            heard.append(final)
    heard.append(recognizer.finish())
    return heard


def _speech_end(speech: bytes) -> float:
    """Seconds into `speech` where the last audible sample is (espeak pads with silence)."""
    samples = np.abs(np.frombuffer(speech, dtype="<i2").astype(np.int32))
    loud = np.flatnonzero(samples > 0.02 * max(int(samples.max()), 1))
    return float(loud[-1] + 1) / 16000 if loud.size else 0.0


def _posts(got: Any, expect: str, context: dict[str, int]) -> bool:
    """Would the dialogue post on `got` at once? A quantity equal to the one asked for, or a
    "yes" to a confirmation (of a short, an undo or a sign-off); nothing else posts."""
    if expect == "quantity":
        return got.kind == "quantity" and got.value == context.get("most")
    return expect == "yes_no" and got.kind == "yes"


def decode_set(engine: PocketSphinxEngine, voices: list[tuple[str, int]],
               cases: list[tuple[str, str, dict[str, int]]], snr_db: float | None,
               seed: int = 0, in_grammar: bool = True) -> list[dict[str, Any]]:
    """Decode every case in every voice: what was heard, its score, and how it parses.

    Decoding goes through VAD + engine + parser. An utterance the VAD splits is judged as the
    dialogue would take it: by its first non-empty piece.
    """
    recognizer = engine.recognizer(PACK.grammar("digits"))
    rows = []
    for voice, speed in voices:
        for text, expect, context in cases:
            pcm = silence(400) + _speech(text, voice, speed) + silence(400)
            if snr_db is not None:
                pcm = mix_noise(pcm, snr_db, kind="pinknoise", seed=len(text) + speed + seed)
            recognizer.set_grammar(PACK.grammar(expect, **context))  # type: ignore[arg-type]
            start = time.perf_counter()
            heard = [h for h in _transcribe(recognizer, pcm) if h.text]
            cpu = time.perf_counter() - start
            first = heard[0] if heard else Transcript("", True)
            got = parse_command(first.text, PACK, expect)  # type: ignore[arg-type]
            want = (parse_command(text, PACK, expect) if in_grammar  # type: ignore[arg-type]
                    else None)
            right = want is not None and (got.kind, got.value) == (want.kind, want.value)
            rows.append({"name": f"{voice}@{speed} {text!r} -> {first.text!r}",
                         "score": first.score, "unknown": got.kind == "unknown",
                         "right": right, "posts": _posts(got, expect, context),
                         "cpu": cpu, "audio": len(pcm) / 32000})
    return rows


def _rejected(row: dict[str, Any], threshold: float | None) -> bool:
    score = row["score"]
    return threshold is not None and score is not None and score < threshold


def summarise(rows: list[dict[str, Any]], oog: list[dict[str, Any]],
              threshold: float | None) -> dict[str, Any]:
    """Accuracy, re-prompts and wrong commands of decoded rows at one rejection threshold."""
    hits = reprompts = wrong = wrong_posts = 0
    misses = []
    for row in rows:
        if row["unknown"] or _rejected(row, threshold):
            reprompts += 1
            misses.append(f"re-prompt {row['name']} score={row['score']}")
        elif row["right"]:
            hits += 1
        else:
            wrong += 1
            wrong_posts += row["posts"]
            misses.append(f"WRONG {row['name']} score={row['score']}")
    oog_accepted = [r for r in oog if not (r["unknown"] or _rejected(r, threshold))]
    misses += [f"OOG accepted {r['name']} score={r['score']}" for r in oog_accepted]
    total, accepted = len(rows), len(rows) - reprompts
    return {"accuracy": hits / total, "utterances": total,
            "reprompt_rate": reprompts / total, "wrong_command_rate": wrong / total,
            "wrong_posting_rate": wrong_posts / total,
            "accepted_accuracy": hits / accepted if accepted else 0.0,
            "oog_utterances": len(oog), "oog_accepted_rate": len(oog_accepted) / len(oog),
            "oog_wrong_posting_rate": sum(r["posts"] for r in oog_accepted) / len(oog),
            "rtf_median": statistics.median(r["cpu"] / r["audio"] for r in rows + oog),
            "misses": misses}


def accuracy(engine: PocketSphinxEngine, snr_db: float | None,
             threshold: float | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The bench set at `snr_db`: summaries without and with out-of-grammar rejection."""
    rows = decode_set(engine, VOICES, CASES, snr_db)
    oog = decode_set(engine, VOICES, OOG_CASES, snr_db, in_grammar=False)
    return summarise(rows, oog, None), summarise(rows, oog, threshold)


def calibrate(engine: PocketSphinxEngine) -> float:
    """Sweep thresholds on the calibration set; print the table and return the chosen one.

    The choice is the strictest threshold that still keeps the correct answers within three
    points of no rejection at all: re-prompting a good answer costs the picker a repeat,
    accepting out-of-grammar speech may act on it.
    """
    rows, oog = [], []
    for snr in (None, 15.0, 10.0):
        rows += decode_set(engine, CAL_VOICES, CAL_CASES, snr, seed=7)
        oog += decode_set(engine, CAL_VOICES, CAL_OOG, snr, seed=7, in_grammar=False)
    floor = sum(r["right"] and not r["unknown"] for r in rows) / len(rows) - 0.03
    chosen = -9.0
    print(f"{'threshold':>9} {'correct':>8} {'wrong':>6} {'oog_acc':>8} {'reprompt':>9}")
    for step in range(0, 61):
        threshold = -9.0 + 0.1 * step
        kept = [r for r in rows if not (r["unknown"] or _rejected(r, threshold))]
        correct = sum(r["right"] for r in kept)
        bad = len(kept) - correct + sum(
            1 for r in oog if not (r["unknown"] or _rejected(r, threshold)))
        wrong = len(kept) - correct
        print(f"{threshold:9.1f} {correct / len(rows):8.3f} {wrong / len(rows):6.3f}"
              f" {(bad - wrong) / len(oog):8.3f}"
              f" {1 - len(kept) / len(rows):9.3f}")
        if correct / len(rows) >= floor - 1e-9:
            chosen = threshold
    print(f"chosen rejection_threshold: {chosen:.1f}")
    return round(chosen, 1)


def latency(engine: PocketSphinxEngine) -> dict[str, Any]:
    """End of speech to next prompt, streaming 20 ms chunks through a whole dialogue."""
    tts = EspeakTts()
    prompt_ms, with_tts_ms = [], []
    for voice, speed in VOICES[:3]:
        session = _session(engine)
        for text in DIALOGUE:
            speech = _speech(text, voice, speed)
            pcm = silence(400) + speech + silence(800)
            speech_end = 0.4 + _speech_end(speech)
            for offset in range(0, len(pcm), CHUNK):
                start = time.perf_counter()
                events = session.feed_audio(pcm[offset : offset + CHUNK])
                prompts = [e for e in events if e.type == "prompt"]
                if not prompts:
                    continue
                compute = time.perf_counter() - start
                waited = (offset + CHUNK) / 32000 - speech_end
                prompt_ms.append(1000 * (waited + compute))
                start = time.perf_counter()
                tts.wav(prompts[0].text)
                with_tts_ms.append(prompt_ms[-1] + 1000 * (time.perf_counter() - start))
                break
            if session.ended:
                break
    return {"latency_ms_median": statistics.median(prompt_ms),
            "latency_with_tts_ms_median": statistics.median(with_tts_ms),
            "turns": len(prompt_ms)}


def main() -> None:
    """Run the benchmark (or the calibration), print it and write the JSON result."""
    engine = PocketSphinxEngine()
    if "--calibrate" in sys.argv:
        calibrate(engine)
        return
    threshold = AssistantSettings().rejection_threshold
    clean_raw, clean = accuracy(engine, None, threshold)
    noisy_raw, noisy = accuracy(engine, 10.0, threshold)
    timing = latency(engine)
    result: dict[str, Any] = {
        "engine": "pocketsphinx (bundled en-us, JSGF per dialogue state and line, "
                  "silprob/fillprob 0.1, all senones scored, VAD with high-pass and "
                  "hysteresis, out-of-grammar rejection against the best senone per frame)",
        "voices": [f"{v}@{s}" for v, s in VOICES],
        "rejection_threshold": threshold,
        "accuracy_clean": clean["accuracy"], "accuracy_clean_target": 0.97,
        "accuracy_10db_snr": noisy["accuracy"], "accuracy_10db_snr_target": 0.90,
    }
    for suffix, run in (("clean", clean), ("10db_snr", noisy)):
        for key in ("reprompt_rate", "wrong_command_rate", "wrong_posting_rate",
                    "accepted_accuracy", "oog_accepted_rate", "oog_wrong_posting_rate"):
            result[f"{key}_{suffix}"] = run[key]
    for suffix, run in (("clean", clean_raw), ("10db_snr", noisy_raw)):
        for key in ("accuracy", "reprompt_rate", "wrong_command_rate", "wrong_posting_rate",
                    "oog_accepted_rate"):
            result[f"without_rejection_{key}_{suffix}"] = run[key]
    result.update({
        "utterances_per_condition": clean["utterances"],
        "oog_utterances_per_condition": clean["oog_utterances"],
        "rtf_median": clean["rtf_median"], "rtf_median_10db": noisy["rtf_median"],
        "rtf_target": 0.1,
        "end_of_speech_to_prompt_ms_median": timing["latency_ms_median"],
        "end_of_speech_to_prompt_audio_ms_median": timing["latency_with_tts_ms_median"],
        "latency_target_ms": 300, "dialogue_turns": timing["turns"],
    })
    for name, run in (("clean", clean), ("10 dB SNR", noisy)):
        print(f"misses, {name}:", *run["misses"], sep="\n  ")
    for key, value in result.items():
        print(f"{key:42} {value:.3f}" if isinstance(value, float) else f"{key:42} {value}")
    out = ROOT / "bench" / "results" / "assistant_voice.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

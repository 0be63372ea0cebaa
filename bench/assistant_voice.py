"""Voice-picking benchmark: command accuracy (clean and 10 dB SNR), real-time factor, latency.

Run from the project root: ``.venv/bin/python bench/assistant_voice.py``. Needs espeak-ng and
sox. Prints a table and writes ``bench/results/assistant_voice.json``.
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

from assistant.speech import EnergyVad, EspeakTts, PocketSphinxEngine  # noqa: E402
from assistant.speech.audio import mix_noise, silence  # noqa: E402
from assistant.voice import (  # noqa: E402
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
    session = VoiceSession(machine, engine.recognizer(PACK.grammar("digits")), EnergyVad())
    session.start()
    return session


def _transcribe(recognizer: Any, pcm: bytes, tail_ms: int = 150) -> list[str]:
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
            heard.append(final.text)
    heard.append(recognizer.finish().text)
    return heard


def _speech_end(speech: bytes) -> float:
    """Seconds into `speech` where the last audible sample is (espeak pads with silence)."""
    samples = np.abs(np.frombuffer(speech, dtype="<i2").astype(np.int32))
    loud = np.flatnonzero(samples > 0.02 * max(int(samples.max()), 1))
    return float(loud[-1] + 1) / 16000 if loud.size else 0.0


def accuracy(engine: PocketSphinxEngine, snr_db: float | None) -> dict[str, Any]:
    """Utterances mapped to the right command, re-prompted, or taken as a wrong command.

    Decoding goes through VAD + engine + parser. An utterance the VAD splits is judged as the
    dialogue would take it: by its first non-empty piece. A re-prompt ("Pardon?") is nothing
    heard or nothing parsed; a wrong command is a different command the dialogue would act on.
    """
    recognizer = engine.recognizer(PACK.grammar("digits"))
    hits, reprompts, wrong, total, cpu, audio_s = 0, 0, 0, 0, [], []
    misses: list[str] = []
    for voice, speed in VOICES:
        for text, expect, context in CASES:
            pcm = silence(400) + _speech(text, voice, speed) + silence(400)
            if snr_db is not None:
                pcm = mix_noise(pcm, snr_db, kind="pinknoise", seed=len(text) + speed)
            grammar = PACK.grammar(expect, **context)  # type: ignore[arg-type]
            recognizer.set_grammar(grammar)
            start = time.perf_counter()
            heard = [h for h in _transcribe(recognizer, pcm) if h]
            cpu.append(time.perf_counter() - start)
            audio_s.append(len(pcm) / 32000)
            got = parse_command(heard[0] if heard else "", PACK, expect)  # type: ignore[arg-type]
            want = parse_command(text, PACK, expect)  # type: ignore[arg-type]
            total += 1
            if (got.kind, got.value) == (want.kind, want.value):
                hits += 1
                continue
            if got.kind == "unknown":
                reprompts += 1
            else:
                wrong += 1
            misses.append(f"{voice}@{speed} {text!r} -> {heard}")
    rtf = statistics.median(c / a for c, a in zip(cpu, audio_s, strict=True))
    accepted = total - reprompts
    return {"accuracy": hits / total, "utterances": total, "rtf_median": rtf,
            "reprompt_rate": reprompts / total, "wrong_command_rate": wrong / total,
            "accepted_accuracy": hits / accepted if accepted else 0.0, "misses": misses}


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
    """Run the benchmark, print it and write the JSON result."""
    engine = PocketSphinxEngine()
    clean = accuracy(engine, None)
    noisy = accuracy(engine, 10.0)
    timing = latency(engine)
    result = {
        "engine": "pocketsphinx (bundled en-us, JSGF per dialogue state and line, "
                  "silprob/fillprob 0.1, VAD with high-pass and hysteresis)",
        "voices": [f"{v}@{s}" for v, s in VOICES],
        "accuracy_clean": clean["accuracy"], "accuracy_clean_target": 0.97,
        "accuracy_10db_snr": noisy["accuracy"], "accuracy_10db_snr_target": 0.90,
        "reprompt_rate_clean": clean["reprompt_rate"],
        "wrong_command_rate_clean": clean["wrong_command_rate"],
        "accepted_accuracy_clean": clean["accepted_accuracy"],
        "reprompt_rate_10db_snr": noisy["reprompt_rate"],
        "wrong_command_rate_10db_snr": noisy["wrong_command_rate"],
        "accepted_accuracy_10db_snr": noisy["accepted_accuracy"],
        "utterances_per_condition": clean["utterances"],
        "rtf_median": clean["rtf_median"], "rtf_median_10db": noisy["rtf_median"],
        "rtf_target": 0.1,
        "end_of_speech_to_prompt_ms_median": timing["latency_ms_median"],
        "end_of_speech_to_prompt_audio_ms_median": timing["latency_with_tts_ms_median"],
        "latency_target_ms": 300, "dialogue_turns": timing["turns"],
    }
    for name, run in (("clean", clean), ("10 dB SNR", noisy)):
        print(f"misses, {name}:", *run["misses"], sep="\n  ")
    for key, value in result.items():
        print(f"{key:42} {value:.3f}" if isinstance(value, float) else f"{key:42} {value}")
    out = ROOT / "bench" / "results" / "assistant_voice.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Audio for training and measuring the word model: espeak-ng voices and real speakers.

Voices are split once, by voice, into a development half (training and tuning) and a test
half (reported, never tuned on): an espeak-ng voice is an accent plus a variant, and a
variant's split is fixed by a hash of its name, so no test voice is ever heard in training;
the Caribbean accent is heard in test only. The Free Spoken Digit Dataset's speakers are split
the same way (george and jackson develop, lucas and nicolas test), and so are the voices of the
recording-based synthesizers flite and festival (`synth_voices`, by the recorded speaker).

Everything random takes an explicit `random.Random`, so a corpus is reproducible from a seed.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

from assistant.speech.audio import resample_poly, wav_samples
from assistant.speech.tts import EspeakTts
from assistant.voice.language import load_language

__all__ = [
    "ACCENTS",
    "FSDD_DEV_SPEAKERS",
    "FSDD_TEST_SPEAKERS",
    "FOCUS_DIGITS",
    "OOV_WORDS",
    "Split",
    "channel",
    "espeak_voices",
    "focus_digits",
    "focus_sentence",
    "fsdd_dir",
    "mix_snr",
    "noise",
    "perturb_speed",
    "read_fsdd",
    "reverberate",
    "sentence",
    "synth_voices",
    "synthesize",
    "synthesize_other",
    "tempo",
    "vocabulary",
    "vocal_tract",
]

Split = Literal["dev", "test"]
_Pass = Literal["lowpass", "highpass"]  # the augmentation's one-pole filter kinds
ACCENTS = ("en-us", "en", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd",
           "en-029", "en-us-nyc")
TEST_ONLY_ACCENTS = ("en-029",)
FSDD_DEV_SPEAKERS = ("george", "jackson")
FSDD_TEST_SPEAKERS = ("lucas", "nicolas")
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
#: The digits the development study (bench/voice_confusions.py) found confused: 'eight eight'
#: lost, 'eight' heard as 'six', george's 'three' as 'six' or 'eight', 'help' as 'two'.
FOCUS_DIGITS = ("eight", "six", "three", "two")
#: Words for the "<unk>" token: common English words outside the vocabulary, and none of the
#: words of the bench's out-of-grammar phrases, so rejection is measured on unheard words.
OOV_WORDS = tuple("""about above across after against along among around away bag ball bank
bar base basket bath beach bear bed bell belt best big bird black blue board boat body bone
book boot box boy bread bridge bring brown brush bucket build bulb burn busy butter button cake
call camera car card care carry cart case cat chain chair chalk cheap cheese chest chicken child
chin church circle clean clear clock close cloth cloud coat cold colour comb come common cook
copy cord corner cost count cover cow crack cream cup curtain cut dark day dear deep desk dinner
dirty dog door down drawer dress drink drop dry dust ear early earth east edge egg end even
evening event every eye face fact fall family farm fast father fear feather feel field fight
finger fire first fish flag flat floor flower fly fold food foot fork forward frame free friend
fruit full game garden girl give glass glove goat gold grain grass great green grey grip group
grow gun hair hammer hand happy hard hat have head hear heart heat high hill history hole home
hook hope horn horse hour house how ice idea ill iron island jelly jewel join journey jump keep
kettle key kind king kiss knee knife knot land large late laugh lead leaf learn leather letter
library lift light like line lip liquid list little lock long look loss loud love low machine
make man manager map mark market match meal meat meeting metal middle milk mind minute mist
money monkey month moon mother mountain mouth move much music nail name narrow near neck needle
new news night noise north nose note nut office old open orange order other oven over page pain
paint paper parcel part past paste pen pencil picture pig pin pipe place plane plant plate play
pocket point polish poor pot potato powder power price print prison private pull pump push put
quick quiet rail rain rat raw reason record red reward rice ring river road rock roll roof room
root rough round rub rule run sad safe sail salt same sand school scissors screw sea seat seed
seem send sense shade shake shame sharp sheep shelf ship shirt shoe shop shut silk silver simple
sister size skin sky sleep slow small smile smoke snake snow soap sock soft soup south space
spade sponge spoon spring square stage stamp star start station steam steel stem step stick
sticky stiff still stitch stone store story straight strange street string strong sugar summer
sun swim table tail talk tall taste tax teaching test then thick thin thing thumb ticket tight
time tired toe tongue tooth top touch town train tray tree trick trousers true turn umbrella
under unit up use van very view voice walk wall war warm wash watch water wave wax way weather
week weight well west wet wheel whip whistle white window wine wing winter wire wise woman wood
wool word work worm wound write year yellow young""".split())


@cache
def vocabulary(language: str = "en") -> tuple[str, ...]:
    """Every word the dialogue can expect in `language`, sorted (the word model's tokens)."""
    pack = load_language(language)
    phrases = [*pack.digits, *pack.teens, *pack.tens, *pack.letters,
               *(p for ps in pack.commands.values() for p in ps)]
    return tuple(sorted({w for p in phrases for w in pack.units(p)}))


@cache
def _variants() -> tuple[str, ...]:
    out = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True,
                         check=True).stdout.splitlines()[1:]
    return tuple(line.split()[4].removeprefix("!v/") for line in out if len(line.split()) > 4)


def _split_of(variant: str) -> Split:
    return "test" if int(hashlib.sha1(variant.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def espeak_voices(split: Split) -> list[str]:
    """Every English espeak-ng voice (accent + variant) of one half, e.g. ``en-gb+f3``."""
    variants = [v for v in ("", *_variants()) if _split_of(v or "default") == split]
    accents = ACCENTS if split == "test" else [a for a in ACCENTS if a not in TEST_ONLY_ACCENTS]
    return [a + (f"+{v}" if v else "") for a in accents for v in variants]


#: The English voices of the recording-based synthesizers Debian ships ("engine:voice" ->
#: the person recorded): flite's (package flite) and festival's (festvox-kallpc16k,
#: festvox-kdlpc16k, festvox-us-slt-hts). One speaker's voices fall in one split.
SYNTH_SPEAKERS = {"flite:kal": "kal", "flite:kal16": "kal", "flite:awb": "awb",
                  "flite:rms": "rms", "flite:slt": "slt", "festival:kal_diphone": "kal",
                  "festival:ked_diphone": "ked", "festival:cmu_us_slt_arctic_hts": "slt"}


def _synth_split(speaker: str) -> Split:
    """Half the recorded speakers by a salted hash (espeak's unsalted modulo-3 rule would put
    all five in development): awb is test, kal, ked, rms and slt develop."""
    digest = int(hashlib.sha1(f"synth:{speaker}".encode()).hexdigest(), 16)
    return "test" if digest % 2 == 0 else "dev"


@cache
def _installed_synth() -> frozenset[str]:
    """The `SYNTH_SPEAKERS` voices installed on this machine."""
    found: set[str] = set()
    if shutil.which("flite"):
        listed = subprocess.run(["flite", "-lv"], capture_output=True, text=True,
                                check=False).stdout.split(":", 1)[-1].split()
        found |= {f"flite:{v}" for v in listed}
    if shutil.which("text2wave"):
        found |= {f"festival:{p.name}" for p in Path("/usr/share/festival/voices").glob("*/*")}
    return frozenset(found & set(SYNTH_SPEAKERS))


def synth_voices(split: Split) -> list[str]:
    """The installed flite and festival English voices of one half, e.g. ``flite:rms``."""
    return sorted(v for v in _installed_synth() if _synth_split(SYNTH_SPEAKERS[v]) == split)


#: flite's mean pitch (Hz) for a recorded speaker, which `synthesize_other` scales.
_F0 = {"slt": 170.0}


def _synth_wav(text: str, voice: str, stretch: float, pitch: float) -> tuple[np.ndarray, int]:
    """flite or festival saying `text`: (samples, rate); `stretch` slows it, `pitch` scales
    flite's mean pitch (festival keeps its voice's)."""
    f0 = round(_F0.get(SYNTH_SPEAKERS[voice], 105.0) * pitch)
    engine, name = voice.split(":", 1)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.wav"
        if engine == "flite":
            cmd = ["flite", "-voice", name, "--setf", f"duration_stretch={stretch:.3f}",
                   "--setf", f"int_f0_target_mean={f0}", "-t", text, "-o", str(out)]
            subprocess.run(cmd, capture_output=True, check=True)
        else:
            script = f"(begin (voice_{name}) (Parameter.set 'Duration_Stretch {stretch:.3f}))"
            subprocess.run(["text2wave", "-eval", script, "-o", str(out)], input=text.encode(),
                           capture_output=True, check=True)
        return wav_samples(out.read_bytes())


def synthesize_other(words: Sequence[str], voice: str, stretch: float, pitch: float,
                     rng: random.Random, *, pause_p: float = 0.3) -> np.ndarray:
    """flite or festival (`voice` of `synth_voices`) speaking `words` at 16 kHz (float),
    `stretch` times slower, flite's pitch `pitch` times its speaker's usual, with pauses of
    40-600 ms between some words (the words between pauses are said in one go)."""
    groups: list[list[str]] = [[]]
    gaps: list[int] = []
    for i, word in enumerate(words):
        groups[-1].append(word.replace("x-ray", "x ray"))
        if i < len(words) - 1 and rng.random() < pause_p:
            gaps.append(rng.randrange(40, 600))
            groups.append([])
    parts = []
    for i, group in enumerate(groups):
        samples, rate = _synth_wav(" ".join(group), voice, stretch, pitch)
        parts.append(resample_poly(_sounding(samples, rate // 200), rate, 16000))
        if i < len(gaps):
            parts.append(np.zeros(gaps[i] * 16))
    return np.concatenate(parts)


def fsdd_dir() -> Path:
    """The Free Spoken Digit Dataset recordings: FACET_FSDD_DIR, else ../shared beside Facet."""
    default = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "fsdd-dev"
    return Path(os.environ.get("FACET_FSDD_DIR", default))


def read_fsdd(speakers: Sequence[str]) -> dict[str, dict[int, dict[int, np.ndarray]]]:
    """speaker -> digit -> recording index -> 8 kHz float samples."""
    out: dict[str, dict[int, dict[int, np.ndarray]]] = {s: {} for s in speakers}
    for path in sorted(fsdd_dir().glob("*.wav")):
        digit, speaker, index = path.stem.split("_")
        if speaker in out:
            samples, rate = wav_samples(path.read_bytes())
            if rate != 8000:
                samples = resample_poly(samples, rate, 8000)
            out[speaker].setdefault(int(digit), {})[int(index)] = samples
    return out


def _number(n: int, rng: random.Random) -> list[str]:
    if n < 10 or rng.random() < 0.1:
        return [DIGIT_WORDS[int(c)] for c in str(n)]
    pack = load_language("en")
    if n < 20:
        return [next(w for w, v in pack.teens.items() if v == n)]
    tens, unit = divmod(n, 10)
    head = next(w for w, v in pack.tens.items() if v == 10 * tens)
    return [head, *([DIGIT_WORDS[unit]] if unit else [])]


def sentence(rng: random.Random) -> list[str]:
    """A random answer a picker might give (digits, a quantity, a serial's characters, a
    command, yes or no), or words outside the vocabulary, sometimes around a vocabulary word."""
    pack = load_language("en")
    kind = rng.random()
    if kind < 0.30:
        count = rng.choice((1, 2, 2, 2, 3, 4, 4, 5, 6))
        digits = [rng.choice(DIGIT_WORDS) for _ in range(count)]
        return ["oh" if d == "zero" and rng.random() < 0.25 else d for d in digits]
    if kind < 0.45:
        return _number(rng.randrange(100), rng)
    if kind < 0.50:
        return ["short", *(_number(rng.randrange(30), rng) if rng.random() < 0.7 else [])]
    if kind < 0.62:
        return [rng.choice((*pack.letters, *DIGIT_WORDS)) for _ in range(4)]
    if kind < 0.85:
        return rng.choice([p for ps in pack.commands.values() for p in ps]).split()
    words = [rng.choice(OOV_WORDS) for _ in range(rng.choice((1, 1, 2, 3)))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), rng.choice((*DIGIT_WORDS, "ready")))
    return words


def _focus_digit(rng: random.Random) -> str:
    """A digit, one of `FOCUS_DIGITS` two times in three."""
    return rng.choice(FOCUS_DIGITS) if rng.random() < 2 / 3 else rng.choice(DIGIT_WORDS)


def focus_sentence(rng: random.Random) -> tuple[list[str], int]:
    """(words, words per minute) of the focused share of the corpus: half fast repeated digits
    ('eight eight', 'two two', sometimes a third digit before or after) at 180-230 wpm, a
    quarter check digits of the confused digits, and 'help' against 'two' or a confused digit
    alone, at 120-230 wpm."""
    kind = rng.random()
    if kind < 0.5:
        digit = _focus_digit(rng)
        words = [digit, digit]
        if rng.random() < 0.3:
            words.insert(rng.choice((0, 2)), rng.choice(DIGIT_WORDS))
        return words, rng.randrange(180, 231)
    if kind < 0.75:
        words = [rng.choice(FOCUS_DIGITS), _focus_digit(rng)]
        rng.shuffle(words)
        return words, rng.randrange(120, 231)
    if kind < 0.9:
        return [rng.choice(("help", "two"))], rng.randrange(120, 231)
    return [rng.choice(FOCUS_DIGITS)], rng.randrange(120, 231)


def focus_digits(rng: random.Random) -> list[int]:
    """The digits of a focused real-speaker sequence: one digit twice (a confused one two times
    in three), sometimes a third before or after."""
    digit = DIGIT_WORDS.index(_focus_digit(rng))
    digits = [digit, digit]
    if rng.random() < 0.3:
        digits.insert(rng.choice((0, 2)), rng.randrange(10))
    return digits


def synthesize(words: Sequence[str], voice: str, speed: int, pitch: int,
               rng: random.Random, *, pause_p: float = 0.3) -> np.ndarray:
    """espeak-ng speaking `words` at 16 kHz (float), with pauses of 40-600 ms between some."""
    parts = []
    for i, word in enumerate(words):
        parts.append(word.replace("x-ray", "x ray"))
        if i < len(words) - 1 and rng.random() < pause_p:
            parts.append(f'<break time="{rng.randrange(40, 600)}ms"/>')
    tts = EspeakTts(voice=voice, speed=speed, pitch=pitch, ssml=True)
    samples, rate = wav_samples(tts.synthesize_wav("<speak>" + " ".join(parts) + "</speak>"))
    return resample_poly(_sounding(samples, 80), rate, 16000)


def _sounding(samples: np.ndarray, margin: int) -> np.ndarray:
    """`samples` from `margin` before the first to `margin` after the last one above 1 % of the
    loudest (a synthesizer's leading and trailing silence cut)."""
    loud = np.flatnonzero(np.abs(samples) > 0.01 * max(float(np.abs(samples).max()), 1.0))
    return samples[max(0, loud[0] - margin) : loud[-1] + margin] if loud.size else samples


def noise(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance white, pink (1/f) or brown (1/f^2, high-passed) noise."""
    white = rng.normal(size=size)
    if kind == "white":
        return white
    spectrum = np.fft.rfft(white)
    f = np.maximum(np.arange(spectrum.size), 1)
    spectrum /= np.sqrt(f) if kind == "pink" else np.maximum(f, 40)
    shaped = np.fft.irfft(spectrum, size)
    return shaped / (shaped.std() + 1e-12)


def speech_level(samples: np.ndarray, rate: int) -> float:
    """RMS over the loud 30 ms frames (above -45 dBFS): silence does not dilute it."""
    frame = rate * 30 // 1000
    levels = np.array([np.sqrt(np.mean(samples[i : i + frame] ** 2))
                       for i in range(0, samples.size - frame + 1, frame)])
    loud = levels[levels > 32768 * 10 ** (-45 / 20)]
    return float(np.sqrt(np.mean(loud**2))) if loud.size else float(np.sqrt(np.mean(samples**2)))


def mix_snr(samples: np.ndarray, snr_db: float, rng: np.random.Generator, rate: int,
            kind: str = "pink") -> np.ndarray:
    """`samples` plus noise `snr_db` below the speech level."""
    return samples + noise(kind, samples.size, rng) * speech_level(samples, rate) / 10 ** (
        snr_db / 20)


def _headset(samples: np.ndarray, rng: random.Random) -> np.ndarray:
    """The headset's band: narrowband (8 kHz) half the time, sometimes a telephone band-pass,
    sometimes a tilt towards the lows or the highs."""
    from scipy.signal import butter, sosfilt

    y = samples
    if rng.random() < 0.5:
        y = resample_poly(resample_poly(y, 16000, 8000), 8000, 16000)
    if rng.random() < 0.25:
        band = [rng.uniform(200, 400), rng.uniform(3000, 3600)]
        y = sosfilt(butter(4, band, "bandpass", fs=16000, output="sos"), y)
    if rng.random() < 0.3:
        kind: _Pass = rng.choice(("lowpass", "highpass"))
        y = 0.5 * y + sosfilt(butter(1, rng.uniform(800, 3000), kind, fs=16000, output="sos"), y)
    return y


def _room(y: np.ndarray, rng: random.Random, gen: np.random.Generator) -> np.ndarray:
    """The room and the line: sometimes reverberation, mostly coloured noise at 0-40 dB SNR
    (else faint white noise, sometimes none), sometimes 8-bit quantisation."""
    if rng.random() < 0.2:
        y = reverberate(y, rng.uniform(0.15, 0.6), gen)
    if rng.random() < 0.85:
        y = mix_snr(y, rng.uniform(0, 40), gen, 16000, rng.choice(("pink", "white", "brown")))
    elif rng.random() < 0.5:
        y = y + gen.normal(0, 3, y.size)
    if rng.random() < 0.08:
        y = np.round(y / 256) * 256
    return y


def channel(samples: np.ndarray, rng: random.Random, *, wide: bool = False) -> np.ndarray:
    """A random headset and room for 16 kHz speech: narrowband or telephone band, tilt, level,
    clipping, pads before and after, a room (reverberation), noise at 0-40 dB SNR, 8-bit
    quantisation. `wide` adds what real headsets also do: a level that drifts within the
    utterance, harder and more frequent clipping, a cough or click before or after the words,
    and pads of exact digital zeros (a gated or muted microphone) around noisy speech."""

    if wide:
        return _wide_channel(samples, rng)
    y = _headset(samples, rng)
    y = y / (np.abs(y).max() + 1e-9) * 32767 * 10 ** (rng.uniform(-30, -1) / 20)
    if rng.random() < 0.05:
        y = np.clip(y * rng.uniform(2, 6), -32767, 32767)
    lead, tail = int(rng.uniform(0.05, 0.7) * 16000), int(rng.uniform(0.1, 0.7) * 16000)
    y = np.concatenate([np.zeros(lead), y, np.zeros(tail)])
    gen = np.random.default_rng(rng.randrange(1 << 30))
    return np.clip(_room(y, rng, gen), -32768, 32767)


def _wide_channel(samples: np.ndarray, rng: random.Random) -> np.ndarray:
    """`channel` with `wide`: see there."""
    y = _headset(samples, rng)
    if rng.random() < 0.2:  # the speaker turns their head, the boom moves: +-6 dB drift
        y = y * 10 ** (np.linspace(rng.uniform(-6, 6), rng.uniform(-6, 6), y.size) / 20)
    y = y / (np.abs(y).max() + 1e-9) * 32767 * 10 ** (rng.uniform(-30, -1) / 20)
    if rng.random() < 0.15:
        y = np.clip(y * rng.uniform(1.5, 8), -32767, 32767)
    gen = np.random.default_rng(rng.randrange(1 << 30))
    lead, tail = int(rng.uniform(0.05, 0.7) * 16000), int(rng.uniform(0.1, 0.7) * 16000)
    pads = [np.zeros(lead), np.zeros(tail)]
    if rng.random() < 0.2:
        side = rng.randrange(2)
        sound = burst(gen) * np.abs(y).max() * rng.uniform(0.3, 1.5)
        gap = np.zeros(int(rng.uniform(0.05, 0.3) * 16000))
        pads[side] = np.concatenate([pads[side], sound, gap] if side == 0
                                    else [gap, sound, pads[side]])
    zeros = rng.random() < 0.15  # the pads stay exact zeros: only the speech is noisy
    core = _room(y if zeros else np.concatenate([pads[0], y, pads[1]]), rng, gen)
    y = np.concatenate([pads[0], core, pads[1]]) if zeros else core
    return np.clip(y, -32768, 32767)


def burst(rng: np.random.Generator, rate: int = 16000) -> np.ndarray:
    """A cough, throat clear or click (peak 1): noise in a random band under a sharp attack and
    a decay, 5-350 ms long."""
    from scipy.signal import butter, sosfilt

    click = rng.random() < 0.3
    n = int((rng.uniform(0.005, 0.03) if click else rng.uniform(0.08, 0.35)) * rate)
    low = rng.uniform(100, 800)
    band = [low, min(rng.uniform(low * 2, 5000), rate / 2 - 100)]
    sound = sosfilt(butter(2, band, "bandpass", fs=rate, output="sos"), rng.normal(size=n))
    t = np.arange(n)
    envelope = (np.minimum(t / max(1.0, rng.uniform(0.002, 0.02) * rate), 1.0)
                * np.exp(-t / (rng.uniform(0.2, 0.6) * n)))
    out = sound * envelope
    return np.asarray(out / (np.abs(out).max() + 1e-9))


def tempo(samples: np.ndarray, rate: int, factor: float) -> np.ndarray:
    """`samples` spoken `factor` times faster at the same pitch (sox's WSOLA `tempo`)."""
    if abs(factor - 1.0) < 1e-3:
        return samples
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.wav", Path(tmp) / "out.wav"
        write_wav(source, samples, rate)
        subprocess.run(["sox", "-V1", str(source), str(target), "tempo", "-s", f"{factor:.3f}"],
                       check=True)
        out, got = wav_samples(target.read_bytes())
    return out if got == rate else resample_poly(out, got, rate)


def vocal_tract(samples: np.ndarray, rate: int, factor: float) -> np.ndarray:
    """A shorter (`factor` > 1) or longer vocal tract at the same tempo: formants and pitch
    moved by `factor` (`perturb_speed`), the duration put back (`tempo`)."""
    if abs(factor - 1.0) < 1e-3:
        return samples
    return tempo(perturb_speed(samples, factor), rate, 1 / factor)


def reverberate(samples: np.ndarray, rt60: float, rng: np.random.Generator,
                rate: int = 16000) -> np.ndarray:
    """`samples` in a room: the direct sound plus exponentially decaying noise (a synthetic
    impulse response whose level falls 60 dB in `rt60` seconds), at the same peak level."""
    from scipy.signal import fftconvolve

    t = np.arange(int(rt60 * rate)) / rate
    response = rng.normal(size=t.size) * 10 ** (-3 * t / rt60) * 0.3
    response[0] = 1.0
    wet = fftconvolve(samples, response)[: samples.size]
    return wet * np.abs(samples).max() / (np.abs(wet).max() + 1e-9)


def perturb_speed(samples: np.ndarray, factor: float) -> np.ndarray:
    """`samples` played `factor` times faster (tempo and pitch together): a new vocal tract
    length, the usual way to make more speakers out of few."""
    if abs(factor - 1.0) < 1e-3:
        return samples
    return resample_poly(samples, round(100 * factor), 100)


def digit_sequence(recordings: dict[int, dict[int, np.ndarray]], rng: random.Random,
                   count: int, *, gaps: Sequence[float] = (0, 0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45),
                   speed: float = 1.0, digits: Sequence[int] | None = None,
                   ) -> tuple[np.ndarray, list[str]]:
    """One speaker's recorded digits joined with pauses (s): (16 kHz samples, the words),
    played `speed` times faster (`perturb_speed`); `digits` (else `count` random ones) are
    said, a repeated one in different takes."""
    parts, words, used = [], [], set()
    count = count if digits is None else len(digits)
    for i in range(count):
        digit = rng.randrange(10) if digits is None else digits[i]
        takes = sorted(recordings[digit])
        if digits is not None:  # the random sequences' draws as they always were
            takes = [t for t in takes if (digit, t) not in used] or takes
        take = rng.choice(takes)
        used.add((digit, take))
        parts.append(perturb_speed(recordings[digit][take], speed))
        words.append(DIGIT_WORDS[digit])
        if i < count - 1:
            parts.append(np.zeros(int(rng.choice(gaps) * 8000)))
    return resample_poly(np.concatenate(parts), 8000, 16000), words


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Save float samples as a 16-bit mono WAV."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes())

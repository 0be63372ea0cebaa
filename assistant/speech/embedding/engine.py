"""The embedding engine: Google's speech embedding, a small word model, grammar-bound CTC.

Built for the dialogue's small vocabulary (digits, numbers, the NATO alphabet and the picking
commands): each 40-80 ms the speech embedding describes the last 775 ms of audio, the word
model turns that into word probabilities, and the dialogue state's grammar picks the sentence
that explains them best, summed over every timing (CTC prefix beam search). Narrowband and
wideband audio go through the same front end (it only hears below 4 kHz). A picker's
enrolment adapts the word model to their voice and headset (`adapt`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.speech.base import SAMPLE_WIDTH, Adaptation, EnrolmentUtterance, Transcript
from assistant.speech.embedding.frontend import SpeechEmbedder, StreamingEmbedder
from assistant.speech.embedding.graph import Decoded, TokenGraph, compile_grammar, decode
from assistant.speech.embedding.model import WordModel, bundled_model_path
from assistant.speech.embedding.templates import WEIGHT, WordTemplates, read_profile, rescore
from assistant.speech.errors import AudioFormatError, GrammarError
from assistant.speech.grammar import Grammar

__all__ = ["EmbeddingEngine", "EmbeddingRecognizer", "Upsampler"]

RATES = (8000, 16000)
#: Audio the embedding windows need around the words (s): a word is only recognised where
#: some windows hold it well inside, so every utterance starts with `LEAD_S` and ends with
#: `TAIL_S` of the room's own sound (or faint noise where none was heard) added to it.
LEAD_S = 0.5
TAIL_S = 0.45
PARTIAL_EVERY = 6  # embedding hops of audio between partial results
#: Digital silence (exact zeros: a gated or muted microphone) is heard as white noise of this
#: standard deviation (16-bit units, about -61 dBFS), the comfort noise a telephone line puts
#: in its silences: the word model learnt words in a room, never against zeros, which the mel
#: network floors 80 dB under the loudest sound of the clip. Chosen on the development
#: speakers (bench/voice_edges_dev.py).
COMFORT_NOISE = 30.0
#: Dither added to every sample the front end hears (standard deviation, 16-bit units), as
#: Kaldi's front end does, so no sample is exactly zero.
DITHER = 2.0
#: Longest answer (s of audio, the lead and tail of room included) decoded at other tempos:
#: the variants cost an embedding of the whole answer each, paid after the end of speech.
TEMPO_MAX_S = 3.0


class Upsampler:
    """8 kHz -> 16 kHz in chunks, identical to resampling the whole stream at once.

    Polyphase FIR (scipy's `resample_poly`) over each chunk with `CONTEXT` samples of the
    stream before it; the last `CONTEXT` samples wait for the next chunk or `flush`.
    """

    CONTEXT = 32

    def __init__(self) -> None:
        """Start an empty stream."""
        self._buffer = np.zeros(0)
        self._done = 0  # input samples already turned into output

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Upsample a chunk; returns the output its input completes."""
        self._buffer = np.concatenate([self._buffer, samples])
        return self._emit(len(self._buffer) - self.CONTEXT)

    def tail(self) -> np.ndarray:
        """The output still held back, as if the stream ended now (the stream goes on)."""
        buffer, done = self._buffer, self._done
        out = self._emit(len(self._buffer))
        self._buffer, self._done = buffer, done
        return out

    def _emit(self, upto: int) -> np.ndarray:
        from scipy.signal import resample_poly

        if upto <= self._done:
            return np.zeros(0)
        start = max(0, self._done - self.CONTEXT)
        end = min(len(self._buffer), upto + self.CONTEXT)
        out = resample_poly(self._buffer[start:end], 2, 1)
        first = 2 * (self._done - start)
        result = out[first : first + 2 * (upto - self._done)]
        keep = max(0, upto - self.CONTEXT)
        self._buffer, self._done = self._buffer[keep:], upto - keep
        return result


@dataclass
class _Shared:
    embedder: SpeechEmbedder
    model: WordModel


class EmbeddingEngine:
    """Speech engine over the speech embedding and a word model (English by default)."""

    name = "embedding"
    sample_rates: tuple[int, ...] = RATES

    def __init__(self, model_path: Path | None = None, *, embedding_dir: Path | None = None,
                 beam: int = 32, word_bonus: float = 0.0, comfort_noise: float = COMFORT_NOISE,
                 dither: float = DITHER, tempos: Sequence[float] = (),
                 tempo_doubt: float = 1.0, tempo_max_s: float = TEMPO_MAX_S,
                 template_weight: float = WEIGHT) -> None:
        """Remember where the models are; they load on the first recogniser.

        `model_path`: the word model (.npz); None means the one shipped for English.
        `embedding_dir`: a folder with the two ONNX files; None means the openwakeword package.
        `word_bonus`: log-prob per word added when ranking grammar sentences (`decode`): > 0
        offsets CTC's preference for sentences that drop a word. 0 (the default) is the
        decoder without a prior.
        `comfort_noise`, `dither`: see `COMFORT_NOISE` and `DITHER` (0: none).
        `tempos`: tempo factors (1.2: 1.2 times faster) a final answer is also decoded at,
        its variants' sentences weighed together with the answer as heard (`tempo.combine`);
        only when the answer as heard has a posterior under `tempo_doubt` (1.0: always) and
        at most `tempo_max_s` seconds of audio. Empty (the default): off.
        `template_weight`: how much an enrolled picker's word templates weigh when a final
        answer's close sentences are chosen between (`templates.rescore`); 0: not used.
        """
        self._model_path = model_path or bundled_model_path("en")
        self._embedding_dir = embedding_dir
        self.beam = beam
        self.word_bonus = word_bonus
        self.comfort_noise = comfort_noise
        self.dither = dither
        self.tempos = tuple(float(f) for f in tempos if f > 0 and f != 1.0)
        self.tempo_doubt = tempo_doubt
        self.tempo_max_s = tempo_max_s
        self.template_weight = template_weight
        self._shared: _Shared | None = None
        self._lock = threading.Lock()
        self._graphs: OrderedDict[str, TokenGraph] = OrderedDict()

    def shared(self) -> _Shared:
        """The embedder and the base word model, loaded once."""
        with self._lock:
            if self._shared is None:
                self._shared = _Shared(SpeechEmbedder(self._embedding_dir),
                                       WordModel.load(self._model_path))
            return self._shared

    @property
    def model(self) -> WordModel:
        """The base (speaker-independent) word model."""
        return self.shared().model

    def graph(self, grammar: Grammar) -> TokenGraph:
        """The grammar's token graph, compiled once per distinct grammar (LRU of 256)."""
        key = hashlib.sha1(grammar.to_jsgf().encode()).hexdigest()
        with self._lock:
            if key in self._graphs:
                self._graphs.move_to_end(key)
                return self._graphs[key]
        graph = compile_grammar(grammar)
        with self._lock:
            self._graphs[key] = graph
            while len(self._graphs) > 256:
                self._graphs.popitem(last=False)
        return graph

    def check_grammar(self, grammar: Grammar, model: WordModel | None = None) -> None:
        """Raise `GrammarError` naming grammar words the word model does not know."""
        missing = sorted(set(grammar.words) - (model or self.model).words)
        if missing:
            raise GrammarError(f"grammar {grammar.name!r}: words the model lacks: {missing}")

    def adapt(self, utterances: Sequence[EnrolmentUtterance], *,
              sample_rate: int) -> Adaptation:
        """Enrolment: the word model fine-tuned on this speaker (see `enrol`)."""
        from assistant.speech.embedding.enrol import adapt

        if sample_rate not in RATES:
            raise AudioFormatError(f"sample rate {sample_rate} Hz: use one of {RATES}")
        return adapt(self, utterances, sample_rate=sample_rate)

    def recognizer(self, grammar: Grammar | None = None, *, sample_rate: int = 16000,
                   profile: bytes | None = None) -> EmbeddingRecognizer:
        """A recogniser for one audio stream at `sample_rate`; `profile` is an enrolment's
        adapted word model and word templates (`adapt`), used instead of the base model."""
        if sample_rate not in RATES:
            raise AudioFormatError(f"sample rate {sample_rate} Hz: use one of {RATES}")
        model, templates = read_profile(profile) if profile else (self.model, None)
        return EmbeddingRecognizer(self, model, grammar, sample_rate, templates=templates)


class EmbeddingRecognizer:
    """One stream: audio in as it comes, embeddings computed on the way, decoded at the end."""

    def __init__(self, engine: EmbeddingEngine, model: WordModel, grammar: Grammar | None,
                 sample_rate: int, *, templates: WordTemplates | None = None) -> None:
        """Use `model` (base or adapted) on `sample_rate` PCM, decoding against `grammar`;
        `templates`: the enrolled picker's words, to choose between close final answers."""
        self._engine = engine
        self._embedder = engine.shared().embedder
        self.model = model
        self.templates = templates
        self.sample_rate = sample_rate
        self._grammar: Grammar | None = None
        self._graph: TokenGraph | None = None
        self._background = np.zeros(0, dtype=np.float32)
        self._reset()
        self.set_grammar(grammar)

    def _reset(self) -> None:
        self._stream = StreamingEmbedder(self._embedder, self.model.step)
        self._upsampler = Upsampler() if self.sample_rate == 8000 else None
        # one generator each, so how the stream is cut into chunks changes no sample
        self._comfort, self._dither = np.random.default_rng(0), np.random.default_rng(1)
        self._since_partial = 0
        self._last = ""
        self._heard = False
        self._peeked: Decoded | None = None  # the last peek's decode, while no audio came

    @property
    def grammar(self) -> Grammar | None:
        """The active grammar."""
        return self._grammar

    def set_grammar(self, grammar: Grammar | None) -> None:
        """Decode against `grammar` from the next result on; None is not supported."""
        if grammar is None:
            raise GrammarError("the embedding engine decodes against a grammar only")
        self._engine.check_grammar(grammar, self.model)
        self._graph = self._engine.graph(grammar)
        self._grammar = grammar
        self._peeked = None

    def _wide(self, pcm: bytes) -> np.ndarray:
        if len(pcm) % SAMPLE_WIDTH:
            raise AudioFormatError("PCM chunks must hold whole 16-bit samples")
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
        wide = self._upsampler.process(samples) if self._upsampler else samples
        return self._dithered(wide)

    def _dithered(self, wide: np.ndarray) -> np.ndarray:
        """16 kHz samples with digital silence filled with comfort noise, and dithered (the
        noise drawn in stream order from a seeded generator: decodes are repeatable)."""
        comfort, dither = self._engine.comfort_noise, self._engine.dither
        if comfort <= 0 and dither <= 0:
            return wide
        wide = wide.astype(np.float32)  # a copy
        if comfort > 0:
            zeros = np.abs(wide) < 0.5  # exact zeros, also once upsampled
            wide[zeros] = self._comfort.normal(0.0, comfort, int(zeros.sum()))
        if dither > 0:
            wide += self._dither.normal(0.0, dither, wide.size).astype(np.float32)
        return wide

    def accept(self, pcm: bytes) -> Transcript:
        """Embed a chunk; about every half second, decode what is there for a partial."""
        wide = self._wide(pcm)
        self._peeked = None
        if not self._heard:
            self._stream.add(self._room(LEAD_S))
        self._stream.add(wide)
        self._heard = True
        self._since_partial += wide.size
        if self._since_partial >= PARTIAL_EVERY * 16000 * self.model.step // 100:
            self._since_partial = 0
            self._last = " ".join(self._decode(self._stream.embeddings(), partial=True).tokens)
        return Transcript(self._last, is_final=False)

    def hear_background(self, pcm: bytes) -> None:
        """Keep the last moments of the room's sound, to continue an utterance's end with."""
        if not pcm:
            return
        self._peeked = None
        wide = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
        if self.sample_rate == 8000:
            from scipy.signal import resample_poly

            wide = resample_poly(wide, 2, 1).astype(np.float32)
        wide = self._dithered(wide)
        keep = int(max(LEAD_S, TAIL_S) * 16000)
        self._background = np.concatenate([self._background, wide])[-keep:]

    def _room(self, seconds: float) -> np.ndarray:
        """`seconds` of the room's sound (repeated), or faint noise where none was heard."""
        need = int(seconds * 16000)
        room = self._background
        if room.size >= 1600 and float(np.abs(room).max()) > 0:
            return np.resize(room, need)
        return np.random.default_rng(0).normal(0.0, 2.0, need).astype(np.float32)

    def _tail(self) -> np.ndarray:
        held = self._upsampler.tail() if self._upsampler else np.zeros(0)
        return np.concatenate([held, self._room(TAIL_S)])

    def _complete(self) -> np.ndarray:
        """Embeddings of the utterance followed by the tail, without changing the stream."""
        return self._stream.embeddings_with(self._tail())

    def complete_audio(self) -> np.ndarray:
        """The 16 kHz audio a final decode hears: the utterance so far and its tail."""
        return np.concatenate([self._stream.samples, self._tail().astype(np.float32)])

    def at_tempos(self, audio: np.ndarray, as_heard: Decoded,
                  tempos: Sequence[float]) -> Decoded:
        """`as_heard` (the decode of `audio`) weighed with decodes of `audio` at `tempos`."""
        from assistant.speech.embedding.tempo import combine

        variants = [as_heard, *self.tempo_decodes(audio, tempos)]
        return combine(variants, word_bonus=self._engine.word_bonus)

    def tempo_decodes(self, audio: np.ndarray, tempos: Sequence[float]) -> list[Decoded]:
        """Decodes of `audio` (16 kHz) with its log-mel spectrogram stretched to each tempo."""
        from assistant.speech.embedding.frontend import MEL_HOP, MEL_WINDOW, WINDOW_FRAMES
        from assistant.speech.embedding.tempo import stretch_mel

        need = MEL_WINDOW + MEL_HOP * (WINDOW_FRAMES - 1)
        if audio.size < need:
            audio = np.concatenate([audio, np.zeros(need - audio.size, dtype=np.float32)])
        mel = self._embedder.mel(audio)
        out = []
        for factor in tempos:
            stretched = stretch_mel(mel, factor)
            starts = list(range(0, stretched.shape[0] - WINDOW_FRAMES + 1, self.model.step))
            out.append(self._decode(self._embedder.embed_windows(stretched, starts)))
        return out

    def _tempo_due(self, decoded: Decoded, audio_s: float) -> bool:
        engine = self._engine
        return (bool(engine.tempos) and decoded.complete and bool(decoded.tokens)
                and decoded.posterior < engine.tempo_doubt and audio_s <= engine.tempo_max_s)

    def _decode(self, embeddings: np.ndarray, *, partial: bool = False) -> Decoded:
        assert self._graph is not None
        if embeddings.shape[0] == 0:
            return Decoded((), float("-inf"), float("-inf"))
        return decode(self._graph, self.model.log_probs(embeddings), self.model.index,
                      beam=self._engine.beam, partial=partial,
                      word_bonus=self._engine.word_bonus)

    def peek(self) -> Transcript:
        """What was said so far, as if the utterance ended now (the stream goes on): the best
        prefix of a grammar sentence, so an answer still missing words does not match.

        Not the best complete sentence: during a pause between two digits that one is the first
        digit plus an invented second, often with a good score (measured on the development
        speakers: 90 % of check digits instead of 97 %)."""
        if not self._heard:
            return Transcript("", is_final=False)
        self._peeked = self._decode(self._complete(), partial=True)
        return self._result(self._peeked, final=False)

    def finish(self) -> Transcript:
        """End the utterance: decode it with its tail and get ready for the next one."""
        if not self._heard:
            return Transcript("", is_final=True)
        # A peek whose best prefix is a whole sentence, on the same audio, is this decode.
        decoded = self._peeked
        if decoded is None or not decoded.complete:
            decoded = self._decode(self._complete())
        if self._tempo_due(decoded, (self._stream.samples.size / 16000) + TAIL_S):
            decoded = self.at_tempos(self.complete_audio(), decoded, self._engine.tempos)
        if self.templates and self._engine.template_weight > 0 and decoded.complete:
            audio = self.complete_audio()
            decoded = rescore(decoded, self.templates, audio, self._embedder.mel(audio),
                              self._engine.template_weight)
        result = self._result(decoded, final=True)
        self._reset()
        return result

    @staticmethod
    def _result(decoded: Decoded, *, final: bool) -> Transcript:
        text = " ".join(decoded.tokens)
        if not text:
            return Transcript("", is_final=final)
        return Transcript(text, is_final=final, confidence=decoded.posterior,
                          score=decoded.score)

    def close(self) -> None:
        """Drop the utterance; nothing native to free."""
        self._reset()

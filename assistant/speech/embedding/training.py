"""Train the word model: ``python -m assistant.speech.embedding.training --out FILE``.

The corpus is the development half only (see `corpus`): espeak-ng's development voices
saying random answers with random pauses, and the development FSDD speakers' digits joined
into sequences (most played 0.88-1.12 times as fast: new vocal tract lengths, more speakers
than two), each through a random headset and room (`corpus.channel`). ``--wide`` (not used
for the shipped model) widens this: vocal tract 0.85-1.15 and tempo 0.8-1.3 for the real
speakers, vocal tract for some synthetic voices, pauses up to 600 ms, and a channel with level
drift, more clipping, coughs and clicks and digital zeros. The model learns CTC over word
tokens on top of the frozen speech embedding; a share of the corpus is held back to choose the
epoch. `fine_tune` is the same training on a few utterances of one person (enrolment), kept
near the model it starts from.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np

from assistant.speech.embedding import corpus
from assistant.speech.embedding.frontend import EMBEDDING_SIZE, SpeechEmbedder
from assistant.speech.embedding.model import BLANK, UNKNOWN, WordModel

__all__ = ["Example", "build_corpus", "corpus_parts", "fine_tune", "load_examples", "main",
           "save_examples", "train"]

STEP = 8  # mel frames between embeddings: 80 ms (40 ms measured worse on the dev speaker)


@dataclass(frozen=True)
class Example:
    """An utterance's embeddings and the word tokens said in it."""

    embeddings: np.ndarray
    tokens: tuple[str, ...]


def _labels(words: Sequence[str], known: frozenset[str]) -> tuple[str, ...]:
    return tuple(w if w in known else UNKNOWN for w in words)


def _job(args: tuple[str, int, int, int, tuple[str, ...], tuple[str, ...], bool],
         ) -> list[Example]:
    """One worker's share of the corpus: `count` utterances of one kind from `seed`, spoken
    by `voices` (espeak-ng) or `names` (FSDD speakers); `wide`: the wider augmentation."""
    kind, seed, count, step, voices, names, wide = args
    rng = random.Random(seed)
    embedder = SpeechEmbedder()
    known = frozenset(corpus.vocabulary())
    speakers = corpus.read_fsdd(names) if kind.startswith("fsdd") else {}
    out = []
    for _ in range(count):
        if kind == "espeak-focus":
            words, wpm = corpus.focus_sentence(rng)
            audio = corpus.synthesize(words, rng.choice(voices), wpm, rng.randrange(20, 81), rng,
                                      pause_p=0.1)
        elif kind == "fsdd-focus":
            audio, words = _focus_sequence(speakers[rng.choice(sorted(speakers))], rng)
        elif kind == "synth":
            words = corpus.sentence(rng)
            audio = corpus.synthesize_other(words, rng.choice(voices), rng.uniform(0.8, 1.3),
                                            rng.uniform(0.85, 1.2), rng)
            if rng.random() < 0.5:
                audio = corpus.vocal_tract(audio, 16000, rng.uniform(0.88, 1.12))
        elif kind == "espeak":
            words = corpus.sentence(rng)
            audio = corpus.synthesize(words, rng.choice(voices), rng.randrange(120, 231),
                                      rng.randrange(20, 81), rng)
            if wide and rng.random() < 0.3:
                audio = corpus.vocal_tract(audio, 16000, rng.uniform(0.85, 1.18))
        elif wide:
            audio, words = _wide_sequence(speakers[rng.choice(sorted(speakers))], rng)
        else:
            speaker = speakers[rng.choice(sorted(speakers))]
            speed = rng.uniform(0.88, 1.12) if rng.random() < 0.7 else 1.0
            audio, words = corpus.digit_sequence(speaker, rng, rng.choice((1, 1, 2, 2, 2, 3, 4)),
                                                 speed=speed)
        samples = corpus.channel(audio, rng, wide=wide)
        out.append(Example(embedder.embed(samples, step).astype(np.float16),
                           _labels(words, known)))
    return out


def _wide_sequence(speaker: dict[int, dict[int, np.ndarray]], rng: random.Random,
                   ) -> tuple[np.ndarray, list[str]]:
    """A real speaker's digits, the wider way: vocal tract 0.85-1.15 (most), tempo 0.8-1.3
    (some), pauses up to 600 ms inside the number."""
    speed = rng.uniform(0.85, 1.15) if rng.random() < 0.7 else 1.0
    audio, words = corpus.digit_sequence(
        speaker, rng, rng.choice((1, 1, 2, 2, 2, 3, 4)), speed=speed,
        gaps=(0, 0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6))
    if rng.random() < 0.4:
        audio = corpus.tempo(audio, 16000, rng.uniform(0.8, 1.3))
    return audio, words


def _focus_sequence(speaker: dict[int, dict[int, np.ndarray]], rng: random.Random,
                    ) -> tuple[np.ndarray, list[str]]:
    """A real speaker's repeated digit said fast (`corpus.focus_digits`): pauses of at most
    50 ms, vocal tract 0.88-1.12 (most), half of them 1.0-1.3 times faster."""
    speed = rng.uniform(0.88, 1.12) if rng.random() < 0.7 else 1.0
    audio, words = corpus.digit_sequence(speaker, rng, 0, speed=speed,
                                         gaps=(0, 0, 0.02, 0.05), digits=corpus.focus_digits(rng))
    if rng.random() < 0.5:
        audio = corpus.tempo(audio, 16000, rng.uniform(1.0, 1.3))
    return audio, words


def corpus_parts(espeak: int, fsdd: int, seed: int, focus: float = 0.0,
                 fsdd_focus: float | None = None, synth: float = 0.0,
                 ) -> list[tuple[str, int, int]]:
    """(kind, seed, count) of each worker's share: at most 500 utterances, seeded by kind and
    position, so the first utterances of a corpus are those of any larger one; the `focus`
    share of each kind (`fsdd_focus`, if given, of the real speakers') is of the focused kinds
    ('espeak-focus', 'fsdd-focus'); the `synth` share of the plain espeak-ng utterances is
    spoken by flite and festival instead ('synth')."""
    focused = {"espeak": round(espeak * focus),
               "fsdd": round(fsdd * (focus if fsdd_focus is None else fsdd_focus))}
    others = round((espeak - focused["espeak"]) * synth)
    parts = []
    for kind, total in (("espeak", espeak - focused["espeak"] - others),
                        ("fsdd", fsdd - focused["fsdd"]), ("espeak-focus", focused["espeak"]),
                        ("fsdd-focus", focused["fsdd"]), ("synth", others)):
        for part in range(0, total, 500):
            parts.append((kind, zlib.crc32(f"{kind}:{seed}:{part}".encode()),
                          min(500, total - part)))
    return parts


def build_corpus(espeak: int, fsdd: int, *, seed: int = 0, workers: int = 2,
                 step: int = STEP, voices: Sequence[str] | None = None,
                 speakers: Sequence[str] = corpus.FSDD_DEV_SPEAKERS,
                 wide: bool = False, focus: float = 0.0,
                 fsdd_focus: float | None = None, synth: float = 0.0,
                 synth_voices: Sequence[str] | None = None) -> list[Example]:
    """`espeak` synthetic and `fsdd` real-speaker utterances, embedded (in `workers` processes),
    by `voices` (default: every development voice) and `speakers` (the development ones);
    `wide`: the wider augmentation (`corpus.channel`, tempo and vocal tract perturbation);
    `focus`: this share of each kind is the focused corpus (`corpus.focus_sentence`,
    `_focus_sequence`: fast repeated and confused digits, 'help' against 'two') instead, the
    rest the first utterances of the corpus without it; `fsdd_focus`: the real speakers'
    share, if not `focus`; `synth`: this share of the plain synthetic utterances is spoken
    by `synth_voices` (default: the development flite and festival voices,
    `corpus.synth_voices`) at 0.8-1.3 times the duration and 0.85-1.2 times the pitch, half
    with another vocal tract (0.88-1.12), instead of espeak-ng."""
    chosen = tuple(voices if voices is not None else corpus.espeak_voices("dev"))
    others = tuple(synth_voices if synth_voices is not None else corpus.synth_voices("dev")
                   ) if synth else ()
    if synth and not others:
        raise ValueError("no flite or festival voice installed (apt-get install flite)")
    jobs = [(kind, part_seed, count, step, others if kind == "synth" else chosen,
             tuple(speakers), wide)
            for kind, part_seed, count in corpus_parts(espeak, fsdd, seed, focus, fsdd_focus,
                                                       synth)]
    with Pool(workers) as pool:
        return [example for batch in pool.map(_job, jobs) for example in batch]


def save_examples(path: Path, examples: Sequence[Example]) -> None:
    """Write embedded utterances to an .npz (float16 frames, their lengths, the tokens)."""
    frames = (np.concatenate([e.embeddings for e in examples]) if examples
              else np.zeros((0, EMBEDDING_SIZE)))
    tokens = json.dumps([list(e.tokens) for e in examples]).encode()
    with path.open("wb") as out:
        np.savez(out, frames=frames.astype(np.float16),
                 lengths=np.array([len(e.embeddings) for e in examples], dtype=np.int64),
                 tokens=np.frombuffer(tokens, dtype=np.uint8))


def load_examples(path: Path) -> list[Example]:
    """Read what `save_examples` wrote."""
    with np.load(path, allow_pickle=False) as archive:
        frames, lengths = archive["frames"], archive["lengths"]
        tokens = json.loads(bytes(archive["tokens"]).decode())
    ends = np.cumsum(lengths)
    return [Example(frames[end - n : end], tuple(words))
            for end, n, words in zip(ends, lengths, tokens, strict=True)]


def _torch_net(tokens: int, hidden: int, dropout: float, context: int = 0) -> Any:
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        """`WordModel.log_probs` in torch (logits), with dropout."""

        def __init__(self) -> None:
            super().__init__()
            self.context = context
            self.norm = nn.LayerNorm(EMBEDDING_SIZE)
            self.hidden = nn.Linear(EMBEDDING_SIZE * (2 * context + 1), hidden)
            self.out = nn.Linear(hidden, tokens)
            self.drop = nn.Dropout(dropout)

        def forward(self, x: Any) -> Any:
            x = self.drop(self.norm(x))
            if self.context:
                k, frames = self.context, x.shape[1]
                padded = torch.cat([x[:, :1].expand(-1, k, -1), x,
                                    x[:, -1:].expand(-1, k, -1)], dim=1)
                x = torch.cat([padded[:, i : i + frames] for i in range(2 * k + 1)], dim=-1)
            return self.out(self.drop(nn.functional.gelu(self.hidden(x))))

    return Net()


def _to_model(net: Any, tokens: Sequence[str], step: int, info: dict[str, object]) -> WordModel:
    parts = {"norm_weight": net.norm.weight, "norm_bias": net.norm.bias,
             "hidden_weight": net.hidden.weight, "hidden_bias": net.hidden.bias,
             "out_weight": net.out.weight, "out_bias": net.out.bias}
    weights = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in parts.items()}
    return WordModel(tuple(tokens), step, weights, {**info, "context": net.context})


def _from_model(model: WordModel, dropout: float) -> Any:
    import torch

    net = _torch_net(len(model.tokens), model.weights["hidden_weight"].shape[0], dropout,
                     model.context)
    with torch.no_grad():
        for name in ("norm", "hidden", "out"):
            getattr(net, name).weight.copy_(torch.from_numpy(model.weights[f"{name}_weight"]))
            getattr(net, name).bias.copy_(torch.from_numpy(model.weights[f"{name}_bias"]))
    return net


def _batches(examples: Sequence[Example], index: dict[str, int], size: int,
             rng: random.Random, jitter: float) -> Any:
    import torch

    order = list(range(len(examples)))
    rng.shuffle(order)
    for start in range(0, len(order), size):
        chosen = [examples[i] for i in order[start : start + size]]
        xs = [torch.from_numpy(e.embeddings.astype(np.float32)) for e in chosen]
        xs = [x + jitter * torch.randn_like(x) * x.std() for x in xs]
        lengths = torch.tensor([len(x) for x in xs])
        longest = int(lengths.max())
        # padded with each utterance's last frame, as `stack_context` sees past the end
        xs = [torch.cat([x, x[-1:].expand(longest - len(x), -1)]) for x in xs]
        targets = torch.tensor([index[t] for e in chosen for t in e.tokens])
        target_lengths = torch.tensor([len(e.tokens) for e in chosen])
        yield torch.stack(xs), lengths, targets, target_lengths


def _usable(examples: Sequence[Example]) -> list[Example]:
    return [e for e in examples if 0 < len(e.tokens) <= len(e.embeddings)]


def _loss(net: Any, examples: Sequence[Example], index: dict[str, int]) -> float:
    """Mean CTC loss of `examples` (evaluation mode, no jitter)."""
    import torch

    ctc = torch.nn.CTCLoss(blank=index[BLANK], zero_infinity=True, reduction="sum")
    net.eval()
    total = 0.0
    with torch.no_grad():
        for x, lengths, targets, target_lengths in _batches(examples, index, 256,
                                                            random.Random(0), 0.0):
            log_probs = net(x).log_softmax(-1).transpose(0, 1)
            total += float(ctc(log_probs, targets, lengths, target_lengths))
    return total / max(1, len(examples))


def _fit(net: Any, examples: Sequence[Example], index: dict[str, int], *, epochs: int,
         lr: float, seed: int, anchor: float = 0.0, schedule: bool = True, batch: int = 64,
         valid: Sequence[Example] = (), log: bool = False) -> None:
    """Train `net` in place; with `valid`, end on the epoch whose validation loss was lowest."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    usable, held = _usable(examples), _usable(valid)
    start = [p.detach().clone() for p in net.parameters()]
    optimiser = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.0 if anchor else 1e-2)
    steps = epochs * max(1, (len(usable) + batch - 1) // batch)
    scheduler = (torch.optim.lr_scheduler.OneCycleLR(optimiser, lr, total_steps=steps)
                 if schedule else None)
    ctc = torch.nn.CTCLoss(blank=index[BLANK], zero_infinity=True)
    best: tuple[float, dict[str, Any]] | None = None
    for epoch in range(epochs):
        net.train()
        total, began = 0.0, time.perf_counter()
        for x, lengths, targets, target_lengths in _batches(usable, index, batch, rng, 0.05):
            log_probs = net(x).log_softmax(-1).transpose(0, 1)
            loss = ctc(log_probs, targets, lengths, target_lengths)
            if anchor:  # stay near the model enrolment started from (L2-SP)
                loss = loss + anchor * sum(((p - s) ** 2).sum()
                                           for p, s in zip(net.parameters(), start, strict=True))
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            optimiser.step()
            if scheduler is not None:
                scheduler.step()
            total += float(loss.detach()) * len(lengths)
        checked = _loss(net, held, index) if held else None
        if checked is not None and (best is None or checked < best[0]):
            best = (checked, {k: v.clone() for k, v in net.state_dict().items()})
        if log:
            print(f"epoch {epoch}: loss {total / len(usable):.3f}"
                  + (f", held back {checked:.3f}" if checked is not None else "")
                  + f" ({time.perf_counter() - began:.0f} s)", flush=True)
    if best is not None:
        net.load_state_dict(best[1])
    net.eval()


def train(examples: Sequence[Example], *, hidden: int = 256, dropout: float = 0.3,
          context: int = 0, epochs: int = 3, lr: float = 2e-3, seed: int = 0,
          step: int = STEP, valid: Sequence[Example] = (),
          info: dict[str, object] | None = None, log: bool = False) -> WordModel:
    """A word model trained from scratch on `examples` (tokens: blank, vocabulary, unknown);
    with `valid` (held back from the same development data), the epoch it fits best."""
    tokens = (BLANK, *corpus.vocabulary(), UNKNOWN)
    index = {t: i for i, t in enumerate(tokens)}
    net = _torch_net(len(tokens), hidden, dropout, context)
    _fit(net, examples, index, epochs=epochs, lr=lr, seed=seed, valid=valid, log=log)
    return _to_model(net, tokens, step, dict(info or {}))


def fine_tune(model: WordModel, examples: Sequence[Example], *, epochs: int = 8,
              lr: float = 1e-3, anchor: float = 0.01, seed: int = 0, batch: int = 16,
              info: dict[str, object] | None = None) -> WordModel:
    """`model` adapted to `examples` (one person's enrolment), kept near where it started;
    each network of an ensemble on its own, from the same seed."""
    if model.others:
        return WordModel.ensemble([fine_tune(m, examples, epochs=epochs, lr=lr, anchor=anchor,
                                             seed=seed, batch=batch, info=info)
                                   for m in model.members()])
    net = _from_model(model, dropout=0.3)
    _fit(net, examples, model.index, epochs=epochs, lr=lr, seed=seed, anchor=anchor,
         schedule=False, batch=batch)
    return _to_model(net, model.tokens, model.step, {**model.info, **(info or {})})


def main(argv: Sequence[str] | None = None) -> None:
    """Build the development corpus, train, and write the model file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the .npz")
    parser.add_argument("--espeak", type=int, default=14500, help="synthetic utterances")
    parser.add_argument("--fsdd", type=int, default=4500, help="real-speaker sequences")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--hidden", type=int, default=256, help="hidden layer width")
    parser.add_argument("--context", type=int, default=3,
                        help="neighbouring embeddings on each side the hidden layer sees")
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    parser.add_argument("--hold", type=float, default=0.05,
                        help="share of the corpus held back to choose the epoch (0: the last)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wide", action=argparse.BooleanOptionalAction, default=False,
                        help="the wider augmentation (tempo 0.8-1.3, vocal tract, coughs and "
                        "clicks, digital zeros, level drift, more clipping); off: the recipe "
                        "of the shipped model")
    parser.add_argument("--focus", type=float, default=0.0,
                        help="share of each kind of utterance drawn from the focused corpus "
                        "(fast repeated digits, confused digits, 'help' against 'two'); 0: "
                        "the recipe of the shipped model")
    parser.add_argument("--fsdd-focus", type=float, help="the real-speaker sequences' focused "
                        "share (default: --focus)")
    parser.add_argument("--synth", type=float, default=0.0,
                        help="share of the plain synthetic utterances spoken by the "
                        "development flite and festival voices instead of espeak-ng; 0: the "
                        "recipe of the shipped model")
    parser.add_argument("--corpus", type=Path, nargs="+", default=(),
                        help="the embedded corpus is kept in this .npz: read if it exists (its "
                        "size and augmentation options then unused), else built and written; "
                        "several files (all existing) are read as one corpus")
    parser.add_argument("--about", help="what the model was trained on, for its info "
                        "(default: from --espeak and --fsdd; say it when --corpus reads files "
                        "built otherwise)")
    parser.add_argument("--join", type=Path, nargs="+", default=(),
                        help="write the ensemble of these trained model files to --out "
                        "(their probabilities averaged) instead of training one")
    args = parser.parse_args(argv)
    if args.join:
        joined = WordModel.ensemble([WordModel.load(path) for path in args.join])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(joined.to_bytes())
        print(f"wrote {args.out}: {len(args.join)} networks ({args.out.stat().st_size} bytes)")
        return
    import torch

    torch.set_num_threads(args.workers)
    began = time.perf_counter()
    if args.corpus and all(path.is_file() for path in args.corpus):
        examples = [e for path in args.corpus for e in load_examples(path)]
    elif len(args.corpus) > 1:
        parser.error("several --corpus files must all exist")
    else:
        examples = build_corpus(args.espeak, args.fsdd, seed=args.seed, workers=args.workers,
                                wide=args.wide, focus=args.focus, fsdd_focus=args.fsdd_focus,
                                synth=args.synth)
        if args.corpus:
            save_examples(args.corpus[0], examples)
    print(f"corpus: {len(examples)} utterances in {time.perf_counter() - began:.0f} s",
          flush=True)
    held = int(len(examples) * args.hold)
    order = list(range(len(examples)))
    random.Random(args.seed).shuffle(order)
    valid = [examples[i] for i in order[:held]]
    train_on = [examples[i] for i in sorted(order[held:])]
    about = args.about or (f"{args.espeak} espeak-ng utterances (development voices), "
                           f"{args.fsdd} FSDD sequences "
                           f"({', '.join(corpus.FSDD_DEV_SPEAKERS)})")
    info = {"trained_on": about,
            "seed": args.seed, "epochs": args.epochs, "held_back": held, "lr": args.lr,
            "dropout": args.dropout, "wide_augmentation": args.wide,
            "focus": args.focus, "fsdd_focus": args.fsdd_focus,
            "synth": args.synth}  # context: `_to_model`
    model = train(train_on, hidden=args.hidden, dropout=args.dropout, context=args.context,
                  epochs=args.epochs, lr=args.lr, seed=args.seed, valid=valid, info=info,
                  log=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(model.to_bytes())
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

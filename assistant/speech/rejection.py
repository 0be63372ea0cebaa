"""When a recognised answer is not acted on: the one rule the dialogue, `facet voice
transcribe` and the benchmark share."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.speech.base import Transcript

__all__ = ["Rejection"]


@dataclass(frozen=True)
class Rejection:
    """Thresholds on a final result; None switches one off.

    `answer`: the engine's fit score below which any answer is out of grammar (a cough, a
    word the state does not expect) and re-prompted. `confirm`: the same while the dialogue
    waits for a yes or no that would act (the stricter of the two applies there).
    `posting`: the confidence (the engine's probability that this, and not another answer of
    the grammar, was said) an answer needs when it would act at once: a quantity equal to the
    one asked for posts the pick, so a doubtful one is asked again rather than posted.
    `acting`: the fit score an answer that acts needs, and also the slot's expected check
    digits (heard at the wrong slot, they would let the pick post there): stricter than
    `answer`, as a wrong one costs a wrong posting and a re-prompt only a repeat. The
    dialogue knows what would act, so this costs nothing on every other answer.
    `checking`: the confidence the slot's expected check digits need (the engine's N-best
    posterior: how much of the probability of the grammar's sentences is theirs); any other
    digits are refused as wrong check digits, so they need none.
    """

    answer: float | None = None
    confirm: float | None = None
    posting: float | None = None
    acting: float | None = None
    checking: float | None = None

    def rejects(self, final: Transcript, *, confirming: bool = False,
                acts: bool = False, checks: bool = False) -> bool:
        """True if `final` is re-prompted: it fits too badly, or it would act (`acts`: post
        or confirm; `checks`: the expected check digits) and is doubtful."""
        strict = self.acting if acts or checks else None
        limits = [v for v in (self.answer, self.confirm if confirming else None, strict)
                  if v is not None]
        if limits and final.score is not None and final.score < max(limits):
            return True
        needed = self.posting if acts else self.checking if checks else None
        return (needed is not None and final.confidence is not None
                and final.confidence < needed)

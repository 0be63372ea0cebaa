"""Whether a question is for the warehouse at all: a binary in-scope / out-of-scope model.

The similarity tier always has a closest intent, so a general-assistant question ('how fast am
I going', 'which company has gone up the most today') can reach an intent's threshold on a faint
resemblance. :class:`ScopeModel` answers a different question: is this about the warehouse? It
is a logistic regression fitted on the vectors of every loaded intent's example sentences (in
scope) against negative examples written across general-assistant topics (finance, travel,
small talk, devices, weather, maths, news, ...; ``examples.scope.yaml``) plus the intent data's
``out_of_scope`` group. English reads the sentence model's vectors (the question's own vector is
the one the similarity tier computed, so no second model call); Chinese reads character
n-grams fitted on its own examples and negatives.

:func:`domain_cues` finds what only a warehouse question has (codes, and words a catalogue or a
warehouse uses in just that sense); a question with a cue is never refused as out of scope.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from assistant.errors import IntentDataError
from assistant.intents.data import read_yaml
from assistant.intents.encoder import CharNgramEncoder, Matrix
from assistant.intents.matcher import similarities

__all__ = ["ScopeModel", "domain_cues", "load_close_phrasings", "load_code_kinds",
           "load_confusable", "load_negatives", "load_settle"]

# Words that mean the warehouse in these languages whatever else the question says. Deliberately
# narrow: 'stock', 'order', 'lot', 'bin', 'history', 'recall', 'gold' all have general senses
# ('stock market', 'order a pizza', 'thanks a lot', 'car recall', 'gold price'): the model
# weighs those. A code in the question counts through its kind word (``code_words``).
_CUE_WORDS = {
    "en": frozenset({
        "serial", "serials", "sku", "skus", "picker", "pickers", "warehouse", "inventory",
        "restock", "reorder", "reordering", "shrinkage", "slotting", "qc",
    }),
    "zh": frozenset({
        "批次", "序列号", "货号", "库位", "货位", "库存", "仓库", "拣货", "入库", "出库", "盘点",
        "质检", "补货",
    }),
}
_WORD = re.compile(r"[a-z0-9]+")


def domain_cues(
    tagged: str, language: str, code_words: Iterable[str] = (), names: Set[str] = frozenset(),
) -> list[str]:
    """The warehouse cues in a question as the similarity tier reads it (codes already replaced
    by their kind word, see :func:`assistant.intents.prepare.tag_codes`).

    ``code_words`` are the kind words a code became ('lot', 'serial', ...): a question that named
    a code is about the warehouse. ``names`` are words of the live catalogue's names (people,
    suppliers, styles, categories) that count as cues.
    """
    found = list(code_words)
    words = set(_WORD.findall(tagged.lower()))
    found += sorted(words & (_CUE_WORDS["en"] | names))
    if language != "en":
        squashed = tagged.replace(" ", "")
        found += [w for w in sorted(_CUE_WORDS.get(language, ())) if w in squashed]
    return found


def _scope_file(language: str) -> dict[str, Any]:
    path = resources.files("assistant").joinpath("data", "intents", language,
                                                   "examples.scope.yaml")
    if not path.is_file():
        return {}
    data = read_yaml(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise IntentDataError(f"{language}/examples.scope.yaml must be a mapping")
    return data


@cache
def load_confusable(languages: tuple[str, ...], key: str = "confusable"
                    ) -> frozenset[frozenset[str]]:
    """Intent pairs known to read alike (``confusable`` in any language's scope examples;
    ``key="close"``: the pairs asked back with the narrower close margin)."""
    pairs: set[frozenset[str]] = set()
    for language in languages:
        for intent, others in (_scope_file(language).get(key) or {}).items():
            pairs.update(frozenset({str(intent), str(o)}) for o in others or ())
    return frozenset(pairs)


@cache
def load_settle(languages: tuple[str, ...], section: str = "settle"
                ) -> dict[str, tuple[str, ...]]:
    """Per intent, the words that settle it in a terse question (``settle`` in every language's
    scope examples, lower case; see ``terse``, read with :func:`load_confusable`), or those of
    another such ``section`` (``needs``: the words without one of which an intent is no close
    call to ask back)."""
    words: dict[str, list[str]] = {}
    for language in languages:
        for intent, found in (_scope_file(language).get(section) or {}).items():
            words.setdefault(str(intent), []).extend(str(w).lower() for w in found or ())
    return {intent: tuple(dict.fromkeys(found)) for intent, found in words.items()}


@cache
def load_unsupported(languages: tuple[str, ...], key: str = "unsupported"
                     ) -> tuple[re.Pattern[str], ...]:
    """Requests the chat cannot carry out (``unsupported`` in every language's scope examples:
    per kind of request, regular expressions over the normalised question, such as deleting or
    renaming a supplier; ``key="bare_reports"``: questions that only ask for 'the numbers');
    a malformed expression is a data error."""
    patterns: list[re.Pattern[str]] = []
    for language in languages:
        kinds = _scope_file(language).get(key) or {}
        if not isinstance(kinds, dict):
            raise IntentDataError(f"{language}/examples.scope.yaml: {key} must be a mapping")
        for source in (s for sources in kinds.values() for s in sources or ()):
            try:
                patterns.append(re.compile(str(source)))
            except re.error as exc:
                raise IntentDataError(
                    f"{language}/examples.scope.yaml: {key} {source!r}: {exc}") from exc
    return tuple(patterns)


@cache
def load_vague(languages: tuple[str, ...]) -> dict[frozenset[str], tuple[str, ...]]:
    """Per pair of close intents, words both of them may mean (``vague`` in every language's
    scope examples, keys 'a b'): a question that says one, and no word settling either
    intent, is asked back ('which pieces are not selling': slow movers or dead stock?)."""
    words: dict[frozenset[str], list[str]] = {}
    for language in languages:
        for pair, found in (_scope_file(language).get("vague") or {}).items():
            key = frozenset(str(pair).split())
            words.setdefault(key, []).extend(str(w).lower() for w in found or ())
    return {pair: tuple(dict.fromkeys(found)) for pair, found in words.items()}


@cache
def load_close_phrasings(languages: tuple[str, ...]
                         ) -> dict[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Per pair of close intents, phrasings the question writers use for either intent
    (``close_phrasings`` in every language's scope examples, keys 'a b': regular expressions
    over the normalised question), such as 'who's been picking this week' (picker performance
    or who picked an order); a malformed expression is a data error."""
    found: dict[frozenset[str], list[re.Pattern[str]]] = {}
    for language in languages:
        for pair, sources in (_scope_file(language).get("close_phrasings") or {}).items():
            for source in sources or ():
                try:
                    pattern = re.compile(str(source))
                except re.error as exc:
                    raise IntentDataError(f"{language}/examples.scope.yaml: close_phrasings "
                                          f"{pair} {source!r}: {exc}") from exc
                found.setdefault(frozenset(str(pair).split()), []).append(pattern)
    return {pair: tuple(patterns) for pair, patterns in found.items()}


@cache
def load_code_kinds(languages: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Per intent, the only kinds of code it answers about (``codes`` in the scope examples)."""
    kinds: dict[str, set[str]] = {}
    for language in languages:
        for intent, found in (_scope_file(language).get("codes") or {}).items():
            kinds.setdefault(str(intent), set()).update(str(k) for k in found or ())
    return {intent: frozenset(found) for intent, found in kinds.items()}


@cache
def load_negatives(language: str) -> dict[str, tuple[str, ...]]:
    """The general-assistant questions of ``examples.scope.yaml`` by topic."""
    topics = _scope_file(language).get("general") or {}
    if not isinstance(topics, dict):
        raise IntentDataError(f"{language}/examples.scope.yaml: general must be a mapping")
    return {str(k): tuple(str(s) for s in v or ()) for k, v in topics.items()}


@dataclass(frozen=True)
class _Fitted:
    head: Any
    out_column: int
    inside: Matrix
    outside: Matrix


class ScopeModel:
    """P(out of scope) for a question vector: the mean of two views fitted on first use.

    - a logistic regression over the vectors (what separates the two sides overall), and
    - the nearest neighbours: the mean similarity of the ``k`` closest out-of-scope examples
      against that of the ``k`` closest in-scope ones, squashed by a logistic of slope
      ``sharpness`` (a question close to one general example, such as a sports result, is
      out of scope even where the regression's plane runs near it).

    On the dev sets (bench/assistant_scope.py) the regression alone refused 94.8 % of English
    general questions at two false refusals, the mean of both 99.5 %.

    ``vectors`` gives the in-scope and out-of-scope training vectors when the model is first
    needed (so the sentence model loads lazily, as the similarity tier's does);
    ``encode`` turns a question into the same kind of vector when the caller has none.
    """

    def __init__(
        self, vectors: Callable[[], tuple[Matrix, Matrix]], encode: Callable[[str], Matrix], *,
        c: float = 4.0, k: int = 3, sharpness: float = 20.0,
    ) -> None:
        self._vectors, self._encode, self.c = vectors, encode, c
        self.k, self.sharpness = k, sharpness
        self._fitted: _Fitted | None = None
        self._lock = threading.Lock()

    @classmethod
    def ngrams(cls, positives: Sequence[str], negatives: Sequence[str], *,
               c: float = 4.0) -> ScopeModel:
        """A model over character n-grams fitted on these sentences (Chinese)."""
        encoder = CharNgramEncoder([*positives, *negatives])
        return cls(lambda: (encoder.encode(positives), encoder.encode(negatives)),
                   lambda text: encoder.encode([text]), c=c)

    def warm_up(self) -> None:
        """Fit the classifier now."""
        self._model()

    def _model(self) -> _Fitted:
        with self._lock:
            if self._fitted is None:
                from sklearn.linear_model import LogisticRegression

                inside, outside = self._vectors()
                x = np.vstack([inside, outside])
                y = np.array([0] * len(inside) + [1] * len(outside))
                head = LogisticRegression(C=self.c, class_weight="balanced", max_iter=3000)
                head.fit(x, y)
                self._fitted = _Fitted(head, list(head.classes_).index(1), inside, outside)
            return self._fitted

    def probability(self, text: str, vector: Matrix | None = None) -> float:
        """The probability that ``text`` (or its ``vector``, one row) is out of scope."""
        fitted = self._model()
        row = (self._encode(text) if vector is None else vector).reshape(1, -1)
        regression = float(fitted.head.predict_proba(row)[0][fitted.out_column])
        near_out = self._nearest(fitted.outside, row[0])
        near_in = self._nearest(fitted.inside, row[0])
        neighbours = 1.0 / (1.0 + math.exp(-self.sharpness * (near_out - near_in)))
        return (regression + neighbours) / 2

    def _nearest(self, side: Matrix, row: Matrix) -> float:
        sims = similarities(side, row)
        k = min(self.k, len(sims))
        return float(np.partition(sims, len(sims) - k)[-k:].mean())


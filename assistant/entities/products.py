"""Products described in words ("the rose gold heart pendant") matched to catalogue styles.

Style names are embedded once per catalogue version and kept for the process; a description is
matched by cosine similarity, helped by exact word overlap, within the category it names.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property

from assistant.entities.catalogue import StyleEntry
from assistant.entities.codes import WORDS_OF_ADDRESS
from assistant.intents.encoder import Encoder, Matrix

__all__ = ["ProductIndex", "ProductMatch", "content_words"]

STOPWORDS = frozenset(
    "the a an of in on at for to and or with our my we us do does did have has is are was "
    "were be any some there here how many much what which where who whose when stock stocks "
    "pieces piece items item units unit left on hand available in-stock currently now today "
    "got show me find locate please can you tell kept stored located sitting count total "
    "number quantity lying all all-the every those these it them they level levels qty pcs "
    "goods merchandise aisle aisles shelf shelves rack racks bin bins bay bays row rows "
    "section area tally up give need want know check see just still i "
    # a spoken question's hesitations ('hey so um the uh rose gold chains')
    "hey so um umm uh uhh er erm hmm ok okay well yeah "
    # words of address ('how many pieces in stock, re', '... bruv', '... brah')
    "brah blud bro fam mate ebi merci itself sir goi "
    # stock-list shorthand, which the intent tier spells out ('cnt rings', 'stk chk bangles')
    "stk stck inv cnt chk onhand rpt loc locn amt pls plz".split()
) | {word for word in WORDS_OF_ADDRESS if " " not in word}  # ('m goi': 'goi' above)
# Words a style's name may start with that questions say for what they are, not as a name.
_KIND_WORDS = frozenset(
    "ring rings pendant pendants necklace necklaces chain chains bangle bangles bracelet "
    "bracelets earring earrings brooch brooches cufflink cufflinks".split())
_COMMON_NAME_WORDS = _KIND_WORDS | frozenset(
    "gold silver platinum rose white yellow red diamond pearl star heart moon flower classic "
    "new old big small".split())
# (and the words of a stock question: '戒指库存多少' names no product called 库存)
_ZH_FILLERS = re.compile(r"(的|了|吗|呢|在哪里|在哪儿|在哪|哪里|多少|有|还|个|件|款|只"
                         r"|库存|存货|现货|在库|剩下|还剩|数量|一共|总共|目前|现在)")


# The Chinese a question says a style's design in, as the English word of its name ('Rosa星星耳环'
# is the Rosa star earrings, 'Pia结扣袖扣' the Pia knot cufflinks): motifs and settings, in two
# characters (one alone is in too many words: 月 of 上月, 星 of 星期, 心 of 中心).
_ZH_NAME_WORDS = {
    "星星": "star", "星形": "star", "月亮": "moon", "花朵": "flower", "花形": "flower",
    "结扣": "knot", "绳结": "knot", "永恒": "eternity", "密镶": "pavé", "满钻": "pavé",
    "包镶": "bezel", "群镶": "cluster", "簇镶": "cluster", "爱心": "heart", "心形": "heart",
    "无限": "infinity", "无穷": "infinity", "印章": "signet", "图章": "signet", "水滴": "drop",
    "横条": "bar",
}
_LATIN_WORD = re.compile(r"[a-zà-öø-ÿ][a-zà-öø-ÿ'-]+")


def _design(style: StyleEntry) -> set[str]:
    """The words of a style's name after its given name that are not its kind ('knot' of 'Pia
    knot cufflinks'): what tells two styles of one name apart."""
    return {w for w in style.name.lower().split()[1:] if w not in _KIND_WORDS}


def content_words(text: str) -> list[str]:
    """Words that describe a product, without question words and fillers."""
    words = re.findall(r"[\w'-]+", _ZH_FILLERS.sub(" ", text.lower()))
    return [w for w in words if w not in STOPWORDS and not w.isdigit()]


@dataclass(frozen=True)
class ProductMatch:
    """A style and how well a description matches it."""

    style: StyleEntry
    score: float


class ProductIndex:
    """Embeddings of style names, built lazily; the owner drops it when the catalogue changes."""

    def __init__(self, styles: Sequence[StyleEntry], encoder: Encoder) -> None:
        self.styles = list(styles)
        self.encoder = encoder
        self._matrix: Matrix | None = None
        self._lock = threading.Lock()

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Every word of every style's name, lower case ('leaf', 'signet')."""
        return frozenset(w for s in self.styles for w in re.findall(r"[\w'-]+", s.name.lower()))

    def named(self, text: str, category: str | None = None, *, taken: Collection[str] = (),
              ) -> list[StyleEntry]:
        """Styles a question names by their own given name ('how many Thea rings hev we got',
        'Rosa星星耳环在哪'), within the category it names: the name's first word, said as a
        word, where no question word is spelt so; several styles of that name are told apart
        by the rest of their names, in English or Chinese ('Pia knot' / 'Pia结扣'). The other
        words of the question are not matched (the embedding match of `match` reads those).
        A given name in `taken` (a person's: Pia Picker) names a style only with its category
        or another word of its name ('Pia拣货的差异' is Pia's picking)."""
        said = set(_LATIN_WORD.findall(text.lower()))
        words = said | {en for zh, en in _ZH_NAME_WORDS.items() if zh in text}
        pool = [s for s in self.styles if category in (None, s.category)
                and (given := self._given(s)) is not None and given in said
                and (given not in taken or category is not None or _design(s) & words)]
        if len(pool) > 1:
            narrowed = [s for s in pool if _design(s) & words]
            pool = narrowed or pool
        return pool

    @staticmethod
    def _given(style: StyleEntry) -> str | None:
        """A style's given name, its name's first word ('thea' of 'Thea signet ring'), when it
        is no word a question says anyway (a category, 'gold', 'star')."""
        first = style.name.lower().split()[0] if style.name.strip() else ""
        return first if len(first) >= 3 and first not in STOPWORDS \
            and first not in _COMMON_NAME_WORDS else None

    def _vectors(self) -> Matrix:
        with self._lock:
            if self._matrix is None:
                texts = [s.name.lower() for s in self.styles] or [""]
                self._matrix = self.encoder.encode(texts)
            return self._matrix

    def match(
        self, phrase: str, *, category: str | None = None, threshold: float = 0.55
    ) -> list[ProductMatch]:
        """Styles matching the description, best first: all within 0.03 of the best score."""
        words = content_words(phrase)
        pool = [i for i, s in enumerate(self.styles) if category in (None, s.category)]
        if not words or not pool:
            return []
        # The pool is already the category's styles: the query is only the describing words.
        sims = self._vectors()[pool] @ self.encoder.encode([" ".join(words)])[0]
        scored = []
        for i, sim in zip(pool, sims, strict=True):
            name_words = set(re.findall(r"[\w'-]+", self.styles[i].name.lower()))
            overlap = sum(w in name_words or w.rstrip("s") in name_words for w in words)
            lexical = overlap / len(words)
            scored.append(ProductMatch(self.styles[i], float(max(sim, 0.6 + 0.4 * lexical)
                                                             if lexical == 1 else sim)))
        scored.sort(key=lambda m: -m.score)
        best = scored[0].score
        if best < threshold:
            return []
        return [m for m in scored if m.score >= best - 0.03][:10]

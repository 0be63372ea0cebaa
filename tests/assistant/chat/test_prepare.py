"""What the similarity tier reads: codes by kind, shorthand and typos, Chinese n-grams."""

from __future__ import annotations

import numpy as np

from assistant.intents.encoder import CharNgramEncoder
from assistant.intents.matcher import EmbeddingMatcher
from assistant.intents.prepare import Speller, example_code_kind, tag_codes


def test_codes_become_the_word_for_their_kind() -> None:
    text = "where is lot g-2311 and fc0000045 st0003-au750y-6 web-261125-06272 a01-01-1l"
    assert tag_codes(text, example_code_kind) == "where is lot and serial sku order bin"


def test_split_codes_are_joined_and_attributes_left_alone() -> None:
    assert tag_codes("how many in g 2311", example_code_kind) == "how many in lot"
    assert tag_codes("18k au750 rings in size 7", example_code_kind) == (
        "18k au750 rings in size 7")
    assert tag_codes("history of fc0000001", lambda _t: None) == "history of fc0000001"


def test_speller_fixes_typos_and_shorthand_but_not_real_words() -> None:
    speller = Speller(["show the serial history", "recent camera alerts", "best sellers",
                       "pick performance of each picker", "where is the lot"])
    assert speller.correct("sreial histroy") == "serial history"
    assert speller.correct("camra alrts pls") == "camera alerts please"
    assert speller.correct("bst sellers ytd") == "best sellers this year"
    assert speller.correct("wher is the lot") == "where is the lot"
    # Short real words stay: 'pack' is no 'pick', 'log' no 'lot'.
    assert speller.correct("pack the log") == "pack the log"
    assert speller.correct("perfomance of valenza", known={"valenza"}) == (
        "performance of valenza")


def test_char_ngrams_weigh_rare_characters_and_count_unknown_ones() -> None:
    encoder = CharNgramEncoder(["哪些商品卖不动", "库存周转天数是多少", "摄像头告警"])
    vectors = encoder.encode(["哪些商品卖不动", "周转天数", "今天天气怎么样"])
    examples = encoder.encode(["哪些商品卖不动", "库存周转天数是多少", "摄像头告警"])
    sims = vectors @ examples.T
    assert np.isclose(sims[0, 0], 1.0, atol=1e-5)
    assert sims[1].argmax() == 1
    assert sims[2].max() < 0.3  # a question about something else shares almost nothing


def test_classifier_head_adds_each_intents_probability() -> None:
    examples = {"recall": ["recall lot", "recall the batch", "what would a recall touch"],
                "locate": ["where is lot", "where is the batch", "which bin holds it"]}
    sentences = [s for group in examples.values() for s in group]
    plain = EmbeddingMatcher(examples, CharNgramEncoder(sentences))
    headed = EmbeddingMatcher(examples, CharNgramEncoder(sentences), classifier_weight=0.6)
    question = "would a recall of the batch touch much"
    similarity = dict(plain.rank(question).scores)
    scores = dict(headed.rank(question).scores)
    extra = {k: scores[k] - similarity[k] for k in scores}
    assert headed.rank(question).best[0] == "recall"
    assert abs(sum(extra.values()) - 0.6) < 1e-3  # probabilities over the intents sum to one
    assert extra["recall"] > extra["locate"] > 0

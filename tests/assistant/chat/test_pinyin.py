"""Chinese typed in pinyin or with input-method slips, read as the characters meant
(assistant/entities/pinyin.py), on a small corpus of the warehouse's questions."""

from __future__ import annotations

import pytest

from assistant.entities.pinyin import PinyinReader, split_syllables
from assistant.intents.hant import simplified

# What the warehouse's Chinese questions say, and how often (a slip is mended only into a word
# said often).
_QUESTIONS = 6 * [
    "库存还有多少", "戒指有多少件", "这个批次在哪里", "盘点一下", "上周的拣货效率", "项链卖得慢",
    "最近的异常调整", "手镯在哪里", "哪些订单没发货", "金库的摄像头警报", "好的", "等一下",
    "可以", "卖得最火的款", "今年的销量",
    # each word in another question too: a word said only as part of one longer is no word
    "金库的库存", "批次召回", "戒指卖得快", "开始盘点", "项链的库存", "拣货员", "异常的批次",
    "手镯的价值", "订单没发货", "警报的视频", "效率排名", "今年卖得最好",
]
_ENGLISH = ("you", "how", "many", "rings", "in", "open", "a", "count", "man", "me", "he", "hen")


@pytest.fixture(scope="module")
def reader() -> PinyinReader:
    return PinyinReader(_QUESTIONS, _ENGLISH, simplify=simplified,
                        favoured=("好的", "等一下", "今年"))


@pytest.mark.parametrize(("token", "syllables"), [
    ("youduoshao", ("you", "duo", "shao")), ("ku4", ("ku",)), ("kù", ("ku",)),
    ("xi'an", ("xi", "an")), ("lǜ", ("lv",)), ("rings", None), ("A02", None),
])
def test_a_typed_word_is_split_into_syllables(
    token: str, syllables: tuple[str, ...] | None
) -> None:
    assert split_syllables(token) == syllables


@pytest.mark.parametrize(("text", "read"), [
    ("ku cun hai you duo shao", "库存还有多少"),
    ("jie zhi you duo shao jian", "戒指有多少件"),
    ("youduoshao jiezhi", "有多少戒指"),
    ("kù cún hái yǒu duō shǎo", "库存还有多少"),
    ("ku4 cun2 duo1 shao3", "库存多少"),
    # beside characters, codes and English words, only the pinyin is read
    ("shang zhou picker 的拣货 xiao lv", "上周 picker 的拣货 效率"),
    ("A02 you duo shao jian 货", "A02 有多少件 货"),
    ("xiang lian mai de man", "项链卖得慢"),
    # a reply's stops stay where they were typed
    ("hao de, ke yi", "好的,可以"),
])
def test_pinyin_is_read_as_the_warehouse_writes_it(
    reader: PinyinReader, text: str, read: str
) -> None:
    assert reader.read(text) == read


@pytest.mark.parametrize("text", [
    "how many rings in A02", "open a count", "you man", "AREZZO ANTWERP",
    # another language's words that happen to spell syllables, read as no Chinese words
    "paling laku bulan lalu",
])
def test_english_names_and_other_languages_stay_as_typed(
    reader: PinyinReader, text: str
) -> None:
    assert reader.read(text) == text


@pytest.mark.parametrize(("text", "read"), [
    ("库纯还有多少", "库存还有多少"),      # cun typed as chun (a fuzzy-pinyin keyboard)
    ("这个皮次在哪里", "这个批次在哪里"),
    ("判点一下", "盘点一下"),
    ("借指有多少件", "戒指有多少件"),
    ("等一夏", "等一下"),
    ("今念的销量", "今年的销量"),
])
def test_input_method_slips_are_mended(reader: PinyinReader, text: str, read: str) -> None:
    assert reader.read(text) == read


@pytest.mark.parametrize("text", [
    "卖得最火的款",        # 火的 sounds as 货的, but 最火 is a word here
    "摄像头事件",          # 事件 is a Chinese word, however it sounds
    "金庫門那個",          # traditional characters are no slips
    "金库货品按成本计值多少",  # 本计 sounds as 本季, but it would cut 成本 in two
])
def test_words_are_no_slips(reader: PinyinReader, text: str) -> None:
    assert reader.read(text) == text

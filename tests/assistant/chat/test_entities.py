"""Pure parts of the chat: spoken codes, attributes, periods and the template compiler."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.entities.attributes import Vocab, scan_attributes
from assistant.entities.catalogue import CatalogueIndex
from assistant.entities.codes import detect_language, normalise_text, spoken_to_code
from assistant.entities.periods import parse_period
from assistant.errors import IntentDataError
from assistant.intents.data import LANGUAGES, load_intents
from assistant.intents.templates import compile_template

NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
VOCAB = Vocab(frozenset({"ring", "pendant", "bangle"}),
              frozenset({"5", "6", "7", "8", "9", "S", "M", "L", "45cm"}))


@pytest.mark.parametrize(("spoken", "code"), [
    ("G-2311", "G-2311"), ("g 2311", "G2311"), ("golf two three one one", "G2311"),
    ("G二三一一", "G2311"), ("golf dash two three one one", "G-2311"),
    ("foxtrot charlie zero zero zero zero zero zero one", "FC0000001"),
    ("papa five three four two", "P5342"),
])
def test_spoken_codes(spoken: str, code: str) -> None:
    assert spoken_to_code(spoken) == code


def test_lots_resolve_however_written() -> None:
    index = CatalogueIndex.build({"lots": [{"code": "G-2311", "supplier": "X"},
                                           {"code": "P-5342", "supplier": "X"}]})
    for text in ("G-2311", "g 2311", "lot g2311", "golf two three one one", "批次二三一一",
                 "the batch G-2311", "2311"):
        assert index.lot(text) == "G-2311", text
    assert index.lot("G-9999") is None
    assert index.lot("papa five three four two") == "P-5342"


@pytest.mark.parametrize(("text", "slots"), [
    ("18K rose gold rings", {"purity": "Au750", "metal": "gold", "colour": "rose",
                             "category": "ring"}),
    ("14k gold", {"purity": "Au585", "metal": "gold"}),
    ("24K bangles", {"purity": "Au999", "metal": "gold", "category": "bangle"}),
    ("platinum rings in size 8", {"purity": "Pt950", "metal": "platinum", "category": "ring",
                                  "size": "8"}),
    ("sterling silver pendants", {"purity": "S925", "metal": "silver", "category": "pendant"}),
    ("white gold rings size seven", {"colour": "white", "metal": "gold", "category": "ring",
                                     "size": "7"}),
    ("玫瑰金戒指8号", {"colour": "rose", "metal": "gold", "category": "ring", "size": "8"}),
    ("18K金吊坠", {"purity": "Au750", "metal": "gold", "category": "pendant"}),
    ("铂金手镯", {"purity": "Pt950", "metal": "platinum", "category": "bangle"}),
    # hyphenated colours, as the README's own question writes them
    ("18K rose-gold rings in size 7", {"purity": "Au750", "metal": "gold", "colour": "rose",
                                       "category": "ring", "size": "7"}),
    ("white-gold pendants", {"colour": "white", "metal": "gold", "category": "pendant"}),
])
def test_attributes(text: str, slots: dict[str, str]) -> None:
    assert scan_attributes(normalise_text(text), VOCAB).slots == slots


def test_attribute_scan_leaves_the_description() -> None:
    scan = scan_attributes("the rose gold heart pendant", VOCAB)
    assert scan.slots == {"colour": "rose", "metal": "gold", "category": "pendant"}
    assert scan.rest == "the heart"


@pytest.mark.parametrize(("text", "key", "since"), [
    ("this quarter", "this_quarter", datetime(2026, 4, 1, tzinfo=UTC)),
    ("last quarter", "last_quarter", datetime(2026, 1, 1, tzinfo=UTC)),
    ("this year", "this_year", datetime(2026, 1, 1, tzinfo=UTC)),
    ("in the last 30 days", "last_30_days", datetime(2026, 4, 14, 12, tzinfo=UTC)),
    ("past two weeks", "last_14_days", datetime(2026, 4, 30, 12, tzinfo=UTC)),
    ("last month", "last_month", datetime(2026, 4, 1, tzinfo=UTC)),
    ("本季度", "this_quarter", datetime(2026, 4, 1, tzinfo=UTC)),
    ("最近30天", "last_30_days", datetime(2026, 4, 14, 12, tzinfo=UTC)),
    ("今年", "this_year", datetime(2026, 1, 1, tzinfo=UTC)),
    # formal 'current', Australian 'arvo', Taiwanese 這一季 (read as simplified)
    ("during the current year", "this_year", datetime(2026, 1, 1, tzinfo=UTC)),
    ("in the current quarter", "this_quarter", datetime(2026, 4, 1, tzinfo=UTC)),
    ("anything dodgy this arvo", "today", datetime(2026, 5, 14, tzinfo=UTC)),
    ("这一季的", "this_quarter", datetime(2026, 4, 1, tzinfo=UTC)),
])
def test_periods(text: str, key: str, since: datetime) -> None:
    period = parse_period(text, NOW)
    assert period is not None and period.key == key and period.since == since
    assert period.until <= datetime(2026, 5, 15, tzinfo=UTC)


def test_language_and_normalisation() -> None:
    assert detect_language("批次 G-2311 在哪里?") == "zh"
    assert detect_language("where is G-2311") == "en"
    assert normalise_text("批次 G-2311 在哪里？") == "批次g-2311在哪里"
    assert normalise_text("Where's lot G-2311?") == "where's lot g-2311"


def test_template_syntax() -> None:
    rules = {"where": "(where is|where's|locate)", "the": "[the|a]"}
    template = compile_template("locate", "<where> <the> {item} [now]", rules=rules)
    assert list(template.candidates("where is the g-2311 now")) == [{"item": "g-2311"}]
    assert list(template.candidates("locate g-2311")) == [{"item": "g-2311"}]
    assert list(template.candidates("where isthe g-2311")) in ([], [{"item": "the g-2311"}])
    assert list(template.candidates("tell me a joke")) == []
    chinese = compile_template("locate", "[批次]{lot}在哪[里|儿]", rules={}, spaced=False)
    assert list(chinese.candidates("批次g-2311在哪里")) == [{"lot": "g-2311"}]
    with pytest.raises(IntentDataError):
        compile_template("x", "(where is", rules={})
    with pytest.raises(IntentDataError):
        compile_template("x", "<nope> {lot}", rules={})


def test_every_data_file_compiles_and_covers_the_same_intents() -> None:
    intents = [{t.intent for t in load_intents(lang).templates} for lang in LANGUAGES]
    assert intents[0] == intents[1]
    for lang in LANGUAGES:
        data = load_intents(lang)
        assert set(data.examples) <= intents[0] | {"out_of_scope"}
        assert "out_of_scope" in data.examples and data.similarity_threshold != 0
        assert all(key.startswith(("period.", "error.")) or key for key in data.responses)
    assert load_intents("en").responses.keys() == load_intents("zh").responses.keys()

"""Birmingham and Black Country words in an English question, as English: a small lexicon.

Jewellery Quarter staff write as they speak: "'ow many rings 'ave we got in size 8?", "what
orders 'ave we got that ay gone out yet?", "which earrings ay sellin'?", "where am they?", "put
lot G-6428 on 'old, summat about the stampin'". Normalising drops the apostrophes, so 'ow, 'ave
and 'old arrive as 'ow', 'ave' and 'old'. As :mod:`assistant.entities.scots` does, this reads them
as English in the normalised text (intent models and slots alike), only when a word no English
question uses is there ('ow many', 'ave', 'summat', 'yow', 'yam', 'am they', 'on old', 'ay'
before a verb). Its yes and no ('ar', 'goo on', 'bostin'') are read by
assistant/actions/answers.py; 'bab' is a word of address (assistant/entities/codes.py).
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_brummie"]

#: Words that mark a question as Birmingham English (none is an English question's).
_MARKERS = re.compile(
    r"(?<![\w'-])(?:ow(?= (?:many|much|long|old|far|often|am|is|are|do|does|did)\b)|ave|summat"
    r"|yow|yam|uns|bostin|gaffer|on old|(?:they|we) am|am (?:they|we|yow|them)"
    r"|ay(?= (?:[a-z]+in|[a-z]+ing|gone|got|been|bin|there|sold|moved)\b))(?![\w'-])")
#: Birmingham phrases and words as English, longer first.
_LEXICON: tuple[tuple[str, str], ...] = (
    (r"ow", "how"), (r"ave", "have"), (r"on old", "on hold"), (r"off old", "off hold"),
    (r"summat", "something"), (r"yam", "you are"), (r"yow", "you"), (r"uns", "ones"),
    (r"(?<=they )am|(?<=we )am|am(?= they| we| yow| them)", "are"),
    (r"ay(?= (?:[a-z]+in|[a-z]+ing|gone|got|been|bin|there|sold|moved)\b)", "not"),
    (r"an(?= (?:where|what|how|who|when|which)\b)", "and"),
    (r"them(?= [a-z]+s\b)", "those"),
    (r"(fly|pick|sell|mov|sitt|look|go|com|runn|count|hold|ship|wait|stamp|bend|check|buy|pack"
     r"|order)in",
     r"\1ing"),
    # fillers and words of address: they say nothing of what is asked
    (r"our kid|gaffer|bostin", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_brummie(words: str) -> str:
    """Normalised English words with a Birmingham question's words in English ('ow many rings
    ave we got' -> 'how many rings have we got'); any other text as it is, and a message of
    nothing else kept as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)

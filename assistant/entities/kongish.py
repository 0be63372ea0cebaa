"""Romanised Cantonese ("Kongish") in an English question, as English: a small lexicon.

Hong Kong staff type Cantonese in Latin letters on their phones, mixed with English: 'A02 yau
gei do gin fo' (how many pieces in A02), 'bin di fo yat gin dou mo maai gwo' (which goods have not
sold a single piece), 'FC0000425 bin go pick ga' (who picked it), 'yau gei do order jung mei ship'
(how many orders have not shipped yet). As :mod:`assistant.entities.patois` does for patois, this
reads them as English in the normalised text. It reads a question only when it has a Cantonese
phrase no English question uses ('bin di', 'gei do', 'yau mo', 'maai dak', 'jung mei', …): 'bin',
'fo' or 'mo' alone may be English, or a storage bin. Cantonese yes, no and wait in Latin letters
('ho', 'mo man tai' / 'm sai' / 'dang dang') are read by assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_kongish"]

#: Phrases that mark a question as romanised Cantonese.
_MARKERS = re.compile(
    r"(?<![\w'-])(?:bin di|bin go|bin dou|gei do|yau mo|jung mei|gam yat|kam yat|mat ye"
    r"|jik gei|dim gaai|dim gwo|m gin|kei gwaai|jyun wai|ying gai|maai dak|maai m|mo maai"
    r"|maai gwo|faai m faai|gin fo|ge fo|jap fo|yat gin)(?![\w'-])")
#: Cantonese phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    (r"yat gin dou mo maai gwo|dou mo maai gwo|mo maai gwo", "not sold a single piece"),
    (r"maai dak (?:hou )?maan", "sell slowly"), (r"maai dak (?:hou )?faai", "sell fast"),
    (r"maai dak (?:hou|ho|zui ho)", "sell best"),
    (r"maai m (?:to|cheut|dung|ei)", "not selling"), (r"faai m faai", "fast"),
    (r"jik gei do chin", "worth how much"), (r"gei do chin", "how much value"),
    (r"yau gei do|gei do", "how many"), (r"bin di", "which"), (r"bin go", "who"),
    (r"bin dou", "where"), (r"yau mo", "any"), (r"m gin (?:jo|saai)|m gin", "missing"),
    (r"jung mei", "not yet"), (r"gam yat", "today"), (r"kam yat", "yesterday"),
    (r"(?:ni|gam) go yuet", "this month"), (r"seung go yuet", "last month"),
    (r"mat ye", "what"), (r"kei gwaai", "strange"), (r"dim gaai", "why"),
    (r"dim gwo", "handled"), (r"jap fo|jap", "pick"), (r"jyun wai", "relocate"),
    (r"ying gai", "should"), (r"maai", "sell"), (r"fo", "goods"), (r"gin", "pieces"),
    # particles, measure words and the past: they say nothing of what is asked
    (r"ge|di|jeung|ga|wo|jo|gwo|dou|yau|kui", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_kongish(words: str) -> str:
    """Normalised English words with a romanised Cantonese question's words in English ('A02
    yau gei do gin fo' -> 'a02 how many pieces goods'); any other text as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)

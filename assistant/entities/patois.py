"""Jamaican and Caribbean patois words in an English question, as English: a small lexicon.

Caribbean staff write English with patois words: 'how fast di stock a turn ova dis year?', 'how
much stock wi lose to shrinkage las' year?', 'dead stock inna di reserve', 'yow, how many size 8
ring dem deh pon hand?'; Trinidadian 'boss it have order dat pass de promise date las' mont'?',
'wha we lose las' week, tief or damage?', 'wha orders we eh ship yet?'. As
:mod:`assistant.entities.tagalog` does for Taglish, this reads them as English in the normalised
text, so the intent models and the slots (periods above all) read them alike. It reads a question
only when it has a word no English question uses ('dis', 'di', 'dem', 'inna', 'wi', 'fi', 'pon',
…). Patois yes, no and wait ('yeah man, gwaan', 'nuh badda', "hol' on") are read by
assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_patois"]

#: Words that mark a question as patois (none is an English word a question would use).
_MARKERS = re.compile(
    r"(?<![\w'-])(?:dis|di|dem|inna|wi|fi|pon|deh|wah|weh|yuh|ting|tings|anyting|everyting"
    r"|nutten|nuttin|wid|gwaan|mek|tek|las|jus|ova|yow|nuff|likkle|seh|cyaan|nuh|bout"
    r"|wha|mont|tief|fuh|bobol"
    # Trinidadian 'de' (the) before a warehouse word ('in de reserve', 'de whole zone'); Spanish
    # 'de' (of) is no mark ('las piezas de oro')
    r"|de(?= (?:reserve|vault|strongroom|safe|dock|shelf|shelves|whole|stock|customers"
    r"|suppliers|adjustments|old|pick|picking|zone|orders?|chains?|rings?)(?![\w'-])))(?![\w'-])")
#: Patois phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    # periods ("dis year", "las' year" once its apostrophe has gone)
    (r"dis\s+(week|month|quarter|year)", r"this \1"), (r"dis\s+mont", "this month"),
    (r"las'?\s+(week|month|quarter|year)", r"last \1"), (r"las'?\s+mont", "last month"),
    (r"las'?\s+(\d+\s+days?)", r"last \1"), (r"mont", "month"),
    (r"dis mawnin|dis morning", "today"),
    # goods and questions
    (r"anyting|anyt'ing", "anything"), (r"everyting", "everything"), (r"nutten|nuttin", "nothing"),
    (r"tings?", "items"), (r"wah", "what"), (r"weh", "where"), (r"inna", "in"), (r"pon", "on"),
    (r"wid", "with"), (r"ova", "over"), (r"jus", "just"), (r"bout", "about"), (r"fi", "for"),
    (r"wi", "we"), (r"yuh", "you"), (r"mek", "make"), (r"tek", "take"), (r"likkle", "little"),
    (r"nuff", "a lot of"), (r"cyaan", "can't"), (r"dis", "this"), (r"di", "the"),
    (r"de(?! (?:la|las|los|el|oro|plata|platino|mes|semana|a[ñn]o|hoy|ayer)(?![\w'-]))", "the"),
    # Trinidadian: 'wha' (what), 'tief' (theft), 'fuh' (for), 'bobol' (fraud), 'it have' (there
    # is), 'we eh ship' (have not), and the dropped g of 'movin'', 'sittin''
    (r"wha", "what"), (r"tief", "theft"), (r"fuh", "for"), (r"bobol", "fraud"),
    (r"it have", "is there"), (r"(we|they|you|i|it) eh", r"\1 have not"),
    (r"(mov|sitt|look|go|com|runn|sell|pick|wait|hold|ship|count)in", r"\1ing"),
    # plural and progressive markers, greetings: they say nothing of what is asked
    (r"dem|deh|yow|seh|a(?= (?:go|sell|turn|perform|move|run))", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_patois(words: str) -> str:
    """Normalised English words with a patois question's words in English ('how fast di stock a
    turn ova dis year' -> 'how fast the stock turn over this year'); any other text as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)

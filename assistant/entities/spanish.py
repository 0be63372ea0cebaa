"""Spanish words in an English question, as English: a small lexicon, not a Spanish reader.

Bilingual supervisors (Los Angeles) ask in English with Spanish words in it: 'vault tiene
cuántas piezas right now', 'los más vendidos de plata, last 90 days', 'órdenes tarde de la
semana pasada', 'quién sacó the piece FC0000475', 'y el año pasado?'. The chat reads English
and Chinese; as :func:`assistant.intents.hant.mandarin` reads dialect Chinese as Mandarin and
``pidgin_english`` reads pidgin's function words as English, this reads the Spanish words a
warehouse question uses as their English ones, in the normalised text (lower case, punctuation
gone), so the intent models and the slots (size, metal, period) read them alike. Only words
and set phrases English does not use; 'sí' and 'dale' as a yes are read by
assistant/actions/answers.py, and a bare 'y' (yes) is left alone.
"""

from __future__ import annotations

import re

__all__ = ["english_of_spanish", "lexicon_patterns", "read_by_lexicon"]

#: Spanish phrases and words as English, longer phrases first (accents optional: 'cuantos').
_LEXICON: tuple[tuple[str, str], ...] = (
    # periods
    (r"la semana pasada", "last week"), (r"esta semana", "this week"),
    (r"el mes pasado", "last month"), (r"este mes", "this month"),
    (r"el a[ñn]o pasado", "last year"), (r"este a[ñn]o", "this year"),
    (r"(?:los )?[úu]ltimos (\d+) d[íi]as", r"last \1 days"), (r"anoche", "last night"),
    (r"hoy", "today"), (r"ayer", "yesterday"),
    # reports
    (r"(?:los |lo |las )?m[áa]s vendid[oa]s?", "best sellers"),
    (r"(?:los |lo |las )?menos vendid[oa]s?", "least sold"),
    (r"[óo]rdenes (?:tarde|atrasadas)|pedidos (?:tarde|atrasados)", "late orders"),
    (r"[óo]rdenes|pedidos", "orders"), (r"(?:la )?merma", "shrinkage"),
    (r"(?:el )?lote", "lot"), (r"algo raro", "anything weird"), (r"alertas", "alerts"),
    (r"alerta", "alert"), (r"talla", "size"), (r"piezas", "pieces"), (r"pieza", "piece"),
    (r"oro blanco", "white gold"), (r"oro rosa", "rose gold"), (r"oro", "gold"),
    (r"plata", "silver"),
    # question words
    (r"qui[ée]n sac[óo]", "who picked"), (r"qui[ée]n", "who"),
    (r"cu[áa]nt[oa]s", "how many"), (r"cu[áa]nto", "how much"),
    (r"d[óo]nde est[áa]n?", "where is"), (r"d[óo]nde", "where"),
    (r"cu[áa]les|cu[áa]l", "which"), (r"qu[ée]", "what"),
    (r"tiene", "has"), (r"tenemos", "do we have"),
    # politeness and fillers: they say nothing of what is asked
    (r"por favor|porfa", "please"), (r"gracias", "thanks"),
    (r"oye|ahorita|pues|[óo]rale", ""),
    # Spanish's articles ('el lote', 'los lentos'); 'de' and 'en' are French too, left alone
    (r"los|las|el", "the"),
)


def lexicon_patterns(
    lexicon: tuple[tuple[str, str], ...],
) -> tuple[tuple[re.Pattern[str], str], ...]:
    """A lexicon's phrases as whole-word patterns, each with its English (also Tagalog's)."""
    return tuple((re.compile(rf"(?<![\w'-])(?:{pattern})(?![\w'-])"), english)
                 for pattern, english in lexicon)


def read_by_lexicon(words: str, markers: re.Pattern[str],
                    patterns: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    """``words`` with a lexicon's ``patterns`` read as English, when a word of ``markers`` (one
    no English question uses) is there; any other text as it is, and a message of nothing
    else kept as it is (Tagalog's, Malay's, patois' and Hinglish's lexicons)."""
    if not markers.search(words):
        return words
    read = words
    for pattern, english in patterns:
        read = pattern.sub(english, read)
    read = re.sub(r"\s+", " ", read).strip()
    return read or words


_PATTERNS = lexicon_patterns(_LEXICON)
#: 'y' (and) opening a follow-up ('y ANTWERP?', 'y el año pasado?'); a bare 'y' is a yes.
_AND = re.compile(r"^y (?=\S)")


def english_of_spanish(words: str) -> str:
    """Normalised English words with the lexicon's Spanish words and phrases in English ('vault
    tiene cuántas piezas' -> 'vault has how many pieces'; 'y el año pasado' -> 'and last
    year'); a message of nothing else is kept as it is."""
    read = _AND.sub("and ", words.replace("¿", " ").replace("¡", " ").strip())
    for pattern, english in _PATTERNS:
        read = pattern.sub(english, read)
    read = re.sub(r"\s+", " ", read).strip()
    return read or words

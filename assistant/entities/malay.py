"""Malay and Indonesian words in an English question, as English: a small lexicon, not a reader.

Malaysian and Indonesian staff ask in English with Bahasa words in it: 'berapa barang hilang in
pick area?', 'picker performance bulan lalu', 'order yang belum shipped ada berapa?', 'barang apa
paling laku yesterday?', 'camera alert semalam ada?'. As :mod:`assistant.entities.tagalog` does
for Taglish, this reads the Bahasa words a warehouse question uses as their English ones in the
normalised text, so the intent models and the slots read them alike. It reads a question only
when it has a word no English question uses ('berapa', 'barang', 'yang', 'belum', 'tolong', …;
not 'ada', 'mana' or 'lah' alone). Bahasa yes, no and wait ('ya, boleh', 'tak nak', 'tunggu
sekejap') are read by assistant/actions/answers.py.
"""

from __future__ import annotations

import re

from assistant.entities.spanish import lexicon_patterns, read_by_lexicon

__all__ = ["english_of_malay"]

#: Words that mark a question as Bahasa-English (none is an English word a question would use).
_MARKERS = re.compile(
    r"(?<![\w'-])(?:berapa|barang|yang|belum|sudah|tolong|bulan|minggu|tahun|semalam|kelmarin"
    r"|kemarin|hilang|laku|laris|nilai|gudang|siapa|dimana|punya|untuk|ikut|mengikut|dalam"
    r"|sampai|lewat|gagal|kirim|hantar|pindah|semua|sekarang|banyak|persen|peratus|dari"
    r"|kalau|kena|perlu|boleh|tak|apa|je|dulu|lama|paling|hari)(?![\w'-])")
#: Bahasa phrases and words as English, longer phrases first.
_LEXICON: tuple[tuple[str, str], ...] = (
    # periods
    (r"bulan (?:lalu|lepas|kemarin)", "last month"), (r"bulan ini", "this month"),
    (r"minggu (?:lalu|lepas)", "last week"), (r"minggu ini", "this week"),
    (r"tahun (?:lalu|lepas)", "last year"), (r"tahun ini", "this year"),
    (r"hari ini", "today"), (r"semalam|kelmarin|kemarin", "yesterday"),
    (r"sekarang", "now"),
    # reports and goods
    (r"(?:yang )?paling (?:laku|laris)", "best selling"), (r"paling (?:laju|cepat)", "fastest"),
    (r"(?:tak|tidak|kurang) (?:laku|laris)", "not selling"), (r"laku|laris", "selling"),
    (r"barang hilang|hilang", "lost"), (r"berapa nilai|nilai", "value of"),
    (r"berapa lama", "how long"), (r"berapa kali", "how many times"),
    (r"berapa banyak|berapa", "how many"),
    (r"belum (?:di)?(?:kirim|hantar|ship|shipped)", "not shipped yet"),
    (r"belum sampai", "not arrived yet"), (r"sudah lewat|lewat", "overdue"),
    (r"gagal", "failed"), (r"persen|peratus", "percent"), (r"dalam gudang|gudang", "warehouse"),
    (r"barang", "stock"), (r"punya", ""), (r"pindah", "move"), (r"semua", "all"),
    # question words and links
    (r"(?:ada )?di ?mana|kat mana", "where is"), (r"yang mana|mana", "which"), (r"siapa", "who"),
    (r"apa", "what"),
    (r"untuk", "for"), (r"(?:mengikut|ikut)", "per"), (r"dari", "from"), (r"kalau", "if"),
    (r"tolong", "please"), (r"perlu", "need"), (r"banyak", "many"), (r"buat", "make"),
    # particles and politeness: they say nothing of what is asked
    (r"yang|sudah|dulu|ada|lah|kah|je|ya|boleh|ke|kena|langsung|dong|nih|itu|ini|tu|ni", ""),
)
_PATTERNS = lexicon_patterns(_LEXICON)


def english_of_malay(words: str) -> str:
    """Normalised English words with a Bahasa-English question's Bahasa words in English
    ('berapa barang hilang in pick area' -> 'how many lost in pick area'); any other text as
    it is, and a message of nothing else kept as it is."""
    return read_by_lexicon(words, _MARKERS, _PATTERNS)

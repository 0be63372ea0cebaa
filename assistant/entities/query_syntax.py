"""A question typed as a query ('best_sellers period=last_7_days cat=bangle', 'SELECT picker
WHERE serial=FC0000449'), as plain words: power users write report names and filters the way a
query language or a URL does. Only a question with a ``key=value`` filter or a leading SELECT is
read so; its snake_case words are spaced ('last_7_days' -> 'last 7 days'), each filter becomes
the words a question would use ('zone=PICK' -> 'in zone pick', 'supplier=ANTWERP' -> 'from
antwerp'), a selected column that is the question too ('SELECT picker' -> 'who picked'), and the
query words (select, where, and, from, group by) are dropped.
"""

from __future__ import annotations

import re

__all__ = ["plain_of_query"]

_QUERY = re.compile(r"(?<![\w-])[a-z_()*]+\s*=\s*\S"
                    r"|^\s*select\s+(?:\*|[a-z]+_[a-z_]+|.*\bwhere\b)")
_FILTER = re.compile(r"(?<![\w-])([a-z_]+)\s*=\s*([^\s,;]+)")
# How a filter's value is said in a question, by its key (the value alone for the rest).
_SAID = {
    "zone": "in zone {}", "supplier": "from {}", "location": "at {}", "loc": "at {}",
    "bin": "at {}", "lot": "lot {}", "order": "order {}", "size": "size {}", "status": "{}",
}
# A selected column that is itself the question ('SELECT picker WHERE serial=...': who picked it).
_SELECTED = re.compile(r"^\s*select\s+(picker|picked_by|location|loc|bin|value|qty|count)\b")
_COLUMN_SAID = {"picker": "who picked", "picked_by": "who picked", "location": "where is",
                "loc": "where is", "bin": "where is", "value": "value of", "qty": "how many",
                "count": "how many"}
_QUERY_WORDS = re.compile(r"(?<![\w-])(?:select|where|and|from(?= [a-z_]+ where)|group by|"
                          r"order by|bucket by|sum|\*)(?![\w-])|[()]")


def plain_of_query(words: str) -> str:
    """Normalised ``words`` with a query's syntax as plain words; any other text as it is."""
    if not _QUERY.search(words):
        return words

    def said(match: re.Match[str]) -> str:
        key, value = match.group(1), match.group(2).replace("_", " ")
        return " " + _SAID.get(key, "{}").format(value) + " "

    selected = _SELECTED.match(words)
    read = words[selected.end():] if selected else words
    read = _FILTER.sub(said, read)
    read = _QUERY_WORDS.sub(" ", read)
    read = re.sub(r"(?<=[a-z])_(?=[a-z0-9])", " ", read)
    if selected:  # said after the query words are dropped ('where' is one of them)
        read = f"{_COLUMN_SAID[selected.group(1)]} {read}"
    return re.sub(r"\s+", " ", read).strip() or words

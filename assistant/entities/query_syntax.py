"""A question typed as a query ('best_sellers period=last_7_days cat=bangle', 'SELECT picker
WHERE serial=FC0000449'), as plain words: power users write report names and filters the way a
query language or a URL does. Only a question with a ``key=value`` filter or a leading SELECT is
read so; its snake_case words are spaced ('last_7_days' -> 'last 7 days'), each filter becomes
the words a question would use ('zone=PICK' -> 'in zone pick', 'supplier=ANTWERP' -> 'from
antwerp'), and the query words (select, where, and, from, group by) are dropped.
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
_QUERY_WORDS = re.compile(r"(?<![\w-])(?:select|where|and|from(?= [a-z_]+ where)|group by|"
                          r"order by|bucket by|sum|\*)(?![\w-])|[()]")


def plain_of_query(words: str) -> str:
    """Normalised ``words`` with a query's syntax as plain words; any other text as it is."""
    if not _QUERY.search(words):
        return words

    def said(match: re.Match[str]) -> str:
        key, value = match.group(1), match.group(2).replace("_", " ")
        return " " + _SAID.get(key, "{}").format(value) + " "

    read = _FILTER.sub(said, words)
    read = _QUERY_WORDS.sub(" ", read)
    read = re.sub(r"(?<=[a-z])_(?=[a-z0-9])", " ", read)
    return re.sub(r"\s+", " ", read).strip() or words

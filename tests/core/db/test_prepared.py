"""core.prepared: the SQLAlchemy internals Prepared relies on are pinned here.

If one of these fails after a SQLAlchemy upgrade, the message names the internal that moved;
fix ``core.prepared.Prepared._compile`` (and this test) before lifting the version cap.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import pytest
import sqlalchemy
from sqlalchemy import JSON, Boolean, DateTime, Integer, String, bindparam, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.prepared import Prepared, RowTypeMismatch, driver_dialect

_AT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
_STATEMENT = select(
    bindparam("n", type_=Integer).label("n"),
    literal("fixed", String).label("word"),
    bindparam("doc", type_=JSON).label("doc"),
    bindparam("flag", type_=Boolean).label("flag"),
    bindparam("at", type_=DateTime(timezone=True)).label("at"),
)
_PARAMS: dict[str, Any] = {"n": 7, "doc": {"a": [1, 2]}, "flag": True, "at": _AT}
_DIALECTS = [sqlite.dialect(), postgresql.psycopg.dialect()]


class _Row(NamedTuple):
    n: int
    word: str
    doc: dict[str, Any]
    flag: bool
    at: dt.datetime


def _pin(held: bool, internal: str) -> None:
    if not held:
        pytest.fail(
            f"SQLAlchemy {sqlalchemy.__version__} changed {internal}, which core.prepared.Prepared "
            "relies on; see the core.prepared docstring.",
            pytrace=False,
        )


@pytest.mark.parametrize("dialect", _DIALECTS, ids=lambda d: d.name)
def test_result_columns_give_names_types_and_processors(dialect: Any) -> None:
    """``_result_columns`` entries carry ``keyname`` and ``type``; types give processors."""
    compiled = _STATEMENT.compile(dialect=dialect)
    columns = getattr(compiled, "_result_columns", None)
    _pin(columns is not None, "SQLCompiler._result_columns")
    assert columns is not None
    _pin(all(hasattr(c, "keyname") and hasattr(c, "type") for c in columns),
         "the keyname/type fields of SQLCompiler._result_columns entries")
    _pin([c.keyname for c in columns] == list(_Row._fields), "_result_columns keynames")
    processors = [c.type._cached_result_processor(dialect, None) for c in columns]
    _pin(all(p is None or callable(p) for p in processors),
         "TypeEngine._cached_result_processor(dialect, coltype)")
    if dialect.name == "sqlite":  # SQLite hands JSON back as text: the processor decodes it
        decode = processors[2]
        _pin(decode is not None and decode('{"a": [1, 2]}') == {"a": [1, 2]},
             "the JSON result processor returned by _cached_result_processor")


@pytest.mark.parametrize("dialect", _DIALECTS, ids=lambda d: d.name)
def test_bind_processors_and_fixed_parameters(dialect: Any) -> None:
    """``_bind_processors`` maps parameter names; ``construct_params(_check=False)`` works."""
    compiled = _STATEMENT.compile(dialect=dialect)
    binds = getattr(compiled, "_bind_processors", None)
    _pin(isinstance(binds, dict), "SQLCompiler._bind_processors (a dict name -> processor)")
    assert isinstance(binds, dict)
    _pin(set(binds) <= set(compiled.binds), "the parameter names keying _bind_processors")
    if dialect.name == "sqlite":  # JSON goes to SQLite as text, encoded by its bind processor
        _pin("doc" in binds and binds["doc"]({"a": 1}) == '{"a": 1}',
             "the JSON bind processor in _bind_processors")
    try:
        fixed = compiled.construct_params(_check=False)
    except TypeError:
        fixed = None
    _pin(isinstance(fixed, dict) and "fixed" in fixed.values(),
         "SQLCompiler.construct_params(_check=False)")


def test_positional_order_for_qmark_dialects() -> None:
    """SQLite is positional and ``positiontup`` lists the parameters in ``?`` order."""
    dialect = sqlite.dialect()
    compiled = _STATEMENT.compile(dialect=dialect)
    _pin(dialect.positional is True, "Dialect.positional for SQLite")
    order = getattr(compiled, "positiontup", None)
    _pin(order is not None and len(order) == str(compiled).count("?"),
         "SQLCompiler.positiontup")


def test_prepared_rows_equal_session_execute(session: Session) -> None:
    """On each backend a Prepared row equals what ``session.execute`` returns."""
    expected = tuple(session.execute(_STATEMENT, _PARAMS).one())
    prepared = Prepared(_STATEMENT, _Row)
    row = prepared.first(session, _PARAMS)
    assert isinstance(row, _Row)
    assert tuple(row) == expected
    assert row == _Row(7, "fixed", {"a": [1, 2]}, True, row.at)
    assert row.at.replace(tzinfo=row.at.tzinfo or dt.UTC) == _AT
    assert driver_dialect(session).name in {"sqlite", "postgresql"}


def test_untyped_rows_are_named_by_the_columns(session: Session) -> None:
    """Without a row type the rows are named tuples with the statement's column names."""
    row = Prepared(_STATEMENT).first(session, _PARAMS)
    assert row is not None
    assert (row.n, row.word, row.doc, row.flag) == (7, "fixed", {"a": [1, 2]}, True)


def test_a_row_type_that_does_not_match_fails_loudly(session: Session) -> None:
    """A row type with other fields than the statement's columns is refused on first use."""

    class Wrong(NamedTuple):
        n: int
        word: str

    with pytest.raises(RowTypeMismatch, match="Wrong has fields"):
        Prepared(_STATEMENT, Wrong).first(session, _PARAMS)


def test_driver_errors_surface_as_sqlalchemy_errors(session: Session) -> None:
    """A failing statement raises SQLAlchemy's DBAPIError (``DBAPIError.instance``), as
    ``session.execute`` would, so callers catch one family of errors."""
    broken = Prepared(select(sqlalchemy.func.no_such_function(1).label("x")))
    with pytest.raises(sqlalchemy.exc.DBAPIError) as caught:
        broken.rows(session, {})
    assert "no_such_function" in str(caught.value)


def test_a_savepoint_rolled_back_undoes_prepared_writes(session: Session) -> None:
    """Statements run by Prepared inside a savepoint are undone with it, also when the
    transaction already ran Prepared statements before the savepoint began (SQLAlchemy emits
    SAVEPOINT only when the connection is asked for inside it)."""
    from core.audit.models import AuditHead
    from core.events import savepoint

    head = Prepared(select(AuditHead.__table__.c.entries).where(AuditHead.__table__.c.id == 1))
    bump = Prepared(
        sqlalchemy.update(AuditHead.__table__)
        .where(AuditHead.__table__.c.id == 1)
        .values(entries=AuditHead.__table__.c.entries + 1)
    )
    bump.run(session, {})  # the connection is cached outside the savepoint first
    row = head.first(session, {})
    assert row is not None
    before = row[0]
    with pytest.raises(RuntimeError), savepoint(session):
        bump.run(session, {})
        raise RuntimeError("undo")
    with savepoint(session):  # one released keeps its write
        bump.run(session, {})
    assert head.first(session, {}) == (before + 1,)

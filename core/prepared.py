"""Hot-path statements compiled once and run straight on the DB-API cursor.

For the few statements on the pick-confirmation and locate hot paths, SQLAlchemy's
per-execution bookkeeping (cache-key generation, result-set metadata, ORM routing) costs
several times what SQLite spends running them. :class:`Prepared` compiles a Core statement
once per dialect and afterwards only binds parameters and builds rows.

To do that it reads compiled-statement internals that SQLAlchemy does not document as public:

- ``SQLCompiler._result_columns``: each result column's ``keyname`` (the row's field name) and
  ``type`` (to apply the column's result processing: JSON decoding, SQLite booleans);
- ``TypeEngine._cached_result_processor(dialect, coltype)``: that result processor;
- ``SQLCompiler._bind_processors``: parameter name -> bind processor (JSON encoding, datetimes);
- ``SQLCompiler.construct_params(_check=False)``: the statement's own literal parameters
  without requiring the caller's values;
- ``SQLCompiler.positiontup`` with ``Dialect.positional``: parameter order for ``?`` dialects.

``tests/core/db/test_prepared.py`` pins each of them, and a run against SQLite and
PostgreSQL compares :class:`Prepared` with a plain ``session.execute``; the version cap on
SQLAlchemy in ``pyproject.toml`` is the other guard. If an upgrade changes them, that test
names what moved; fix :meth:`Prepared._compile` before lifting the cap.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any, Generic, NamedTuple, TypeVar, overload

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

__all__ = [
    "Prepared", "RowTypeMismatch", "driver_dialect", "innermost_transaction", "insert_unless_taken",
]

RowT = TypeVar("RowT", bound=tuple[Any, ...])


class RowTypeMismatch(TypeError):
    """A row type's fields are not the statement's result columns, in order."""


class _Plan(NamedTuple):
    """A statement compiled for one dialect, with what it takes to run it on a raw cursor."""

    sql: str
    order: tuple[str, ...] | None  # parameter names in position order (qmark dialects)
    fixed: dict[str, Any]  # values of the statement's own literal parameters
    bind_processors: tuple[tuple[str, Any], ...]
    result_processors: tuple[Any, ...] | None
    row_type: Any  # the row class for SELECT/RETURNING rows


def innermost_transaction(session: Session) -> Any:
    """The session's current savepoint, else its transaction (None outside one): what is
    written now is undone with it. A cache of per-transaction state keys on this object."""
    return session.get_nested_transaction() or session.get_transaction()


def _driver_connection(session: Session) -> tuple[Any, Any]:
    """The DB-API connection and dialect of ``session``'s transaction, cached per transaction.

    ``session.connection()`` walks SQLAlchemy's transaction state machine on every call, which
    costs more than a hot-path statement; the cache is keyed on the innermost transaction
    object itself. Innermost, not the root: SQLAlchemy emits a savepoint's ``SAVEPOINT`` only
    when ``session.connection()`` is first asked for inside it, so a cache kept across a
    ``begin_nested()`` would run the statements outside the savepoint, and its rollback would
    undo none of them.
    """
    transaction = innermost_transaction(session)
    cached = session.info.get("facet_driver")
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1], cached[2]
    connection = session.connection()
    driver = connection.connection.driver_connection
    session.info["facet_driver"] = (innermost_transaction(session), driver, connection.dialect)
    return driver, connection.dialect


def driver_dialect(session: Session) -> Any:
    """The dialect of ``session``'s connection (cheaply, for hot paths; begins the transaction)."""
    return _driver_connection(session)[1]


class Prepared(Generic[RowT]):
    """A Core statement compiled once per dialect and run straight on the DB-API cursor.

    Parameters are scalars (no expanding IN lists); :meth:`run` returns the cursor, :meth:`rows`
    and :meth:`first` return rows with the columns' result processing (JSON, booleans) applied:
    instances of ``row`` (a NamedTuple whose fields are the result columns, in order) when
    given, else ad-hoc named tuples.
    """

    @overload
    def __init__(self: Prepared[Any], statement: Any) -> None: ...

    @overload
    def __init__(self, statement: Any, row: type[RowT]) -> None: ...

    def __init__(self, statement: Any, row: type[RowT] | None = None) -> None:
        self.statement = statement
        self._row = row
        self._by_dialect: dict[str, _Plan] = {}

    def _plan(self, dialect: Any) -> _Plan:
        plan = self._by_dialect.get(dialect.name)
        if plan is None:
            plan = self._by_dialect[dialect.name] = self._compile(dialect)
        return plan

    def _compile(self, dialect: Any) -> _Plan:
        compiled = self.statement.compile(dialect=dialect)
        result_processors = row_type = None
        if compiled._result_columns:
            columns = compiled._result_columns
            result_processors = tuple(
                c.type._cached_result_processor(dialect, None) for c in columns
            )
            row_type = self._row_type(tuple(c.keyname for c in columns))
        return _Plan(
            sql=str(compiled),
            order=tuple(compiled.positiontup) if dialect.positional else None,
            fixed=compiled.construct_params(_check=False),
            bind_processors=tuple(compiled._bind_processors.items()),
            result_processors=result_processors,
            row_type=row_type,
        )

    def _row_type(self, names: tuple[str, ...]) -> Any:
        if self._row is None:
            return namedtuple("PreparedRow", names, rename=True)
        fields = tuple(getattr(self._row, "_fields", ()))
        if fields != names:
            raise RowTypeMismatch(
                f"{self._row.__name__} has fields {fields}, the statement returns {names}."
            )
        return self._row

    def run(self, session: Session, params: dict[str, Any]) -> Any:
        """Execute with ``params`` in the session's transaction; returns the DB-API cursor."""
        driver, dialect = _driver_connection(session)
        plan = self._plan(dialect)
        values = {**plan.fixed, **params}
        for name, process in plan.bind_processors:
            if values.get(name) is not None:
                values[name] = process(values[name])
        cursor = driver.cursor()
        try:
            cursor.execute(
                plan.sql,
                [values[name] for name in plan.order] if plan.order is not None else values,
            )
        except dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy would raise it
            raise DBAPIError.instance(
                plan.sql, None, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        return cursor

    def rows(self, session: Session, params: dict[str, Any]) -> list[RowT]:
        """Every result row (column names as in the statement)."""
        cursor = self.run(session, params)
        plan = self._plan(_driver_connection(session)[1])
        processors, make = plan.result_processors, plan.row_type
        assert processors is not None, "rows() needs a statement that returns rows"
        return [
            make(*(p(v) if p is not None else v for p, v in zip(processors, raw, strict=True)))
            for raw in cursor.fetchall()
        ]

    def first(self, session: Session, params: dict[str, Any]) -> RowT | None:
        """The first result row, or None."""
        found = self.rows(session, params)
        return found[0] if found else None


def insert_unless_taken(
    table: Table, columns: tuple[str, ...], unique: list[str]
) -> dict[str, Prepared[Any]]:
    """Per dialect name, an INSERT of ``columns`` (bound by name) that inserts nothing when the
    ``unique`` key is taken (``ON CONFLICT DO NOTHING``) and returns the new row's id otherwise:
    a concurrent twin is read back afterwards instead of failing the transaction."""
    return {
        name: Prepared(
            insert(table)
            .values({column: bindparam(column) for column in columns})
            .on_conflict_do_nothing(index_elements=unique)
            .returning(table.c.id)
        )
        for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
    }

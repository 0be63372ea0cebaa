"""Leases: acquire, renew, expiry, takeover, release, and a race won by exactly one session."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from core import Database
from core.errors import ValidationFailed
from core.leases import holder_of, leases, release, renew, try_acquire

T0 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _acquire(db: Database, holder: str, at: datetime, name: str = "camera-group:a") -> bool:
    with db.write() as session:
        return try_acquire(session, name=name, holder=holder, ttl_s=6, at=at)


def test_a_free_lease_is_taken_and_kept_by_its_holder(lease_db: Database) -> None:
    assert _acquire(lease_db, "one", _at(0))
    assert not _acquire(lease_db, "two", _at(1))
    assert _acquire(lease_db, "one", _at(2))  # already ours: extended, first take kept
    with lease_db.read() as session:
        info = holder_of(session, name="camera-group:a", at=_at(3))
    assert info is not None and info.holder == "one"
    assert info.acquired_at == _at(0) and info.expires_at == _at(8)


def test_renew_extends_only_the_holders_lease(lease_db: Database) -> None:
    assert _acquire(lease_db, "one", _at(0))
    with lease_db.write() as session:
        assert renew(session, name="camera-group:a", holder="one", ttl_s=6, at=_at(5))
        assert not renew(session, name="camera-group:a", holder="two", ttl_s=6, at=_at(5))
        assert not renew(session, name="camera-group:none", holder="one", ttl_s=6, at=_at(5))
    assert not _acquire(lease_db, "two", _at(10))  # renewed at 5: lives to 11
    with lease_db.read() as session:
        assert holder_of(session, name="camera-group:a", at=_at(10.5)) is not None
        assert holder_of(session, name="camera-group:a", at=_at(11.5)) is None


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(
    lease_db: Database,
) -> None:
    assert _acquire(lease_db, "one", _at(0))
    assert _acquire(lease_db, "two", _at(7))  # one stopped renewing: expired at 6
    with lease_db.write() as session:
        assert not renew(session, name="camera-group:a", holder="one", ttl_s=6, at=_at(8))
    with lease_db.read() as session:
        info = holder_of(session, name="camera-group:a", at=_at(8))
    assert info is not None and info.holder == "two" and info.acquired_at == _at(7)


def test_release_frees_the_lease_for_the_next(lease_db: Database) -> None:
    assert _acquire(lease_db, "one", _at(0))
    with lease_db.write() as session:
        assert not release(session, name="camera-group:a", holder="two")
        assert release(session, name="camera-group:a", holder="one")
    assert _acquire(lease_db, "two", _at(1))


def test_leases_lists_live_leases_by_prefix(lease_db: Database) -> None:
    assert _acquire(lease_db, "one", _at(0), name="camera-group:a")
    assert _acquire(lease_db, "two", _at(0), name="camera-group:b_%")
    assert _acquire(lease_db, "one", _at(0), name="other:x")
    with lease_db.read() as session:
        live = leases(session, prefix="camera-group:", at=_at(1))
        assert leases(session, prefix="camera-group:b_", at=_at(1))[0].holder == "two"
        assert leases(session, prefix="camera-group:", at=_at(7)) == []
    assert [(x.name, x.holder) for x in live] == [
        ("camera-group:a", "one"),
        ("camera-group:b_%", "two"),
    ]


def test_bad_arguments_are_refused_with_a_code(lease_db: Database) -> None:
    with lease_db.write() as session, pytest.raises(ValidationFailed) as error:
        try_acquire(session, name="x", holder="one", ttl_s=0)
    assert error.value.code == "bad-lease-ttl"


@pytest.mark.parametrize("expired", [False, True], ids=["free", "expired"])
def test_racing_sessions_get_exactly_one_winner(lease_db: Database, expired: bool) -> None:
    for round_ in range(8):
        name = f"race:{round_}"
        if expired:  # a dead holder's lease, long expired
            assert _acquire(lease_db, "dead", _at(-60), name=name)
        barrier = threading.Barrier(4)
        won: list[str] = []

        def contend(
            holder: str,
            name: str = name,
            barrier: threading.Barrier = barrier,
            won: list[str] = won,
        ) -> None:
            barrier.wait()
            if _acquire(lease_db, holder, _at(0), name=name):
                won.append(holder)

        threads = [threading.Thread(target=contend, args=(f"p{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1, won
        with lease_db.read() as session:
            info = holder_of(session, name=name, at=_at(1))
        assert info is not None and info.holder == won[0]

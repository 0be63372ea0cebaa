"""Sign-in under guessing (issue 13): failed attempts are limited per username and per
address (429 ``too-many-attempts`` with ``Retry-After``), counted in memory or in Redis shared
by several workers; a failure takes as long for an unknown name as for a known one; and
Argon2 runs on the sign-in pool, not on the threads that serve the rest of the API."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import threading
import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core import CoreSettings, Database
from core.api_deps import context_of
from core.errors import AuthError
from core.people.service import authenticate
from core.people.signin import AUTH_NICENESS, REFUSAL_DELAY_S
from tests.builders import PASSWORD
from tests.core.api.test_api_core import error_code, seed
from web.app import Settings, create_app

KEY = "limits-test-signing-key-" * 2
USERS = {"ada": "admin", "cleo": "clerk", "mia": "manager"}


def _app(db_url: str, **core: Any) -> TestClient:
    settings = Settings(core=CoreSettings(database_url=db_url, secret_key=KEY, **core))
    return TestClient(create_app(settings))


def _sign_in(c: TestClient, username: str, password: str = PASSWORD) -> Any:
    return c.post("/api/auth/token", data={"username": username, "password": password})


@pytest.fixture
def seeded(db: Database, db_url: str) -> str:
    seed(db, users=USERS)
    return db_url


def test_wrong_passwords_for_a_user_are_limited(seeded: str) -> None:
    """30 wrong passwords in 5 s used to be checked one after another, unthrottled."""
    with _app(seeded, sign_in_limit_per_user="3/minute") as c:
        for _ in range(3):
            assert error_code(_sign_in(c, "cleo", "guess")) == "bad-credentials"
        started = time.monotonic()
        limited = _sign_in(c, "cleo", "guess")
        assert (limited.status_code, error_code(limited)) == (429, "too-many-attempts")
        assert time.monotonic() - started >= REFUSAL_DELAY_S  # held: a guesser cannot flood
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert "wait" in limited.json()["error"]["message"]
        # While limited even the right password is refused; other people still sign in.
        assert _sign_in(c, "cleo").status_code == 429
        assert _sign_in(c, "CLEO ").status_code == 429  # the same name, spelt otherwise
        assert _sign_in(c, "mia").status_code == 200


def test_successful_sign_ins_are_not_counted(seeded: str) -> None:
    with _app(seeded, sign_in_limit_per_user="2/minute") as c:
        for _ in range(5):
            assert _sign_in(c, "cleo").status_code == 200


def test_guesses_from_one_address_are_limited_across_names(seeded: str) -> None:
    with _app(seeded, sign_in_limit_per_address="4/minute") as c:
        for name in ("a1", "a2", "cleo", "a4"):
            assert _sign_in(c, name, "guess").status_code == 401
        limited = _sign_in(c, "mia")
        assert (limited.status_code, error_code(limited)) == (429, "too-many-attempts")
        assert "your address" in limited.json()["error"]["message"]


def test_wrong_current_passwords_count_too(seeded: str) -> None:
    with _app(seeded, sign_in_limit_per_user="2/minute") as c:
        token = _sign_in(c, "cleo").json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = {"current_password": "guess", "new_password": "a-new-secret-1"}
        for _ in range(2):
            assert c.post("/api/me/password", json=body, headers=headers).status_code == 422
        limited = c.post("/api/me/password", json=body, headers=headers)
        assert (limited.status_code, error_code(limited)) == (429, "too-many-attempts")


def _redis_url() -> str:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379"


def test_workers_share_the_count_through_redis(seeded: str) -> None:
    """Two apps (as two workers) on one Redis: failures at one count at the other."""
    url, name = _redis_url(), f"guess-{uuid.uuid4().hex[:12]}"
    limits = {
        "rate_limit_storage_url": url,
        "sign_in_limit_per_user": "3/minute",
        "sign_in_limit_per_address": "1000/minute",  # Redis outlives the test: not the address
    }
    with _app(seeded, **limits) as one, _app(seeded, **limits) as two:
        assert _sign_in(one, name, "x").status_code == 401
        assert _sign_in(two, name, "x").status_code == 401
        assert _sign_in(one, name, "x").status_code == 401
        limited = _sign_in(two, name, "x")
        assert (limited.status_code, error_code(limited)) == (429, "too-many-attempts")
        assert int(limited.headers["Retry-After"]) >= 1


def _median_failure_s(db: Database, username: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        with db.read() as session:
            start = time.perf_counter()
            with pytest.raises(AuthError):
                authenticate(session, username=username, password="wrong-guess")
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_an_unknown_name_fails_as_slowly_as_a_known_one(
    production_argon2: None, db: Database, seeded: str
) -> None:
    """It used to answer in 3 ms for an unknown name and 162 ms for a known one."""
    _median_failure_s(db, "cleo", 2)  # warm up
    known, unknown, inactive = [], [], []
    for _ in range(3):  # interleaved, so a busy moment of the machine hits all three
        known.append(_median_failure_s(db, "cleo", 5))
        unknown.append(_median_failure_s(db, "nobody-here", 5))
        inactive.append(_median_failure_s(db, "system", 5))
    k, u, i = (statistics.median(x) for x in (known, unknown, inactive))
    assert 0.4 < u / k < 2.5, (k, u)
    assert 0.4 < i / k < 2.5, (k, i)


def _thread_and_niceness() -> tuple[str, int | None]:
    niceness = (
        os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        if hasattr(os, "getpriority")
        else None
    )
    return threading.current_thread().name, niceness


def test_password_checks_run_on_the_niced_sign_in_pool(seeded: str) -> None:
    """Argon2 used to run on the threads that serve every request; now on its own small pool
    whose threads run at a lower CPU priority (Linux), and a refused guess never reaches it."""
    with _app(seeded, auth_threads=1, sign_in_limit_per_user="1/minute") as c:
        assert _sign_in(c, "cleo").status_code == 200
        sign_ins = context_of(c.app).sign_in_guard  # type: ignore[arg-type]
        name, niceness = asyncio.run(sign_ins.run(_thread_and_niceness))
        assert name.startswith("facet-auth")
        assert niceness in (AUTH_NICENESS, None)
        assert _sign_in(c, "mia", "guess").status_code == 401
        sign_ins.close()  # a stopped pool: a refused guess must still be answered
        refused = _sign_in(c, "mia", "guess")
        assert (refused.status_code, error_code(refused)) == (429, "too-many-attempts")

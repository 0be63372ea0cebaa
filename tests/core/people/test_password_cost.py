"""The app hashes passwords with Argon2's production parameters (the tests' processes use cheap
ones, see tests/conftest.py): checked in a fresh interpreter that never loaded the tests."""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher


def test_the_app_hashes_with_argon2_production_parameters() -> None:
    made = subprocess.run(
        [sys.executable, "-c",
         "from core.people.security import hash_password; print(hash_password('a long one'))"],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout.strip()
    library = PasswordHasher()
    assert made.startswith("$argon2id$")
    assert f"m={library.memory_cost},t={library.time_cost},p={library.parallelism}" in made
    assert library.memory_cost >= 65536 and library.time_cost >= 3

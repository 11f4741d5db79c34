"""Test configuration shared by the suite."""

from __future__ import annotations

from hypothesis import settings

# Deterministic property tests: the same examples on every machine and run, no timing
# deadline (CI machines are small and busy), and no example database written to the tree.
settings.register_profile("dsot", deadline=None, database=None, derandomize=True, print_blob=True)
settings.load_profile("dsot")

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis: "ci" is derandomised (the same examples on every run, so a red CI run is reproducible
# and never flaky), loaded when the CI environment variable is set; "dev" keeps the random search
# that finds new cases. Tests set their own max_examples; the profile gives the rest.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev")
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/ from the current output (then read the diff before committing).",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def sample_results():
    """Each sample repaired once per test session (the repair is deterministic)."""
    from docrepair import repair_file

    return {path.name: repair_file(path) for path in SAMPLES}

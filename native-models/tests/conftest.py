import sys
from pathlib import Path

import pytest

NATIVE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(NATIVE))

from train.data import default_data_dir  # noqa: E402


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = default_data_dir()
    if not (path / "tatoeba").is_dir():
        pytest.skip(f"shared data folder not found at {path} (set XLIR_DATA_DIR)")
    return path

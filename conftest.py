import os

os.environ.setdefault("DUBAN_TESTING", "1")

import pytest


@pytest.fixture
def personas(db):
    from testing.personas import Personas

    return Personas()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_make_parametrize_id(config, val, argname):
    """Bytes parameters (file contents, often zips stamped with the time) get stable short ids,
    so every pytest-xdist worker collects the same test names."""
    if isinstance(val, bytes | bytearray):
        return f"{argname}{len(val)}b"
    return None

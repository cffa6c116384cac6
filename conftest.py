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

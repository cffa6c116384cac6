import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Reset-mail counters live in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()

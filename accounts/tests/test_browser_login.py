"""End to end: a person logs in through the real page in headless Chromium."""

import os

import pytest

from testing.browser import chromium_page
from testing.personas import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.browser
def test_login_through_the_real_page(live_server, transactional_db, tmp_path):
    from testing.personas import Personas

    Personas()
    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        assert "登录" in page.title()
        page.fill("#id_username", "lead_clerk")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=whoami]")
        assert "发改委联络员" in page.inner_text("[data-testid=whoami]")
        page.screenshot(path=str(tmp_path / "after-login.png"), full_page=True)
    assert (tmp_path / "after-login.png").stat().st_size > 0

"""Playwright for Python driving Debian's Chromium (never a downloaded browser)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

from .services import require_chromium

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium for tests that open several pages (one per persona)."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright runs use a connection of Playwright's context.
            connections.close_all()


def login_page(browser, live_server, username: str, password: str):
    """A new page in its own context, logged in through the real login form."""
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")
    return page


@contextmanager
def chromium_page(**context_options) -> Iterator:
    """One page in a fresh headless Chromium, for single-person flows."""
    with chromium() as browser:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, **context_options)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()

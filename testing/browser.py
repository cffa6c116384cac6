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
def chromium_page(**context_options) -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, **context_options)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # ORM calls made while Playwright runs use a connection of Playwright's context:
            # close it here, or PostgreSQL refuses to drop the test database after the session.
            connections.close_all()

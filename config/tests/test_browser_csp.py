"""The main pages in headless Chromium under the production CSP: no violation, htmx still posts.

Chromium reports every blocked inline script, style attribute or eval as a console error and a
`securitypolicyviolation` event; both are collected on every page."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from testing.browser import chromium, login_page
from testing.personas import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "002_5dcddffe22301220.txt"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(WATCH)
    return errors


def violations(page, errors) -> list[str]:
    found = page.evaluate("window.__cspViolations")
    csp_errors = [e for e in errors if "Content Security Policy" in e or "Refused to" in e]
    return found + csp_errors


@pytest.mark.browser
def test_main_pages_raise_no_csp_violation(live_server, transactional_db):
    from documents import services as document_services
    from tasks import services
    from testing.personas import Personas
    from units.registry import load_registry

    p = Personas()
    load_registry()
    document = document_services.import_upload(SimpleUploadedFile(SEED.name, SEED.read_bytes()), p.supervisor)
    task = services.create_task(
        p.supervisor, text="推进项目建设", lead_units=[p.lead_unit], support_units=[p.support_unit],
        deadline=dt.date(2026, 12, 31), source_document=document,
    )  # fmt: skip
    services.report_progress(
        p.support_clerk, task.assignments.get(unit=p.support_unit), progress="已推进", percent=40,
        files=[SimpleUploadedFile("现场.pdf", b"%PDF-1.4 evidence")],
    )  # fmt: skip
    pages = {
        "supervisor": [
            "/tasks/", "/tasks/my/", "/tasks/stats/", "/documents/", f"/documents/{document.pk}/",
            f"/documents/{document.pk}/review/", f"/tasks/{task.pk}/", f"/tasks/{task.pk}/edit/", "/units/",
            "/units/merge/", "/units/unresolved/", "/audit/", "/audit/?view=history", "/admin/",
        ],
        "support_clerk": ["/tasks/my/", "/tasks/", f"/tasks/{task.pk}/",
                          f"/tasks/assignments/{task.assignments.get(unit=p.support_unit).pk}/report/"],
    }  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        for who, urls in pages.items():
            page = login_page(browser, live_server, who, PASSWORD)
            errors = watch(page)
            for url in urls:
                page.goto(live_server.url + url)
                page.wait_for_load_state("networkidle")
                assert violations(page, errors) == [], f"{who} {url}"
            page.context.close()

        # htmx still posts (the CSRF header comes from the meta tag through static/js/duban.js).
        page = login_page(browser, live_server, "supervisor", PASSWORD)
        errors = watch(page)
        page.goto(f"{live_server.url}/documents/{document.pk}/review/")
        row = page.locator("tr[data-testid=item-row]").first
        row.locator("button", has_text="确认").click()
        page.wait_for_selector("tr[data-testid=item-row] [data-testid=item-state]:has-text('已确认')")
        assert violations(page, errors) == []
        # The audit page at desktop and phone width, for a person to look at.
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{live_server.url}/audit/")
        page.screenshot(path=str(ARTIFACTS / "audit-1366.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(ARTIFACTS / "audit-phone.png"), full_page=True)
        assert violations(page, errors) == []
        page.context.close()

"""Content-Security-Policy without 'unsafe-inline', Permissions-Policy, and templates that need neither."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("who", [None, "supervisor", "lead_clerk"])
@pytest.mark.parametrize("url_name", ["login", "tasks:ledger", "tasks:my_work", "documents:list", "units:list"])
def test_every_page_carries_a_strict_csp_and_a_permissions_policy(client, personas, who, url_name):
    if who:
        client.force_login(getattr(personas, who))
    response = client.get(reverse(url_name))
    assert response.status_code in (200, 302)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    policy = directives(csp)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "microphone=()" in permissions and "geolocation=()" in permissions
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_settings_carry_the_same_policy():
    """The policy does not depend on DEBUG: the production process loads the same middleware."""
    import subprocess
    import sys

    code = (
        "from django.conf import settings;"
        "print('csp.middleware.CSPMiddleware' in settings.MIDDLEWARE,"
        " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'],"
        " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['style-src'])"
    )
    env = {
        "DEBUG": "0", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "duban.example.gov.cn",
        "REDIS_URL": "redis://127.0.0.1:6379/13", "DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin",
    }  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "[\"'self'\"]", "[\"'self'\"]"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* handler"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on (needs eval)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"""href=["']/(?!/)"""), "hard-coded link (use {% url %})"),
]


def test_no_template_needs_unsafe_inline():
    """Every template of the project: the CSP above would block any of these."""
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted(ROOT.glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "\n".join(problems)


def test_htmx_sends_the_csrf_token_from_a_meta_tag(client, personas):
    client.force_login(personas.supervisor)
    html = client.get(reverse("tasks:ledger")).content.decode()
    assert 'name="csrf-token"' in html and "hx-headers" not in html
    assert "js/duban.js" in html
    script = (ROOT / "static" / "js" / "duban.js").read_text()
    assert "htmx:configRequest" in script and "X-CSRFToken" in script

"""The small things of issue 13, point 6: icons, similarity as a percentage, the review row's
deadline, scripts deferred, axe never loaded by a page, the 修改密码 link."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks import services
from units import services as unit_services


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def task(personas):
    return services.create_task(personas.supervisor, text="推进项目", lead_units=[personas.lead_unit])


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64  # the start of a real JPEG: evidence is checked by content


def test_evidence_has_a_vendored_svg_icon_not_an_emoji(client, personas, task):
    assignment = task.assignments.get()
    services.report_progress(
        personas.lead_clerk, assignment, progress="进展", percent=10, files=[SimpleUploadedFile("照片.jpg", JPEG)]
    )
    client.force_login(personas.lead_clerk)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "📎" not in page and "vendor/bootstrap-icons/paperclip.svg" in page and 'alt="附件"' in page


def test_similarity_is_a_percentage(client, personas):
    unit_services.record_unresolved("区发展改革局")
    client.force_login(personas.supervisor)
    page = client.get(reverse("units:unresolved")).content.decode()
    assert "相似度 " in page and "%）" in page
    assert "相似 0." not in page


def test_scripts_are_deferred_chart_js_only_on_stats_and_axe_nowhere(client, personas, task):
    client.force_login(personas.supervisor)
    for url in (reverse("tasks:ledger"), reverse("tasks:detail", args=[task.pk]), reverse("documents:list")):
        page = client.get(url).content.decode()
        assert 'bootstrap.bundle.min.js" defer' in page and 'htmx.min.js" defer' in page, url
        assert "chart.umd" not in page and "axe" not in page, url
    assert "chart.umd" in client.get(reverse("dashboard:index")).content.decode()


def test_every_page_offers_the_password_change(client, personas):
    client.force_login(personas.lead_clerk)
    page = client.get(reverse("tasks:my_work")).content.decode()
    assert f'<a class="nav-link" href="{reverse("password_change")}"' in page
    form = client.get(reverse("password_change")).content.decode()
    assert 'for="id_old_password"' in form and 'id="id_old_password"' in form

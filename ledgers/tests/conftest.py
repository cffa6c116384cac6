import datetime as dt
import io

import pytest
from openpyxl import load_workbook


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def document(db):
    from documents.models import SourceDocument

    return SourceDocument.objects.create(title="关于印发2026年重点工作任务责任分工的通知")


@pytest.fixture
def plan(personas, document):
    """Four tasks of one document under two levels of headings:
    1 and 2 led by 区发改委 (区工信局 supporting 1), 3 led by 区工信局, 4 led by 区教体局."""
    from tasks import services

    def make(number, section, text, lead, support=()):
        return services.create_task(
            personas.supervisor,
            text=text,
            number=number,
            section=section,
            deadline=dt.date(2026, 12, 31),
            source_document=document,
            lead_units=[lead],
            support_units=list(support),
        )

    p = personas
    return [
        make("1", "一、稳增长 / （一）扩大投资", "推进重点项目建设。", p.lead_unit, [p.support_unit]),
        make("2", "一、稳增长 / （一）扩大投资", "=SUM(A1:A3) 加快专项债券项目开工。", p.lead_unit),
        make("3", "一、稳增长 / （二）促进消费", "开展促消费活动。", p.support_unit),
        make("4", "二、惠民生", "落实义务教育“双减”。", p.other_unit),
    ]


def open_xlsx(data):
    """A workbook from bytes, a response or a path (full mode: merges, styles, print settings)."""
    if hasattr(data, "streaming_content"):
        data = b"".join(data.streaming_content)
    if isinstance(data, bytes):
        data = io.BytesIO(data)
    return load_workbook(data)


def table_rows(ws, first=4):
    """The rows below the header (row 3), as lists of values."""
    return [list(row) for row in ws.iter_rows(min_row=first, values_only=True)]


@pytest.fixture
def browser():
    """Headless Debian Chromium (testing.browser)."""
    from testing.browser import chromium

    with chromium() as browser:
        yield browser

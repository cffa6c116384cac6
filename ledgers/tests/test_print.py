"""The ledger as LibreOffice prints it: A4 landscape, several pages (skipped without LibreOffice)."""

import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from tasks import services


@pytest.mark.django_db
def test_the_ledger_prints_on_a4_landscape_pages(personas, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    for n in range(1, 41):
        services.create_task(
            personas.supervisor,
            text=f"第{n}项：推进重点项目建设，强化用地、资金等要素保障，确保按期开工。" * 2,
            section=f"{'一二三四'[n // 11]}、第{n // 11 + 1}部分",
            number=str(n),
            lead_units=[personas.lead_unit],
            support_units=[personas.support_unit],
        )
    source = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--all", "--out", str(source), stdout=open("/dev/null", "w"))  # noqa: SIM115
    command = [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)]  # fmt: skip
    subprocess.run(command, capture_output=True, timeout=120, check=False)
    pdf = (tmp_path / "ledger.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "LibreOffice wrote no page"
    assert all(round(float(w)) == 842 and round(float(h)) == 595 for w, h in boxes)  # A4 landscape
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 2 <= pages <= 10  # wrapped rows take their height; the width fits one page

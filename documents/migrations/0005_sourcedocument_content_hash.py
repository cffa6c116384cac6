"""SourceDocument.content_hash: the SHA-256 of the uploaded file, filled for existing rows.

Numbered 0005 to leave 0004 to the parallel real-documents work; the merge sets the dependency
on whichever migration precedes it. Copies of one file imported before the check existed keep
an empty hash except the oldest, so the unique constraint can be added; the oldest is the one
a new upload of that file is pointed to.
"""

import hashlib

from django.db import migrations, models


def fill_hashes(apps, schema_editor):
    """Hash every stored file still present, oldest document first; later copies stay empty."""
    SourceDocument = apps.get_model("documents", "SourceDocument")
    seen: set[str] = set()
    for document in SourceDocument.objects.exclude(file="").order_by("created", "id").iterator():
        digest = hashlib.sha256()
        try:
            with document.file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            continue
        value = digest.hexdigest()
        if value in seen:
            continue
        seen.add(value)
        SourceDocument.objects.filter(pk=document.pk).update(content_hash=value)


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_draftitem_provenance"), ("documents", "0004_reporting_schedule")]

    operations = [
        migrations.AddField(
            model_name="sourcedocument",
            name="content_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="文件指纹"),
        ),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="sourcedocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("content_hash", ""), _negated=True),
                fields=("content_hash",),
                name="unique_document_content_hash",
            ),
        ),
    ]

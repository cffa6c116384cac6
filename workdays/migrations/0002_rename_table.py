from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workdays", "0001_initial"),
        ("tasks", "0005_holidayoverride_to_workdays"),
    ]

    operations = [
        migrations.AlterModelTable(name="holidayoverride", table=None),
    ]

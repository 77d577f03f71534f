"""Create the four role groups (core.roles.ROLES) so a fresh database can assign them."""

from django.db import migrations

ROLE_NAMES = ("operator", "verifier", "editor", "admin")  # core.roles.ROLES at the time of writing


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_topicsetting"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]

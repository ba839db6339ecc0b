"""The first assessment's deadline moves from ASSESSMENT_OVERDUE's check threshold into the contact
policy (`first_assessment_days`), so the risk page and the check read one number. An administrator's
own threshold (if it was not the seeded 20 days) is carried into every version's base rule, so no
case's answer changes; the check's threshold is then cleared, as the check no longer reads it."""

import pghistory
from django.db import migrations

SEEDED_DAYS = 20


def move_threshold(apps, schema_editor):
    CheckDefinition = apps.get_model("inspections", "CheckDefinition")
    PolicyRule = apps.get_model("supervision", "PolicyRule")
    definition = CheckDefinition.objects.filter(kind="ASSESSMENT_OVERDUE").first()
    if definition is None:
        return
    with pghistory.context(migration="inspections.0003_first_assessment_days_in_the_policy"):
        if definition.threshold is not None and definition.threshold != SEEDED_DAYS:
            PolicyRule.objects.filter(is_base=True).update(first_assessment_days=definition.threshold)
        definition.threshold = None
        definition.threshold_unit = ""
        definition.save(update_fields=["threshold", "threshold_unit"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_check_definitions"),
        ("supervision", "0005_first_assessment_days"),
    ]

    operations = [migrations.RunPython(move_threshold, migrations.RunPython.noop)]

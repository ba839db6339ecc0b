"""Seed the registration (risk flag) types with nDelius register codes. Administrators can change
review periods and add types afterwards; this migration never overwrites an existing row."""

from django.db import migrations

# code, description, review period (months), complexity factor (tier), MAPPA
TYPES = [
    ("ADVP", "Domestic abuse perpetrator", 6, False, False),
    ("ADVV", "Domestic abuse victim", 6, False, False),
    ("REG30", "Domestic abuse history", 12, False, False),
    ("RCPR", "Child protection", 3, True, False),
    ("RCCO", "Child concerns", 3, True, False),
    ("RCHD", "Risk to children", 6, True, False),
    ("MAPP", "MAPPA", 6, False, True),
    ("RVHR", "Very high RoSH", 3, False, False),
    ("RHRH", "High RoSH", 6, False, False),
    ("RSTO", "Risk to staff", 6, False, False),
    ("RMDO", "Mental health issues", 6, True, False),
    ("ALSH", "Suicide or self-harm", 3, True, False),
    ("RVLN", "Vulnerability", 6, True, False),
    ("RVAD", "Adult at risk", 6, True, False),
    ("RPIR", "Public interest", 6, True, False),
    ("STRG", "Street gangs", 6, True, False),
    ("RTAO", "Terrorism", 6, True, False),
    ("IIOM", "Integrated offender management", 6, False, False),
    ("SPO", "Stalking", 6, False, False),
    ("PRC", "Probation Reset", 12, False, False),
    ("INLL", "Lifer or IPP", 12, False, False),
]


def add_types(apps, schema_editor):
    RegistrationType = apps.get_model("cases", "RegistrationType")
    for code, description, months, complexity, mappa in TYPES:
        RegistrationType.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "review_period_months": months,
                "is_complexity_factor": complexity,
                "is_mappa": mappa,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]

"""Indexes for case search at national scale (see docs/benchmarks.md for the before/after)."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import AddIndexConcurrently, TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: people stay writable while the indexes build

    dependencies = [("cases", "0002_registration_types")]

    operations = [
        TrigramExtension(),
        migrations.RemoveIndex(model_name="person", name="person_last_name_lower"),
        AddIndexConcurrently(
            "person", GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_name_trgm")
        ),
        AddIndexConcurrently(
            "person", GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_name_trgm")
        ),
        AddIndexConcurrently(
            "person", models.Index(OpClass(Upper("crn"), name="text_pattern_ops"), name="person_crn_upper_prefix")
        ),
    ]

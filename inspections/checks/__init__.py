"""The automated checks, one per flag kind (see docs/checks.md). Importing the package fills
`REGISTRY`: contact-policy checks, record checks, assessment/oversight/safeguarding checks, and the
kinds not available yet."""

from inspections.checks import assessments, contact_policy, pending, records  # noqa: F401 - they register themselves
from inspections.checks.registry import REGISTRY, Check, CheckFinding, ChunkContext

__all__ = ["REGISTRY", "Check", "CheckFinding", "ChunkContext"]

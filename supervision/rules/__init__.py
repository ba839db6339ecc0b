"""Supervision's pure rules, one module per subdomain: assessments (sections, bands, what changed,
when the review is due), compliance (counting failures, warnings before referral), tier, Probation
Reset, booking (the calendar's warnings) and outcomes. They take facts and return answers: no
database reads (those are in `supervision/queries/`), so each is tested table-driven or by property.
The contact policy's rules are their own package beside this one (`supervision/policy/`).
"""

"""Read models for supervision pages that span several records (dashboards)."""

"""Forms for the supervision pages, one module per area."""

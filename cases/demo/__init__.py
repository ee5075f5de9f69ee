"""Demo data: a realistic case history built through the real services (``flask demo seed``)."""

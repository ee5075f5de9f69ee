"""Pure Python rules: no Flask, no SQLAlchemy, no I/O; time and calendars are passed in."""

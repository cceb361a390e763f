"""The reports keep no tables of their own: every figure is computed from the cases and their
timelines (app.reports.stats), so nothing can go stale."""
__all__: list[str] = []

"""Deadline records (owned by the deadlines work; placeholder)."""
__all__: list[str] = []

"""Organisation tree."""

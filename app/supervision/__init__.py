"""supervision feature."""

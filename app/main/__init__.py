"""Home page, health check, language switch."""

"""Deadlines on the Vietnamese working-day calendar: rules, calendar, per-case deadlines."""

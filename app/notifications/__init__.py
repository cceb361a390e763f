"""Notifications for officers: an in-app inbox and email (immediately, a daily digest, or off), sent after the transaction commits."""
from app.cases.plugins import Feature

feature = Feature("notifications")


def register(app) -> None:
    feature.install(app)

"""The API under /api/v1: cases, letters, recommendations, documents and statistics for other systems, with per-user tokens and an OpenAPI document."""
from app.cases.plugins import Feature

feature = Feature("api")


def register(app) -> None:
    feature.install(app)

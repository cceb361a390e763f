"""The public portal: members and workers submit letters without a login and follow them with a receipt code and a secret."""
from app.cases.plugins import Feature

feature = Feature("portal")


def register(app) -> None:
    feature.install(app)

"""The owner's view of a background job: its progress and, when done, its file."""


def register(app) -> None:
    from app.jobs import routes

    app.register_blueprint(routes.bp)

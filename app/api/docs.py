"""The API's OpenAPI document and its docs page (Swagger UI), served offline: Swagger UI's
files come from the swagger-ui-bundle package, the page is initialised by our own script (the
CSP allows no inline script). Public, as the document describes the API and holds no data."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from app.api import errors

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
errors.register(bp)
KEY = "giamsat.api"

#: Swagger UI's React components set style attributes: its page alone allows inline styles.
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'")


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(current_app.extensions[KEY].spec.to_dict())


@bp.route("/docs")
def docs():
    response = current_app.make_response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.route("/docs/swagger-ui/<path:filename>")
def swagger_file(filename: str):
    response = send_from_directory(swagger_ui_path, filename, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response

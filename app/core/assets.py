"""Third-party files that every page loads, served from the pip packages that ship them.

No CDN (the CSP is 'self' and deployments may be offline) and no copy in the repository: the
date picker's flatpickr (MIT, vanilla JavaScript) comes from the ``starlette-admin`` package,
which vendors flatpickr 4.6.13 (the picker's last release). Only the files named in FILES are
served, under ``/assets/<name>``; they are public (the login page loads them too) and cacheable
like /static (app.PUBLIC_ENDPOINTS, app.STATIC_ENDPOINTS). Our own set-up of the picker is
app/static/datepicker.js.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Blueprint, abort, send_from_directory

#: Our name of each file -> (the package that ships it, its path inside the package).
FILES = {
    "flatpickr.js": ("starlette_admin", "static/js/vendor/flatpickr.min.js"),
    "flatpickr.css": ("starlette_admin", "static/css/vendor/flatpickr.min.css"),
}

bp = Blueprint("assets", __name__, url_prefix="/assets")


def _locate(package: str, path: str) -> Path:
    """The file's place in the installed package (the package itself is not imported)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {package!r} is missing: install giamsat with its "
                           "dependencies (pip install -e .)")
    found = Path(next(iter(spec.submodule_search_locations))) / path
    if not found.is_file():
        raise RuntimeError(f"{package} no longer ships {path}: pin the version that does in "
                           "pyproject.toml, or point app/core/assets.py at its new place")
    return found


#: name -> the file, resolved once: a missing package fails the start, not a page.
LOCATED = {name: _locate(*where) for name, where in FILES.items()}


@bp.get("/<name>")
def vendor(name: str):
    found = LOCATED.get(name)
    if found is None:
        abort(404)
    return send_from_directory(found.parent, found.name)


def register(app) -> None:
    app.register_blueprint(bp)

"""COMPILE_TEMPLATES_ON_START (on in production): every page template is compiled when the app
starts, so no user's request waits for one; off, they compile on first use."""
from __future__ import annotations

from pathlib import Path

from app import create_app
from config import ProductionConfig, TestConfig

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class Compiling(TestConfig):
    COMPILE_TEMPLATES_ON_START = True


def _compiled(app) -> set[str]:
    return {name for _loader, name in app.jinja_env.cache.keys()}


def test_every_template_is_compiled_at_start_when_asked():
    app = create_app(Compiling)
    on_disk = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")}
    assert len(on_disk) > 50
    assert on_disk <= _compiled(app)
    # A page served afterwards renders from what was compiled.
    with app.test_client() as client:
        assert "giamsat" in client.get("/login").get_data(as_text=True)


def test_templates_compile_on_first_use_otherwise_and_production_compiles_them():
    assert _compiled(create_app(TestConfig)) == set()
    assert ProductionConfig.COMPILE_TEMPLATES_ON_START is True

"""An administrator of the top unit: the national rule table and calendar are theirs alone
(the world's `admin` administers a province)."""
import pytest

from app.auth.services import create_user
from tests.factories import password_hash
from workflows.vocab import ADMIN


@pytest.fixture
def national_admin(db, world):
    user = create_user("national_admin", "Quản trị Tổng Liên đoàn", None,
                       [(ADMIN, world.orgs["tld"])], password_hash=password_hash())
    db.session.flush()
    return user

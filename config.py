"""Configuration classes; every setting can come from the environment."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'giamsat.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: PostgreSQL session settings applied on connect (app.core.database): a web request's
    #: statement fails after this long (below gunicorn's 30 s timeout; 0: no limit; command-line
    #: jobs never have one), parallel workers per query (0 on a 2-core server), and the time an
    #: abandoned transaction may hold its locks.
    DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "20000"))
    DB_PARALLEL_WORKERS = int(os.environ.get("DB_PARALLEL_WORKERS", "0"))
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = int(
        os.environ.get("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", "60000"))
    #: Runs of a statement on a connection before psycopg prepares it (PostgreSQL then plans it
    #: once per connection); "off" behind a transaction-pooling PgBouncer without
    #: max_prepared_statements (docs/deployment.md).
    DB_PREPARE_THRESHOLD = os.environ.get("DB_PREPARE_THRESHOLD", "5")
    # PostgreSQL: ping a pooled connection before use only after this many seconds idle
    # (app.core.database.ping_idle_connections); 0 pings before every use.
    DB_PING_IDLE_SECONDS = int(os.environ.get("DB_PING_IDLE_SECONDS", "10"))
    REDIS_URL = os.environ.get("REDIS_URL", "")
    #: Background jobs (app.core.jobs): the RQ queue's name, a job's time limit on a worker,
    #: how long a finished job's file stays downloadable, and the case-list export size (an
    #: estimate) above which the export becomes a job instead of a direct download.
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "giamsat")
    JOB_TIMEOUT = int(os.environ.get("JOB_TIMEOUT", "3600"))
    JOB_RESULT_TTL = int(os.environ.get("JOB_RESULT_TTL", str(24 * 3600)))
    EXPORT_INLINE_MAX_ROWS = int(os.environ.get("EXPORT_INLINE_MAX_ROWS", "10000"))
    #: Key (urlsafe base64, 32 bytes) that encrypts denouncers' identities at rest.
    IDENTITY_KEY = os.environ.get("IDENTITY_KEY", "")

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    #: Strict-Transport-Security max-age; 0 sends none (production sends a year).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0"))
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: none). Set
    #: it behind a TLS proxy, or every login failure counts against the proxy's one address.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    BOOTSTRAP_SERVE_LOCAL = True

    #: Failed logins allowed per username and per client address before a temporary lockout.
    LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_FAILURES_PER_ADDRESS = os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50 per 15 minutes")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_STRATEGY = "moving-window"

    #: Whole-request cap; each attachment is further limited to 10 MB.
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    CASES_PER_PAGE = 25
    #: Days of notice the subject of a supervision gets before fieldwork (44/HD-TLĐ; configurable).
    SUPERVISION_NOTICE_DAYS = int(os.environ.get("SUPERVISION_NOTICE_DAYS", "15"))
    #: Days after fieldwork within which the draft report is due.
    SUPERVISION_REPORT_DAYS = int(os.environ.get("SUPERVISION_REPORT_DAYS", "7"))
    #: Notifications (app.notifications): email goes out only when MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "giamsat@localhost")
    #: The address of the staff pages, for links in emails (the request's when empty).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    #: The public portal (app.portal): the host name it alone answers on when set (the staff
    #: pages then 404 there), the proof-of-work's difficulty in leading zero bits, and the
    #: submissions and follow-up logins allowed per client address and per receipt code.
    PORTAL_HOST = os.environ.get("PORTAL_HOST", "")
    PORTAL_POW_BITS = int(os.environ.get("PORTAL_POW_BITS", "16"))
    PORTAL_SUBMIT_LIMIT = os.environ.get("PORTAL_SUBMIT_LIMIT", "5 per hour")
    PORTAL_FOLLOW_LIMIT_ADDRESS = os.environ.get("PORTAL_FOLLOW_LIMIT_ADDRESS", "30 per hour")
    PORTAL_FOLLOW_LIMIT_CODE = os.environ.get("PORTAL_FOLLOW_LIMIT_CODE", "10 per hour")
    #: Answers a sender may send on one letter (its receipt code).
    PORTAL_ANSWER_LIMIT_CODE = os.environ.get("PORTAL_ANSWER_LIMIT_CODE", "20 per day")
    #: API tokens (app.api): the longest life a token may be given.
    API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))
    #: The requests one API token may make (Flask-Limiter's storage: Redis when configured).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "1200 per minute")

    #: Compile every page template when the app starts (app.compile_templates) rather than on
    #: each worker's first request for it: 1-2 s at start instead of 0.1-0.4 s for the first
    #: user of each page after every restart. On in production.
    COMPILE_TEMPLATES_ON_START = _bool("COMPILE_TEMPLATES_ON_START", False)

    #: Days an addressee has to answer a recommendation before it is overdue.
    RECOMMENDATION_REPLY_DAYS = int(os.environ.get("RECOMMENDATION_REPLY_DAYS", "20"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    IDENTITY_KEY = "PPOrA1eG9Ye2A0KpIisiKb2E5JNXSa5RJgI4BipiCHM="
    #: Each test process counts failed logins on its own (conftest resets them per test).
    RATELIMIT_STORAGE_URI = "memory://"
    #: Jobs run inline unless a test points the app at Redis itself.
    REDIS_URL = ""
    #: No email unless a test starts its own SMTP sink; a cheap proof-of-work.
    MAIL_SERVER = ""
    PORTAL_POW_BITS = 8


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    COMPILE_TEMPLATES_ON_START = _bool("COMPILE_TEMPLATES_ON_START", True)

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a missing or default secret."""
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEFAULT_SECRET_KEY or len(key) < 16:
            raise RuntimeError(
                "SECRET_KEY must be set to a long random value in production "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        keys = [k.strip() for k in os.environ.get("IDENTITY_KEY", "").split(",") if k.strip()]
        if not keys:
            raise RuntimeError("IDENTITY_KEY must be set in production (a Fernet key).")
        from cryptography.fernet import Fernet

        for key in keys:
            try:
                Fernet(key)
            except ValueError as exc:
                raise RuntimeError(
                    "IDENTITY_KEY is not a valid Fernet key (python -c 'from cryptography.fernet "
                    "import Fernet; print(Fernet.generate_key().decode())').") from exc


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}

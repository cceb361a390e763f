"""The reports' background jobs: a large case-list export, and the statistics refresh that
cron queues (`flask jobs enqueue stats_refresh`)."""
from flask_babel import lazy_gettext as _l

from app.core.jobs import JobFailed, Progress, register_job
from app.reports import exports


def refresh_statistics(progress: Progress, **params) -> None:
    """Recompute the stored figures of the dashboard and periodic reports
    (`stats.refresh_snapshots`, looked up when the job runs)."""
    from app.reports import stats

    refresh = getattr(stats, "refresh_snapshots", None)
    if refresh is None:
        raise JobFailed(_l("This version keeps no stored statistics to refresh."))
    refresh(progress=progress, **params)


register_job("cases_export", exports.export_cases, _l("Case list export"))
register_job("stats_refresh", refresh_statistics, _l("Statistics refresh"))

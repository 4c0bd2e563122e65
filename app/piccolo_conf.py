"""Piccolo's engine and app registry (found through PICCOLO_CONF, set in app/__init__.py): every domain's migrations."""

from piccolo.conf.apps import AppRegistry

from shared.engine import DB

APP_REGISTRY = AppRegistry(
    apps=[
        "tenants.piccolo_app",
        "shared.piccolo_app",
        "services.registry.piccolo_app",
        "services.programmes.piccolo_app",
        "services.mentoring.piccolo_app",
        "services.matching.piccolo_app",
        "services.monitoring.piccolo_app",
        "services.reports.piccolo_app",
        "services.school.piccolo_app",
        "services.certificates.piccolo_app",
        "services.certification.piccolo_app",
        "services.contests.piccolo_app",
        "services.public.piccolo_app",
        "services.cases.piccolo_app",
        "services.incentives.piccolo_app",
    ]
)

__all__ = ["APP_REGISTRY", "DB"]

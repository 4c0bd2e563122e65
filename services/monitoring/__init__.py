"""Monitoring: half-year periods and the organizations' reports, the influence assessments and satisfaction.

Other domains use only the names below (the curator certification counts reports on time); the routes and jobs
are composed by app/.
"""

from services.monitoring.logic import reports_on_time

__all__ = ["reports_on_time"]

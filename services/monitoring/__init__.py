"""Monitoring: half-year periods and the organizations' reports, the influence assessments and satisfaction.

Other domains use only the names below (the curator certification counts reports on time; a contest portfolio
shows a pair's results before and after); the routes and jobs are composed by app/.
"""

from services.monitoring.assessments import ScoreChange, score_change
from services.monitoring.logic import reports_on_time

__all__ = ["ScoreChange", "reports_on_time", "score_change"]

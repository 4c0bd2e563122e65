"""Monitoring: half-year periods and the organizations' reports, the influence assessments and satisfaction.

No other domain uses monitoring; its routes and jobs are composed by app/.
"""

__all__: list[str] = []

"""The read model: indicators and dashboards over every domain's tables, and cross-institution exports.

Other domains use only the names below; the routes are composed by app/, the rest is the domain's own.
"""

from services.reports.evidence import ContestLines
from services.reports.forgetting import forget_people
from services.reports.indicators import Period, Reach, current
from services.reports.programme_indicators import indicator_values
from services.reports.public_page import CountedIndicators, counted_indicators, public_page_version
from services.reports.rating import SOURCES as RATING_SOURCES
from services.reports.rating import Standing, count_region, rating_of
from services.reports.records import FormLine, Indicators, Satisfaction

__all__ = [
    "RATING_SOURCES",
    "ContestLines",
    "CountedIndicators",
    "FormLine",
    "Indicators",
    "Period",
    "Reach",
    "Satisfaction",
    "Standing",
    "count_region",
    "counted_indicators",
    "current",
    "forget_people",
    "indicator_values",
    "public_page_version",
    "rating_of",
]

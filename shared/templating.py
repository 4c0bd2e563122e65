"""The Jinja environment: the composition root names the template folders and adds its own filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from os import PathLike
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from shared import i18n
from shared.audit import shown_address
from shared.markup import markdown
from shared.settings import ROOT

Dirs = Sequence[Path | PathLike[Any] | str]
KERNEL_TEMPLATES = ROOT / "shared" / "templates"


def configure(engine: JinjaTemplateEngine, dirs: Dirs, filters: Mapping[str, Callable[..., Any]]) -> None:
    env: Environment = engine.engine
    env.loader = ChoiceLoader([FileSystemLoader(str(d)) for d in dirs])
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters["date"] = i18n.format_date
    env.filters["datetime"] = i18n.format_datetime
    env.filters["number"] = i18n.format_number
    env.filters["hours"] = i18n.format_hours
    env.filters["points"] = i18n.format_points
    env.filters["age"] = i18n.format_age
    env.filters["address"] = shown_address
    env.filters["markdown"] = markdown
    env.globals["plural"] = i18n.plural
    env.filters.update(filters)


def template_config(dirs: Dirs, filters: Mapping[str, Callable[..., Any]]) -> TemplateConfig[JinjaTemplateEngine]:
    """shared/templates first, then the given folders."""
    folders = [KERNEL_TEMPLATES, *dirs]
    return TemplateConfig(
        directory=folders, engine=JinjaTemplateEngine, engine_callback=partial(configure, dirs=folders, filters=filters)
    )

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from shared import i18n
from shared.settings import ROOT
from tenants.roles import ROLE_LABELS, Role


def template_dirs() -> list[Path | PathLike[Any] | str]:
    """shared/templates first, then each domain's templates/ folder."""
    dirs: list[Path | PathLike[Any] | str] = [ROOT / "shared" / "templates", ROOT / "tenants" / "templates"]
    dirs += sorted(p for p in (ROOT / "services").glob("*/templates") if p.is_dir())
    return dirs


def configure(engine: JinjaTemplateEngine) -> None:
    env: Environment = engine.engine
    env.loader = ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs()])
    env.autoescape = True
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters["date"] = i18n.format_date
    env.filters["datetime"] = i18n.format_datetime
    env.filters["number"] = i18n.format_number
    env.globals["plural"] = i18n.plural
    env.filters["age"] = i18n.format_age
    env.filters["role_label"] = lambda role: ROLE_LABELS.get(Role(role), role) if role else ""


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=template_dirs(), engine=JinjaTemplateEngine, engine_callback=configure)

"""The composition root: the only package that imports every domain (web app, worker, CLI, migrations)."""

import os

# Piccolo finds its engine and app registry through this module path.
os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")

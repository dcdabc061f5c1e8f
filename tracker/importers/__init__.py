"""Importers: each module defines a click ``command`` and, if it loads a file of
``shared/data``, a ``from_data_dir(session, data_dir, progress)`` with an
``ALL_ORDER`` number saying where it runs in ``tracker import all``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

_NOT_IMPORTERS = {"base", "http", "people", "runner"}


def importer_modules() -> list[ModuleType]:
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_IMPORTERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "command"):
            modules.append(module)
    return modules


def data_dir_importers() -> list[ModuleType]:
    """Importers that load a folder of files, in the order ``import all`` runs them."""
    found = [m for m in importer_modules() if hasattr(m, "from_data_dir")]
    return sorted(found, key=lambda m: m.ALL_ORDER)

"""Importers of other tools' SLO files, by the FORMAT `slogen import FORMAT` names (one module per format)."""

from types import ModuleType

from . import openslo, pyrra, sloth

IMPORTERS: dict[str, ModuleType] = {module.FORMAT: module for module in (openslo, pyrra, sloth)}

"""HTTP adapter over the classifier library: no classification logic lives here."""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]

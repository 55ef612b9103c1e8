"""Local development: ``make run``."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *

"""Local development and demonstration: ``make run``.

The demonstration is what officials see first, so it answers as the product does: Russian
error pages, not Django's technical ones (``DEBUG=1 make run`` for those). Static files are
served by WhiteNoise straight from the app folders, without collectstatic.
"""

import os

os.environ.setdefault("DEBUG", "0")
if os.environ["DEBUG"].strip().lower() in {"0", "false", "no", "off", ""}:
    # A key for this machine's demonstration only; production refuses to start without one.
    os.environ.setdefault("SECRET_KEY", "development-only-key-not-for-production")

from .base import *

# The demonstration data (load_demo_data) and the synthetic region (generate_region).
INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

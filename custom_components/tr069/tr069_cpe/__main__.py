"""``python -m tr069_cpe``: the headless runner (``scripts/cpe``)."""

import sys

from .runner import main

sys.exit(main())

"""`python -m figures ...`: see figures/cli/__init__.py."""

import sys

from figures.cli import main

sys.exit(main())

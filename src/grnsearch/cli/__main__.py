"""``python -m grnsearch.cli``."""

import sys

from grnsearch.cli.main import main

sys.exit(main())

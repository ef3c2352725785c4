"""``python -m kzpolicy`` runs the ``kzpolicy`` command."""
import sys

from .cli import main

sys.exit(main())

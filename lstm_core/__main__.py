"""python -m lstm_core: see lstm_core.cli."""

from lstm_core.cli import main

raise SystemExit(main())

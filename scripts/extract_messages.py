#!/usr/bin/env python3
"""Refresh src/kho/web/locale/{vi,en}/errors.po from the error messages and load-report reasons
in src/kho. Run it after adding or changing a `raise …Error(f"…", hint=…)`, then fill the empty
msgstr entries it lists in vi/errors.po. Usage: .venv/bin/python scripts/extract_messages.py
"""

import sys

from kho.errors_extract import main

if __name__ == "__main__":
    sys.exit(main())

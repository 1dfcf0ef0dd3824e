"""Athar's tests.

Bytecode is cached for Athar, for the test modules (which pytest rewrites for its asserts) and for
the `athar` commands the tests start, also where the environment sets PYTHONDONTWRITEBYTECODE (as
many containers do): every test worker otherwise compiled them all again, about 6 s of CPU each,
half of what collecting the tests costs. Set here because this package is imported before
tests/conftest.py and its imports of Athar.
"""

import os
import sys

sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

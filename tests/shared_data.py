"""Where the real vendor fixtures and the CRM sample live (`../shared/data` of the checkout).

VECTOROS_SHARED_DATA overrides it; a checkout elsewhere on this machine falls back to
/work/shared/data.
"""

import os
from pathlib import Path

from devtools.pg import ROOT_DIR


def _shared_data() -> Path:
    if configured := os.environ.get("VECTOROS_SHARED_DATA"):
        return Path(configured)
    beside_checkout = ROOT_DIR.parent / "shared" / "data"
    for candidate in (beside_checkout, Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    return beside_checkout


SHARED_DATA = _shared_data()

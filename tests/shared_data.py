"""Where the real vendor fixtures and the CRM sample live: `../shared/data` beside the checkout.

VECTOROS_SHARED_DATA points elsewhere (a checkout that is not beside `shared/`).
"""

import os
from pathlib import Path

from devtools.pg import ROOT_DIR

SHARED_DATA = Path(os.environ.get("VECTOROS_SHARED_DATA") or ROOT_DIR.parent / "shared" / "data")

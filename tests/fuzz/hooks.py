"""schemathesis hooks for `make fuzz` (loaded through SCHEMATHESIS_HOOKS by tests/fuzz/run.py).

Generated ids become the fuzzed workspace's real ones (FUZZ_IDS, a JSON object of id kind ->
id), so that cases reach the code behind the 404s; ids that are not ids stay as generated.
"""

import json
import os
from typing import Any

import schemathesis

from tests.backend.hardening.openapi_inputs import Ids, use_real_ids

IDS = Ids(json.loads(os.environ.get("FUZZ_IDS", "{}")))


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: Any, kwargs: dict[str, Any]) -> None:
    use_real_ids(case.method, case.path, case.path_parameters, case.body, IDS)

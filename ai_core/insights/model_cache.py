"""Trained win models, kept for a while by what they were trained on.

A workspace's closed deals change far less often than its forecast and deal pages are
opened, and training (with its backtest) on 20,000 closed deals takes a second or two of
CPU. The key is a digest of the training data and the stages, so any change retrains.
"""

import hashlib
import threading
from collections import OrderedDict

from ai_core.analytics import ClosedDeal, WinModel, train
from ai_core.insights.schemas import GenerateRequest

MAX_MODELS = 32

_models: OrderedDict[str, WinModel] = OrderedDict()
_lock = threading.Lock()


def trained(request: GenerateRequest, closed: list[ClosedDeal]) -> WinModel:
    """The model for this training data: from the cache, else trained and kept."""
    digest = hashlib.sha256()
    for part in (request.closed_deals, *request.stages):
        digest.update(part.model_dump_json().encode())
    key = f"{request.workspace_id}:{digest.hexdigest()}"
    with _lock:
        if key in _models:
            _models.move_to_end(key)
            return _models[key]
    model = train(closed)
    with _lock:
        _models[key] = model
        while len(_models) > MAX_MODELS:
            _models.popitem(last=False)
    return model


def clear() -> None:
    with _lock:
        _models.clear()

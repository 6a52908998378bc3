"""The AI core: analytics engine, insight writing and the chat agent, behind the backend."""

import os

# Before numpy loads: its BLAS would start a thread per core for the engine's small matrix
# products, and on a shared 2-core host those threads only fight the event loop and each
# other. An operator's explicit setting wins.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

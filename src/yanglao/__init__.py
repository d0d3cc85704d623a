"""yanglao: a county civil-affairs bureau's basic elderly-care service system (基本养老服务体系)."""

__version__ = "0.1.0"

import os

# Polars' allocator (jemalloc) hands freed pages back to the system within seconds and faults them in
# again for the next batch: a fifth of the bulk engine's time went to the kernel. Pages unused for a
# minute are still returned, so a long-running server does not keep its peak. Read once, when Polars
# is first imported (always after this package); an operator's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:60000,muzzy_decay_ms:60000")

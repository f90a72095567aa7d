"""The project's logger: load failures and model builds, one line each, so whoever runs the
server sees them outside the browser. Messages go to stderr unless the host application
configured the `product_health` logger itself; PRODUCT_HEALTH_LOG_LEVEL sets the level."""

from __future__ import annotations

import logging
import os

log = logging.getLogger("product_health")

if not log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s product-health %(levelname)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(os.environ.get("PRODUCT_HEALTH_LOG_LEVEL", "INFO").upper())
    log.propagate = False

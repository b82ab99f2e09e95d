"""The base library: static JavaScript (ES modules, no build step) served to hosts.

``host/`` is the native layer in the host page, ``logic/`` runs in the Web Worker, ``view/`` in each
page's sandboxed frame, ``common/`` is shared by the three.
"""

from pathlib import Path

RUNTIME_DIR = Path(__file__).parent

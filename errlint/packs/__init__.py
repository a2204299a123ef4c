"""Rule packs: SDK documentation turned into data (``rules/*.toml``), loaded into an immutable model.

- :mod:`.model`: the data classes (:class:`Pack`, :class:`ErrorSpec`, ...);
- :mod:`.reader` + :mod:`.schema`: a TOML file read and validated, every error one line naming the file and the key;
- :mod:`.wrappers`: ``[[retry_wrappers]]``; :mod:`.typescript`: the TypeScript names of classes, clients, methods;
- :mod:`.generations`: a pack's API generations and the choice of one for a file;
- :mod:`.versions`: version ranges (PEP 440 and npm's), without ``packaging``;
- :mod:`.registry`: every pack of a run and the class graph they form.

The rest of errlint imports packs from here.
"""
from __future__ import annotations

from .model import RETRY_POLICIES, AutoRetry, ErrorSpec, GlobalSetting, Irreversible, Pack, PackError, Policy, RetrySetting
from .registry import PackRegistry, assemble, bundled_pack_paths, bundled_rules_dir, load_packs, load_registry, packs_digest
from .schema import load_pack, resolve_client

__all__ = [
    "RETRY_POLICIES", "AutoRetry", "ErrorSpec", "GlobalSetting", "Irreversible", "Pack", "PackError", "PackRegistry",
    "Policy", "RetrySetting", "assemble", "bundled_pack_paths", "bundled_rules_dir", "load_pack", "load_packs", "load_registry",
    "packs_digest", "resolve_client",
]

"""Reads settings; ConfigError comes from errors.py, another file of the run."""
from __future__ import annotations

import os

from .errors import ConfigError


def port() -> int:
    try:
        value = os.environ["PORT"]
        return int(value)
    except ValueError:
        return 8080
    except ConfigError:
        raise
    except KeyError:
        return 8000

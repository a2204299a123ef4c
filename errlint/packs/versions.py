"""Package versions and version ranges, small and self-contained (``packaging`` is not a dependency).

What errlint needs of them: which API generation of an SDK a project declares
(``openai>=0.27,<1`` in pyproject.toml, ``openai==0.28.1`` in a requirements
file or a lock) and whether that range meets a generation's range in a pack
(``versions = "<1"``). A range is an :class:`Interval` of versions: the
specifiers of PEP 440 that bound it (``==``, ``===``, ``>=``, ``<=``, ``>``,
``<``, ``~=``, ``==1.2.*``) narrow it; ``!=`` only removes points and is
ignored (the answer stays an over-estimate of what is allowed, never an
under-estimate). A version is compared by its release numbers (missing ones
are zeros), then dev < alpha < beta < rc < final < post.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_VERSION = re.compile(
    r"^\s*v?(?:\d+!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:(?:-(?P<post_implicit>\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(?P<post_n>\d*)))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev_n>\d*))?"
    r"(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$",
    re.IGNORECASE,
)
_PRE_RANK = {"a": 1, "alpha": 1, "b": 2, "beta": 2, "c": 3, "rc": 3, "pre": 3, "preview": 3}
_WIDTH = 8  # release numbers compared after padding with zeros


@dataclass(frozen=True, order=True)
class Version:
    key: tuple  # (release padded with zeros, phase rank, phase number)
    text: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.text


def parse_version(text: str) -> Version | None:
    """A version (``1.2.3``, ``0.28.1``, ``2.0.0rc1``, ``1.0.post2``, ``3.0+local``), or None."""
    m = _VERSION.match(text)
    if m is None:
        return None
    release = tuple(int(p) for p in m.group("release").split("."))[:_WIDTH]
    release = release + (0,) * (_WIDTH - len(release))
    if m.group("pre"):
        phase = (_PRE_RANK[m.group("pre").lower()], int(m.group("pre_n") or 0))
    elif m.group("post_implicit") is not None or m.group("post_n") is not None:
        phase = (5, int(m.group("post_implicit") or m.group("post_n") or 0))
    else:
        phase = (4, 0)
    if m.group("dev_n") is not None and m.group("pre") is None and phase == (4, 0):
        phase = (0, int(m.group("dev_n") or 0))
    return Version((release, *phase), text.strip())


def _release(version: Version) -> tuple[int, ...]:
    return version.key[0]


def _bump(release: tuple[int, ...], index: int) -> Version:
    """The first version after every version whose release starts with ``release[:index + 1]``."""
    parts = list(release[: index + 1])
    parts[index] += 1
    padded = tuple(parts) + (0,) * (_WIDTH - len(parts))
    return Version((padded, 0, 0), ".".join(map(str, parts)) + ".dev0")  # before any pre-release of it


@dataclass(frozen=True)
class Interval:
    """Versions from ``low`` to ``high`` (None: unbounded), each bound included or not."""

    low: Version | None = None
    low_closed: bool = True
    high: Version | None = None
    high_closed: bool = False

    def contains(self, v: Version) -> bool:
        if self.low is not None and (v < self.low or (v == self.low and not self.low_closed)):
            return False
        if self.high is not None and (v > self.high or (v == self.high and not self.high_closed)):
            return False
        return True

    def intersect(self, other: Interval) -> Interval:
        low, low_closed = self.low, self.low_closed
        if other.low is not None and (low is None or other.low > low or (other.low == low and not other.low_closed)):
            low, low_closed = other.low, other.low_closed
        high, high_closed = self.high, self.high_closed
        if other.high is not None and (high is None or other.high < high or (other.high == high and not other.high_closed)):
            high, high_closed = other.high, other.high_closed
        return Interval(low, low_closed, high, high_closed)

    @property
    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (self.low == self.high and not (self.low_closed and self.high_closed))

    def meets(self, other: Interval) -> bool:
        return not self.intersect(other).empty


EVERY_VERSION = Interval()
_SPEC = re.compile(r"^\s*(===|==|!=|~=|>=|<=|>|<)\s*(\S+?)\s*$")


def parse_specifiers(text: str) -> Interval | None:
    """The versions a comma-separated list of specifiers allows (``">=1, <2"``), or None if it
    cannot be read. An empty text allows every version."""
    out = EVERY_VERSION
    for part in text.split(","):
        if not part.strip():
            continue
        m = _SPEC.match(part)
        if m is None:
            return None
        op, value = m.groups()
        if op == "!=":
            if parse_version(value.rstrip(".*")) is None:
                return None
            continue
        if op in ("==", "===") and value.endswith(".*"):
            v = parse_version(value[:-2])
            if v is None:
                return None
            length = len(value[:-2].split("."))
            out = out.intersect(Interval(v, True, _bump(_release(v), length - 1), False))
            continue
        v = parse_version(value)
        if v is None:
            return None
        if op in ("==", "==="):
            bound = Interval(v, True, v, True)
        elif op == ">=":
            bound = Interval(v, True, None)
        elif op == ">":
            bound = Interval(v, False, None)
        elif op == "<=":
            bound = Interval(None, True, v, True)
        elif op == "<":  # PEP 440: <1 allows no pre-release of 1 either
            bound = Interval(None, True, Version((_release(v), 0, 0), value) if v.key[1] == 4 else v, False)
        else:  # ~=: at least v, same release but for the last number given
            length = len(value.split("+")[0].split("."))
            if length < 2:
                return None
            bound = Interval(v, True, _bump(_release(v), length - 2), False)
        out = out.intersect(bound)
    return out


_NAME_NORMAL = re.compile(r"[-_.]+")


def normal_name(name: str) -> str:
    """A distribution name as PEP 503 compares them (``Open_AI`` -> ``open-ai``)."""
    return _NAME_NORMAL.sub("-", name.strip()).lower()


_OPTION = re.compile(r"\s-{1,2}[A-Za-z]")
_REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;@#]*)")


def parse_requirement(line: str) -> tuple[str, Interval] | None:
    """``(normalised name, allowed versions)`` of a requirement (``openai[datalib]>=0.27,<1 ; python_version>'3'``);
    None for what is not one (an option, a URL, a path, a bad specifier)."""
    line = _OPTION.split(line.split(" #", 1)[0], 1)[0].strip()  # options such as --hash=... end it
    if not line or line.startswith(("-", "#", ".", "/")) or "://" in line.split(";")[0] and "@" not in line:
        return None
    m = _REQUIREMENT.match(line)
    if m is None:
        return None
    spec = m.group("spec").strip()
    if spec.startswith("("):  # the old form: name (>=1,<2)
        spec = spec.strip("()")
    interval = parse_specifiers(spec)
    if interval is None:
        return None
    return normal_name(m.group("name")), interval


# -- npm's ranges (package.json) ---------------------------------------------------------------
_NPM_PART = re.compile(r"^(?P<op><=|>=|<|>|=|\^|~>?)?\s*v?(?P<ver>[0-9xX*]+(?:\.[0-9xX*]+){0,2})(?:[-+][0-9A-Za-z.+-]*)?$")


def _npm_simple(op: str, ver: str) -> Interval | None:
    """One comparator of an npm range (``^1.2``, ``~1.2.3``, ``>=2``, ``1.x``) as an interval."""
    parts: list[int] = []
    for p in ver.split("."):
        if p in ("x", "X", "*"):
            break
        parts.append(int(p))
    if not parts:
        return EVERY_VERSION if op in ("", "=", "^", "~", "~>", ">=", "<=") else None
    low = parse_version(".".join(map(str, parts)))
    if low is None:
        return None
    release = _release(low)
    partial = len(parts) < 3 or "x" in ver.lower() or "*" in ver
    if op in ("", "="):
        return Interval(low, True, _bump(release, len(parts) - 1), False) if partial else Interval(low, True, low, True)
    if op == "^":  # the first non-zero number stays
        first = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
        return Interval(low, True, _bump(release, min(first, len(parts) - 1)), False)
    if op in ("~", "~>"):
        return Interval(low, True, _bump(release, 0 if len(parts) == 1 else 1), False)
    if op == ">=":
        return Interval(low, True, None)
    if op == ">":
        return Interval(_bump(release, len(parts) - 1), True, None) if partial else Interval(low, False, None)
    if op == "<":
        return Interval(None, True, low, False)
    if op == "<=":
        return Interval(None, True, _bump(release, len(parts) - 1), False) if partial else Interval(None, True, low, True)
    return None


def parse_npm_range(text: str) -> Interval | None:
    """The versions an npm range allows (``^1.2.3``, ``~1.2``, ``>=1 <3``, ``1.x || 2.x``, ``1.2 - 2.3``, ``*``), as
    one interval: a union (``||``) becomes the interval that spans it (an over-estimate, never an under-estimate).
    None for what is no range of the registry's versions (``workspace:``, ``file:``, a URL, a git or npm alias)."""
    text = text.strip()
    if text in ("", "*", "latest", "x", "X"):
        return EVERY_VERSION
    if ":" in text or "/" in text:
        return None
    out: Interval | None = None
    for alternative in text.split("||"):
        alternative = alternative.strip()
        hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", alternative)
        if hyphen:
            a, b = _npm_simple(">=", hyphen.group(1).lstrip("v")), _npm_simple("<=", hyphen.group(2).lstrip("v"))
            if a is None or b is None:
                return None
            interval = a.intersect(b)
        else:
            interval = EVERY_VERSION
            for comparator in re.sub(r"(<=|>=|<|>|=|\^|~>?)\s+", r"\1", alternative).split():
                m = _NPM_PART.match(comparator)
                bound = _npm_simple(m.group("op") or "", m.group("ver")) if m else None
                if bound is None:
                    return None
                interval = interval.intersect(bound)
        out = interval if out is None else _span(out, interval)
    return out


def _span(a: Interval, b: Interval) -> Interval:
    """The smallest interval holding ``a`` and ``b``."""
    if a.empty:
        return b
    if b.empty:
        return a
    if a.low is None or b.low is None:
        low, low_closed = None, True
    elif a.low != b.low:
        low, low_closed = (a.low, a.low_closed) if a.low < b.low else (b.low, b.low_closed)
    else:
        low, low_closed = a.low, a.low_closed or b.low_closed
    if a.high is None or b.high is None:
        high, high_closed = None, False
    elif a.high != b.high:
        high, high_closed = (a.high, a.high_closed) if a.high > b.high else (b.high, b.high_closed)
    else:
        high, high_closed = a.high, a.high_closed or b.high_closed
    return Interval(low, low_closed, high, high_closed)

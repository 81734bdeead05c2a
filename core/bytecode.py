"""The workflow modules' bytecode, written once before a worker starts.

The workflow sandbox imports a workflow's module afresh for every workflow it creates (a new hazard, or one
evicted from the cache and woken by its timer). Without a `.pyc` beside the source (`PYTHONDONTWRITEBYTECODE=1`,
as on this machine and in the image, or a read-only checkout) every such import compiles the source again:
py-spy put that at 8 % of the simulation's CPU. The interpreter reads bytecode even when told not to write it.
"""

import compileall
from pathlib import Path

WORKFLOWS_DIR = Path(__file__).resolve().parent.parent / "workflows"


def compile_workflows(directory: Path = WORKFLOWS_DIR) -> bool:
    """Write `directory/__pycache__`; False where it cannot be written (each import then compiles: slower, correct)."""
    try:
        return bool(compileall.compile_dir(directory, maxlevels=0, quiet=2))
    except OSError:
        return False

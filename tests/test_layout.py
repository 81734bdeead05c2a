"""The layout shows the architecture: each package imports only packages on its own layer or below it.

The imports are read from the source (`ast`), every one of them: at module level, inside functions (a lazy
import reaches up as much as any other) and under `TYPE_CHECKING`. Tests, bench and scripts sit outside the
layers and may import anything.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import from its own layer and from the layers below it, never from one above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("models",),  # shared contracts, pure
    ("registry",),  # each process's actions declared once, and the refusals' words (data over models)
    ("domain",),  # pure rules
    ("core",),  # process plumbing: settings, db, logging, the Temporal connection, bytecode, the policies loader
    ("security",),  # passwords, tokens, OIDC, sign-in throttling, the contact cipher: they need only settings
    ("store",),  # the read model's persistence (it hashes passwords: above security), the demo data
    ("migrations",),  # the read model's schema history (a revision may use store)
    ("activities",),
    ("workflows",),  # workflows.registry lists the workflows for the worker and the replay
    ("audit",),  # histories, replay, export archives, signed checkpoints
    ("simulation",),
    # The use cases both doors call, and all they share: the caller (principal), the errors, the calls into
    # Temporal (gateway), the request and response shapes (schemas) and the responses built from the read model.
    ("services",),
    ("api",),  # the JSON door: routes and their HTTP plumbing (dependencies, exception handlers, middleware)
    ("web",),  # the web UI's door: pages over the services (and the API's request dependencies)
    # The processes' entry points: the worker, `make run`, the CLI, and the ASGI app that mounts the API and the UI.
    ("worker", "run", "cli", "app", "processes"),  # and the list of processes both read
)
EXEMPT = frozenset({"tests", "bench", "scripts"})


def layer_of(module: str) -> int | None:
    """The layer of a dotted module name (the most specific entry wins: `a.b` over `a`), None if outside."""
    best: tuple[int, int] | None = None  # (length of the entry, layer)
    for number, entries in enumerate(LAYERS):
        for entry in entries:
            if (module == entry or module.startswith(entry + ".")) and (best is None or len(entry) > best[0]):
                best = (len(entry), number)
    return best[1] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, module: str) -> list[tuple[int, str, str]]:
    """(line, the imported module, the statement) for every import in the file, relative ones resolved."""
    source = path.read_text(encoding="utf-8")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, ast.unparse(node)) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from api import main` imports api.main: judge each name as a submodule when it could be one
            found += [(node.lineno, f"{base}.{alias.name}" if alias.name != "*" else base, ast.unparse(node))
                      for alias in node.names]
    return found


def layered_files() -> list[Path]:
    files: list[Path] = []
    for entries in LAYERS:
        for entry in entries:
            path = ROOT / entry.replace(".", "/")
            if path.is_dir():
                files += sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
            elif path.with_suffix(".py").is_file():
                files.append(path.with_suffix(".py"))
    return sorted(set(files))


def top_level_names() -> set[str]:
    """The repository's own top-level packages and modules."""
    names = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    names |= {p.stem for p in ROOT.glob("*.py")}
    return names


def test_every_layer_exists_and_every_package_has_a_layer() -> None:
    for entries in LAYERS:
        for entry in entries:
            path = ROOT / entry.replace(".", "/")
            assert path.is_dir() or path.with_suffix(".py").is_file(), f"layer entry {entry!r} names nothing"
    unlayered = sorted(name for name in top_level_names() - EXEMPT if layer_of(name) is None)
    assert not unlayered, f"top-level packages or modules with no layer (add them to LAYERS): {unlayered}"


def test_no_package_imports_one_above_it() -> None:
    violations: list[str] = []
    for path in layered_files():
        module = module_name(path)
        own = layer_of(module)
        assert own is not None, module
        for line, target, statement in imported(path, module):
            theirs = layer_of(target)
            if theirs is not None and theirs > own:
                violations.append(
                    f"{path.relative_to(ROOT)}:{line}: {module} ({', '.join(LAYERS[own])}) imports {target} "
                    f"({', '.join(LAYERS[theirs])}), a layer above it: `{statement}`"
                )
    assert not violations, "imports that reach up a layer:\n" + "\n".join(violations)


def test_the_check_finds_an_import_that_reaches_up(tmp_path: Path) -> None:
    """A lower module importing a higher one, directly, lazily or through `from package import module`."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from core.settings import Settings\n"
        "def f():\n    from worker import WORKFLOWS\n"
        "from api import main\n"
        "import workflows.hazard\n",
        encoding="utf-8",
    )
    found = {target: layer_of(target) for _, target, _ in imported(sample, "store.sample")}
    own = layer_of("store.sample")
    assert own is not None
    above = sorted(t for t, n in found.items() if n is not None and n > own)
    assert above == ["api.main", "worker.WORKFLOWS", "workflows.hazard"]
    assert layer_of("app") == len(LAYERS) - 1 and layer_of("api.routes.audit") == layer_of("api.main") == layer_of("api")


def test_the_doors_sit_above_the_services_and_the_ui_above_the_api() -> None:
    services, api, web = layer_of("services.errors"), layer_of("api.deps"), layer_of("web.pages.hazard")
    assert services is not None and api is not None and web is not None
    assert services < api < web

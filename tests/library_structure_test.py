"""The library's shape, read from its source: imports, fit, construction."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "keras_attention"
# Function-level imports that stay, each with its reason.
FUNCTION_IMPORTS = {
    # A standalone script: it counts the graph's ops before and after
    # tensorflow-text registers its own.
    ("keras_attention/export/serving_client.py", "tensorflow_text"),
}


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def parsed_library():
    return {
        module_name(path): (path, ast.parse(path.read_text("utf-8")))
        for path in sorted(LIBRARY.rglob("*.py"))
    }


def calls(trees, predicate):
    """`[(module, line)]` of every call whose function passes `predicate`."""
    return [
        (name, node.lineno)
        for name, (_, tree) in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and predicate(node.func)
    ]


def scripts():
    return {
        module_name(path): (path, ast.parse(path.read_text("utf-8")))
        for folder in ("benchmarks", "training")
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def test_no_function_level_import():
    found = set()
    for path, tree in parsed_library().values():
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    names = [alias.name for alias in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    names = [inner.module]
                else:
                    continue
                relative = str(path.relative_to(ROOT))
                found.update((relative, name) for name in names)
    assert found == FUNCTION_IMPORTS


def test_no_import_cycle_between_modules():
    trees = parsed_library()
    graph = {}
    for name, (path, tree) in trees.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        imported = set()
        for node in tree.body:
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported.update(f"{node.module}.{a.name}" for a in node.names)
        edges = set()
        for target in imported & set(trees):
            edges.add(target)
            # Importing a module runs its packages' __init__ first, except
            # the packages this module is inside (already running).
            parts = target.split(".")
            for end in range(1, len(parts)):
                parent = ".".join(parts[:end])
                if not (package + ".").startswith(parent + "."):
                    edges.add(parent)
        graph[name] = edges - {name}
    cycles = []
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for child in sorted(graph[node]):
            if state.get(child) == "open":
                cycles.append(stack[stack.index(child) :] + [child])
            elif child not in state:
                visit(child, stack + [child])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_one_model_fit_in_the_library():
    def is_fit(func):
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "fit"
            and isinstance(func.value, ast.Name)
            and func.value.id == "model"
        )

    fits = calls({**parsed_library(), **scripts()}, is_fit)
    assert sorted(module for module, _ in fits) == [
        "benchmarks.tutorial_model",  # the TensorFlow tutorial's own model
        "keras_attention.task.stages",  # `train`
    ]


def test_one_translator_construction_site():
    def is_translator(func):
        name = func.attr if isinstance(func, ast.Attribute) else None
        name = func.id if isinstance(func, ast.Name) else name
        return name == "Translator"

    trees = {**parsed_library(), **scripts()}
    assert calls(trees, is_translator) == []
    # `Translator.from_config` is the one `cls(...)` of translator.py.
    translator = {"t": parsed_library()["keras_attention.decoding.translator"]}
    constructions = calls(
        translator, lambda f: isinstance(f, ast.Name) and f.id == "cls"
    )
    assert len(constructions) == 1


def test_run_directory_only_knows_files():
    _, tree = parsed_library()["keras_attention.task.run_directory"]
    modules = {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
    }
    modules |= {
        alias.name
        for node in tree.body
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert modules == {
        "json",
        "pathlib",
        "shutil",
        "keras_attention.atomic_write",
        "keras_attention.config",
    }


def test_the_memory_is_known_only_to_the_runner():
    trees = parsed_library()
    importers = sorted(
        name
        for name, (_, tree) in trees.items()
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and node.module == "keras_attention.decoding.translation_memory"
    )
    assert importers == [
        "keras_attention.decoding",
        "keras_attention.task.stages",
        "keras_attention.task.trainer",
    ]
    # The modules that translate, evaluate and export see a post-processor.
    for name in (
        "keras_attention.decoding.translator",
        "keras_attention.decoding.batch_translation",
        "keras_attention.export.saved_model_exporter",
        "keras_attention.task.loaded_model",
        "keras_attention.evaluation.evaluator",
        "keras_attention.evaluation.demo_report",
        "keras_attention.tuning.config_search",
        "keras_attention.tuning.config_hyper_model",
    ):
        _, tree = trees[name]
        names = {
            node.id if isinstance(node, ast.Name) else node.attr
            for node in ast.walk(tree)
            if isinstance(node, (ast.Name, ast.Attribute))
        }
        names |= {
            node.arg
            for node in ast.walk(tree)
            if isinstance(node, ast.keyword) and node.arg
        }
        assert not {n for n in names if "memory" in n.lower()} - {
            # The encoder outputs attention reads (`EncoderDecoder.encode`).
            "memory",
            "memory_mask",
        }, name

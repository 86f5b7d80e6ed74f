"""Every English message reconcile can print, read from its source with `ast` (tests/test_messages.py
checks each has a template in reconcile/data/messages.toml).

A message is the text given to an expected failure (ReconcileError and its subclasses; the problem
and the fix of an InputFileError or NotThisRole; click.UsageError, click.BadParameter), to click.echo
or click.confirm, to a run's on_notice, or a child process's {"problem": ..., "fix": ...}. Each is
read as templates: literal text with {} for each value formatted into it. A conditional expression
gives one template per branch; a module-level string constant is inlined. The text a value holds
(a local variable, a module-level dict's entry, what a helper of the module returns, the pieces a
join puts together) is read as a fragment template of its own, translated when the message is.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

HOLE = "\x00"  # a value's place while templates are built; {} in what is returned
ERRORS = {"ReconcileError", "InputFileError", "NotThisRole", "ConfigError", "DatabaseBusyError"}
CLICK_ERRORS = {"UsageError", "BadParameter"}
TWO_PART = {"InputFileError", "NotThisRole"}  # (path, problem, fix)
ECHOES = {"echo", "confirm", "secho"}
SAY = "say"  # reconcile.cli.group.say: click.echo of the text translated
NOTICES = {"on_notice", "RunWarning"}  # RunWarning: a warning told to on_notice, and stored
MAX_TEMPLATES = 64  # a message of more combinations than this is a bug in this reader


@dataclass(frozen=True)
class Found:
    file: str  # relative to the repository
    line: int
    role: str  # message, problem, fix, echo, notice, fragment
    text: str  # literal text with {} where a value goes


class _Module:
    def __init__(self, path: Path, root: Path):
        self.path = path
        self.name = str(path.relative_to(root))
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.constants: dict[str, ast.expr] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.constants[node.targets[0].id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                self.constants[node.target.id] = node.value
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions.setdefault(node.name, node)
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.found: list[Found] = []
        self._seen_fragments: set[int] = set()

    def function_of(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    # -- templates of an expression ---------------------------------------------------------------

    def alternatives(self, node: ast.expr, at: ast.AST) -> list[str]:
        """The templates `node` can give (HOLE for each value), recording the fragments it draws on."""
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) else [HOLE]
        if isinstance(node, ast.JoinedStr):
            parts = [self._part(v, at) for v in node.values]
            return self._product(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.alternatives(node.left, at), self.alternatives(node.right, at)
            return [HOLE] if left == right == [HOLE] else self._product([left, right])  # a sum is one value
        if isinstance(node, ast.IfExp):
            return self.alternatives(node.body, at) + self.alternatives(node.orelse, at)
        if isinstance(node, ast.Name):
            return self._name(node, at)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            table = self.constants.get(node.value.id)
            if isinstance(table, ast.Dict):  # a module-level dict of texts: each is a fragment
                for value in table.values:
                    self.fragment(value, at)
                return [HOLE]
        if isinstance(node, ast.Call):
            self._call(node, at)
            return [HOLE]
        for inner in ast.walk(node):  # a value computed some other way: the f-strings inside it
            if isinstance(inner, ast.JoinedStr) and inner is not node:
                self.fragment(inner, at)
        return [HOLE]

    def _part(self, value: ast.expr, at: ast.AST) -> list[str]:
        if isinstance(value, ast.Constant):
            return [str(value.value)]
        assert isinstance(value, ast.FormattedValue)
        if value.format_spec is not None:  # {n:,}: a number
            return [HOLE]
        return self.alternatives(value.value, at)

    def _name(self, node: ast.Name, at: ast.AST) -> list[str]:
        function = self.function_of(at)
        if function is not None:
            assigned = [
                a.value
                for a in ast.walk(function)
                if isinstance(a, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)
            ]
            params = {a.arg for a in (*function.args.args, *function.args.kwonlyargs, *function.args.posonlyargs)}
            if assigned or node.id in params:
                for value in assigned:
                    self.fragment(value, value)
                return [HOLE]
        constant = self.constants.get(node.id)
        if constant is not None and not isinstance(constant, ast.Dict | ast.List | ast.Tuple | ast.Set):
            return self.alternatives(constant, at)
        return [HOLE]

    def _call(self, node: ast.Call, at: ast.AST) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in self.functions:  # a helper of this module: what it returns
            for ret in ast.walk(self.functions[func.id]):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    self.fragment(ret.value, ret)
        if isinstance(func, ast.Attribute) and func.attr == "join":
            for arg in node.args:
                element = arg.elt if isinstance(arg, ast.GeneratorExp | ast.ListComp) else None
                if element is not None:
                    self.fragment(element, at)
        for arg in node.args:
            if isinstance(arg, ast.JoinedStr):
                self.fragment(arg, at)

    def _product(self, parts: list[list[str]]) -> list[str]:
        out = ["".join(combo) for combo in itertools.product(*parts)]
        assert len(out) <= MAX_TEMPLATES, out[:3]
        return list(dict.fromkeys(out))

    # -- recording ----------------------------------------------------------------------------------

    def record(self, node: ast.expr, role: str) -> None:
        for text in self.alternatives(node, node):
            self.found.append(Found(self.name, node.lineno, role, text))

    def fragment(self, node: ast.expr, at: ast.AST) -> None:
        if id(node) in self._seen_fragments:
            return
        self._seen_fragments.add(id(node))
        for text in self.alternatives(node, at):
            self.found.append(Found(self.name, node.lineno, "fragment", text))

    def scan(self) -> list[Found]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self._scan_call(node)
            elif isinstance(node, ast.Dict):
                keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
                if "problem" in keys and "fix" in keys:
                    self.record(node.values[keys.index("problem")], "problem")
                    self.record(node.values[keys.index("fix")], "fix")
        return self.found

    def _scan_call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        keywords = {k.arg: k.value for k in node.keywords}
        if name in TWO_PART:
            args = [*node.args, *(keywords[k] for k in ("path", "problem", "fix") if k in keywords)]
            self.record(args[1], "problem")
            self.record(args[2], "fix")
        elif name in ERRORS | CLICK_ERRORS and (node.args or "message" in keywords):
            self.record(node.args[0] if node.args else keywords["message"], "message")
        elif (name in ECHOES and isinstance(func, ast.Attribute) and _is_click(func.value) and node.args) or (
            name == SAY and isinstance(func, ast.Name) and node.args  # the CLI's echo in the current language
        ):
            self.record(node.args[0], "echo")
        elif name in NOTICES and node.args:
            self.record(node.args[0], "notice")


def _is_click(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "click"


CODE_LINE = re.compile(r"^\s*(reconcile [a-z]|select |#)")  # a command or query shown to copy, not prose


def lines(text: str) -> list[str]:
    """A template's lines that are prose, with {} for each value."""
    out = []
    for line in text.replace(HOLE, "{}").split("\n"):
        if line.strip() and not CODE_LINE.match(line):
            out.append(line)
    return out


def scan(root: Path) -> list[Found]:
    """Every message template in reconcile/**/*.py, line by line."""
    found: list[Found] = []
    for path in sorted((root / "reconcile").rglob("*.py")):
        for item in _Module(path, root).scan():
            found.extend(Found(item.file, item.line, item.role, line) for line in lines(item.text))
    return list(dict.fromkeys(found))


if __name__ == "__main__":
    import sys

    for item in scan(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(f"{item.file}:{item.line}: {item.role}: {item.text}")

"""Static guard (ast, no imports of the checked code): SQL is never built from strings at run time.

Checked files: every .py under indicators/, pages/, ui/ and app.py.

Rule 1, SQL sinks. The first argument of `query(...)`, `<x>.query(...)` (when imported from indicators.data.db or named
db), `<x>.execute(...)`, `<x>.executemany(...)`, `<x>.sql(...)`, and of any function in the same file that passes one of
its own parameters straight to such a sink (e.g. indicators/pipeline/checks.py::_rows), must be *static*:
  - a string literal, or literals joined with `+` / `+=` (e.g. `sql += " AND area_code = ?"`);
  - a local name every assignment of which (in that function) is static, or a parameter of the enclosing function
    (then the call sites of that function are checked instead, see above);
  - an f-string whose every interpolated value is an allow-list: a module-level UPPER_CASE constant bound to a literal
    (str / tuple / list / set / dict of str), a subscript of one, or `"<sep>".join(<that constant>)`.
  Not static: `.format(...)`, `%`, other calls, f-strings interpolating anything else.
Exemption (precise): files under indicators/pipeline/ may interpolate any expression in f-strings. The build runs
offline (`python -m indicators build`, or `ensure_warehouse` at process start) against its own temporary read-write
file, never with request input; the interpolated values are table and column names from the extract modules'
declarations (TABLES keys, OBSERVATION_KEY, literal column tuples in checks.py), quoted as identifiers. `.format`,
`%` and calls are still refused there.

Rule 2, layering: pages/ contain no SQL text and do not import duckdb or indicators.data.db; indicators/ never imports
streamlit; nobody passes `unsafe_allow_html` (or mentions it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    [*ROOT.glob("indicators/**/*.py"), *ROOT.glob("pages/**/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "app.py"]
)
SINK_METHODS = {"execute", "executemany", "sql"}
SQL_TEXT = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TEMP\s+)?"
    r"(TABLE|VIEW|MACRO)|DROP\s+TABLE|ATTACH\s|COPY\s.+\sTO|PRAGMA\s|INSTALL\s|LOAD\s)",
    re.S,
)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def ids(paths):
    return [rel(p) for p in paths]


class SqlChecker:
    """Finds non-static SQL passed to sinks in one module."""

    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(), filename=str(path))
        self.build_exempt = rel(path).startswith("indicators/pipeline/")
        self.constants = self._literal_constants()
        self.query_names = self._query_imports()
        self.wrappers = self._wrappers()

    # -- what counts as an allow-list constant and as a sink
    def _literal_constants(self) -> set[str]:
        names = set()
        for node in self.tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id.isupper() and self._is_literal(node.value):
                        names.add(target.id)
        return names

    @staticmethod
    def _is_literal(node: ast.AST) -> bool:
        try:
            value = ast.literal_eval(node)
        except ValueError:
            return False
        items = (
            value.items() if isinstance(value, dict) else value if isinstance(value, (tuple, list, set)) else [value]
        )
        flat = [x for item in items for x in (item if isinstance(item, tuple) else (item,))]
        return all(isinstance(x, str) for x in flat)

    def _query_imports(self) -> set[str]:
        names = {"query"} if rel(self.path) == "indicators/data/db.py" else set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "indicators.data.db":
                names |= {alias.asname or alias.name for alias in node.names if alias.name == "query"}
        return names

    def _sql_arg(self, call: ast.Call, wrappers: dict[str, tuple[int, str]]) -> ast.AST | None:
        """The SQL argument if `call` is a sink (or a wrapper of one), else None."""
        func, position, keyword = call.func, None, "sql"
        if isinstance(func, ast.Name):
            if func.id in self.query_names:
                position = 0
            elif func.id in wrappers:
                position, keyword = wrappers[func.id]
        elif isinstance(func, ast.Attribute):
            if func.attr in SINK_METHODS or (
                func.attr == "query" and isinstance(func.value, ast.Name) and func.value.id == "db"
            ):
                position = 0
        if position is None:
            return None
        if len(call.args) > position:
            return call.args[position]
        return next((k.value for k in call.keywords if k.arg in (keyword, "query")), None)

    def _wrappers(self) -> dict[str, tuple[int, str]]:
        """Functions that pass one of their parameters straight to a sink: name -> (position, parameter name)."""
        wrappers: dict[str, tuple[int, str]] = {}
        changed = True
        while changed:
            changed = False
            for fn in ast.walk(self.tree):
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name in wrappers:
                    continue
                params = [a.arg for a in fn.args.args]
                for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                    arg = self._sql_arg(call, wrappers)
                    if isinstance(arg, ast.Name) and arg.id in params:
                        wrappers[fn.name] = (params.index(arg.id), arg.id)
                        changed = True
                        break
        return wrappers

    # -- static evaluation
    def _allow_listed(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.constants
        if isinstance(node, ast.Subscript):
            return self._allow_listed(node.value)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant)
            and len(node.args) == 1
        ):
            return self._allow_listed(node.args[0])
        return False

    def _assignments(self, fn: ast.AST, name: str) -> list[ast.AST]:
        values = []
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        values.append(node.value)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        for t, v in zip(target.elts, node.value.elts):
                            if isinstance(t, ast.Name) and t.id == name:
                                values.append(v)
                    elif isinstance(target, ast.Tuple) and any(
                        isinstance(t, ast.Name) and t.id == name for t in target.elts
                    ):
                        values.append(node.value)  # unpacked from something opaque: must itself be static
            elif (
                isinstance(node, (ast.AugAssign, ast.AnnAssign))
                and isinstance(node.target, ast.Name)
                and node.target.id == name
                and node.value is not None
            ):
                values.append(node.value)
            elif (
                isinstance(node, (ast.For, ast.comprehension))
                and isinstance(node.target, ast.Name)
                and node.target.id == name
            ):
                values.append(node.iter)  # a loop variable is only static if the iterable is
        return values

    def static(self, node: ast.AST, fn: ast.AST | None, seen: frozenset = frozenset()) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.static(node.left, fn, seen) and self.static(node.right, fn, seen)
        if isinstance(node, ast.IfExp):
            return self.static(node.body, fn, seen) and self.static(node.orelse, fn, seen)
        if isinstance(node, ast.JoinedStr):
            values = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
            return (
                self.build_exempt
                and not any(
                    isinstance(n, ast.Call) and not self._allow_listed(n) and not self._is_join(n)
                    for v in values
                    for n in ast.walk(v)
                )
                or all(self._allow_listed(v) for v in values)
            )
        if isinstance(node, ast.Name):
            if node.id in self.constants or node.id in seen:
                return True
            if fn is not None:
                values = self._assignments(fn, node.id)
                if values:
                    return all(self.static(v, fn, seen | {node.id}) for v in values)
            return False
        if isinstance(node, (ast.Tuple, ast.List)):  # only reached via opaque tuple unpacking
            return all(self.static(e, fn, seen) for e in node.elts)
        return False

    @staticmethod
    def _is_join(node: ast.Call) -> bool:
        """`", ".join(...)` of quoted identifiers in the build (the generator inside is checked for calls too)."""
        return (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant)
        )

    def violations(self) -> list[str]:
        found = []
        functions = [n for n in ast.walk(self.tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        owner = {}  # node -> innermost enclosing function (later, nested definitions overwrite their parents)
        for fn in sorted(functions, key=lambda f: f.lineno):
            for node in ast.walk(fn):
                if node is not fn:
                    owner[id(node)] = fn
        for call in (n for n in ast.walk(self.tree) if isinstance(n, ast.Call)):
            arg = self._sql_arg(call, self.wrappers)
            if arg is None:
                continue
            fn = owner.get(id(call))
            if (
                fn is not None
                and fn.name in self.wrappers
                and isinstance(arg, ast.Name)
                and arg.id == self.wrappers[fn.name][1]
            ):
                continue  # a wrapper handing its parameter on: its call sites are checked instead
            if not self.static(arg, fn):
                found.append(f"{rel(self.path)}:{call.lineno}: SQL built at run time: {ast.unparse(arg)[:100]}")
        return found


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_no_string_built_sql(path):
    assert SqlChecker(path).violations() == []


def imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


PAGES = sorted(ROOT.glob("pages/**/*.py"))
INDICATORS = sorted(ROOT.glob("indicators/**/*.py"))


@pytest.mark.parametrize("path", PAGES, ids=ids(PAGES))
def test_pages_have_no_sql_and_no_database_access(path):
    tree = ast.parse(path.read_text())
    used = imports(tree)
    assert not {name for name in used if name == "duckdb" or name.startswith("duckdb.")}
    assert not used & {"indicators.data.db", "indicators.data.db.query", "indicators.data.db.connection"}
    sql_like = [
        node.value[:80]
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value)
    ]
    assert sql_like == []


@pytest.mark.parametrize("path", INDICATORS, ids=ids(INDICATORS))
def test_indicators_never_import_streamlit(path):
    used = imports(ast.parse(path.read_text()))
    assert not {name for name in used if name == "streamlit" or name.startswith("streamlit.")}


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_no_unsafe_allow_html(path):
    tree = ast.parse(path.read_text())
    keywords = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg == "unsafe_allow_html"]
    assert keywords == [] and "unsafe_allow_html" not in path.read_text()


# ---- the checker itself, on small snippets (so a green run means something)


def check_snippet(tmp_path, source: str, name: str = "indicators/x.py") -> list[str]:
    path = ROOT / name
    checker = SqlChecker.__new__(SqlChecker)
    checker.path = path
    checker.tree = ast.parse(source)
    checker.build_exempt = name.startswith("indicators/pipeline/")
    checker.constants = checker._literal_constants()
    checker.query_names = checker._query_imports() | {"query"}
    checker.wrappers = checker._wrappers()
    return checker.violations()


@pytest.mark.parametrize(
    "source",
    [
        "def f(x):\n    return query(f'SELECT * FROM t WHERE a = {x}')",
        "def f(x):\n    return query('SELECT * FROM t WHERE a = ' + x)",
        "def f(x):\n    return query('SELECT * FROM t WHERE a = {}'.format(x))",
        "def f(x):\n    return query('SELECT * FROM t WHERE a = %s' % x)",
        "def f(x):\n    sql = 'SELECT * FROM t'\n    sql += f' WHERE a = {x}'\n    return query(sql)",
        "def f(con, x):\n    con.execute(f'DROP TABLE {x}')",
        "def run(con, sql):\n    return con.execute(sql)\ndef g(con, x):\n    run(con, f'SELECT {x}')",
        "COLS = ('a', 'b')\ndef f(x):\n    return query(f\"SELECT {', '.join(COLS)}, {x} FROM t\")",
    ],
)
def test_checker_flags_built_sql(tmp_path, source):
    assert check_snippet(tmp_path, source)


@pytest.mark.parametrize(
    "source",
    [
        "def f(x):\n    return query('SELECT * FROM t WHERE a = ?', [x])",
        "def f(x):\n    sql, params = 'SELECT * FROM t WHERE 1=1', []\n    if x:\n        sql += ' AND a = ?'\n"
        "    return query(sql + ' ORDER BY a', params)",
        "COLS = ('a', 'b')\ndef f():\n    return query(f\"SELECT {', '.join(COLS)} FROM t\")",
    ],
)
def test_checker_accepts_static_sql(tmp_path, source):
    assert check_snippet(tmp_path, source) == []


def test_build_exemption_is_limited_to_build(tmp_path):
    source = "def f(con, name):\n    con.execute(f'CREATE TABLE \"{name}\" AS SELECT 1')"
    assert check_snippet(tmp_path, source, "indicators/pipeline/load.py") == []
    assert check_snippet(tmp_path, source, "indicators/data/geography.py")
    calling = "def f(con, name):\n    con.execute(f'CREATE TABLE {name.upper()} AS SELECT 1')"
    assert check_snippet(tmp_path, calling, "indicators/pipeline/load.py")

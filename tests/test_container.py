"""The container image holds everything the app reads or serves, and nothing local: checked without a Docker engine.

tests/image_files.py applies deploy/Dockerfile's COPY lines to the build context deploy/Dockerfile.dockerignore leaves
(BuildKit's rules). The unit tests check that file set; the integration test copies exactly that set (from the
committed files) into a temporary directory laid out like the image's /srv/app, builds the warehouse there as the
image build does, runs the Dockerfile's HEALTHCHECK command, starts `python -m streamlit run app.py` from it on
loopback, fetches the maps' static files and renders every page over the websocket, while an audit hook records every
file the app opens: each must be in the image, and none may come from the repository itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from benchmarks import serve
from benchmarks.ws_client import Session, discover_pages
from indicators.data import geography
from tests import image_files

REPO = image_files.REPO
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
STATIC = ["static/" + name for name in geography.BOUNDARY_LEVELS.values()] + ["static/world_110m.json"]


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    """{path under the image's WORKDIR: committed file it comes from}."""
    return image_files.app_files(image_files.tracked_files())


# ---- the file set


def test_every_copy_source_is_in_the_build_context():
    """A COPY whose source the .dockerignore leaves out fails `docker build` ("not found"): image_files raises then."""
    image_files.image_files(image_files.tracked_files())


def test_image_holds_what_the_app_serves(files):
    """The maps' GeoJSON and base map under static/ (served at /app/static/), the stylesheet and favicon, the public
    config, every page app.py names, all the code and the committed data the warehouse is built from."""
    for path in STATIC:
        assert path in files, f"{path} missing: maps would be blank"
    assert files["static/lad.geojson"] == "data/boundaries/lad.geojson"
    tracked = image_files.tracked_files()
    for folder in ("assets/", "indicators/", "pages/", "ui/", "data/extracts/", "data/boundaries/"):
        wanted = {f for f in tracked if f.startswith(folder) and "__pycache__" not in f}
        assert wanted and wanted <= set(files), f"{folder} incomplete: {sorted(wanted - set(files))[:5]}"
    assert {"app.py", ".streamlit/config.toml", "assets/app.css", "assets/icon.png"} <= set(files)
    for page in re.findall(r"st\.Page\(\"(pages/\w+\.py)\"", (REPO / "app.py").read_text()):
        assert page in files


def test_paths_the_code_opens_at_run_time_are_in_the_image(files):
    """The paths app code builds to read files (the boundaries, their static URLs, the base map, app.py's favicon and
    stylesheet, the Streamlit config): the integration test below also records every open while pages render."""
    from indicators.data import paths
    from indicators.exports import figures

    for name in geography.BOUNDARY_LEVELS.values():
        assert (paths.BOUNDARIES_DIR / name).relative_to(REPO).as_posix() in files
        assert geography.boundaries_url(next(k for k, v in geography.BOUNDARY_LEVELS.items() if v == name)).startswith(
            "app/static/" + name
        )
    assert figures.BASE_MAP_URL == "app/static/" and "static/world_110m.json" in files  # Plotly's base map name
    app = (REPO / "app.py").read_text()
    assert '"assets" / "icon.png"' in app and 'ICON.parent / "app.css"' in app
    for extract in paths.EXTRACTS_DIR.glob("*.csv"):
        assert extract.relative_to(REPO).as_posix() in files


def test_build_context_leaves_out_local_tests_and_secrets():
    """Whatever sits in the working tree (a venv, a built warehouse, caches, a local secrets.toml) stays out."""
    patterns = image_files.ignore_patterns()
    context = image_files.build_context(image_files.working_tree_files(), patterns)
    for path in context:
        assert not re.match(r"(\.venv|\.git|tests|benchmarks|docs|scripts|test-artifacts|\.pytest_cache)/", path), path
        assert "__pycache__" not in path and not path.endswith(".pyc"), path
        assert not re.match(r"data/(warehouse.*\.duckdb|warehouses/)", path), path
    for path in (
        ".venv/bin/python",
        ".venv/lib/python3.11/site-packages/streamlit/__init__.py",
        "data/warehouse.duckdb",
        "data/warehouse.duckdb.tmp",
        "data/warehouse.duckdb.tmp.wal",
        "data/warehouses/current.json",
        "data/warehouses/00f07811e0d98625.duckdb",
        "data/warehouses/.lock",
        "tests/test_container.py",
        "tests/conftest.py",
        "benchmarks/run.py",
        ".streamlit/secrets.toml",
        "indicators/__pycache__/db.cpython-311.pyc",
        "requirements-dev.txt",
        ".git/config",
    ):
        assert image_files.excluded(path, patterns), path
    for path in (
        "app.py",
        "indicators/data/db.py",
        "requirements.lock",
        "data/boundaries/lad.geojson",
        "assets/icon.png",
    ):
        assert not image_files.excluded(path, patterns), path


@pytest.mark.parametrize(
    "pattern, path, left_out",
    [
        ("**", "a/b/c.txt", True),
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),  # `*` stays in one segment
        ("**/*.md", "docs/x/README.md", True),
        ("docs", "docs/x/README.md", True),  # a parent directory's match covers what is under it
        ("data/*.duckdb", "data/warehouse.duckdb", True),
        ("/data/", "data/x.csv", True),  # leading and trailing slashes are cleaned away
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
    ],
)
def test_dockerignore_pattern_semantics(tmp_path, pattern, path, left_out):
    ignore = tmp_path / ".dockerignore"
    ignore.write_text(pattern + "\n")
    assert image_files.excluded(path, image_files.ignore_patterns(ignore)) is left_out


def test_dockerignore_last_match_wins(tmp_path):
    ignore = tmp_path / ".dockerignore"
    ignore.write_text("**\n!src/\n**/*.pyc\n!src/keep.pyc\n")
    patterns = image_files.ignore_patterns(ignore)
    assert [image_files.excluded(p, patterns) for p in ("x", "src/a.py", "src/b.pyc", "src/keep.pyc")] == [
        True,
        False,
        True,
        False,
    ]


def test_copy_semantics(tmp_path):
    dockerfile, ignore = tmp_path / "Dockerfile", tmp_path / "Dockerfile.dockerignore"
    ignore.write_text("**\n!src/\n!top.txt\n")
    dockerfile.write_text(
        "FROM scratch\nWORKDIR /app\nCOPY src/ code/\nCOPY top.txt ./\nCOPY top.txt \\\n"
        "   # a comment inside a continued instruction\n   renamed.txt\n"
        "COPY --chown=1:1 src/a/ /elsewhere/\n"
    )
    got = image_files.image_files(["src/a/x.py", "src/b.py", "top.txt", "other.txt"], dockerfile, ignore)
    assert got == {
        "/app/code/a/x.py": "src/a/x.py",
        "/app/code/b.py": "src/b.py",
        "/app/top.txt": "top.txt",
        "/app/renamed.txt": "top.txt",
        "/elsewhere/x.py": "src/a/x.py",
    }
    dockerfile.write_text("FROM scratch\nCOPY other.txt /\n")
    with pytest.raises(image_files.ImageError, match="other.txt"):
        image_files.image_files(["other.txt"], dockerfile, ignore)


# ---- the image's tree, served

AUDIT = """
import os, sys
log = open(sys.argv.pop(1), "a", buffering=1)
def record(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        log.write(os.path.abspath(os.fsdecode(args[0])) + "\\n")
sys.addaudithook(record)
from streamlit.web import cli
sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
cli.main()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(root: Path) -> dict[str, str]:
    """The Dockerfile's ENV with the image's WORKDIR moved to `root` (so CORE_CITIES_WAREHOUSE points into the tree)
    and HOME in a scratch folder; the project's settings and import path dropped, so nothing can come from the
    repository; the venv's python first on PATH (the HEALTHCHECK says `python`)."""
    workdir = image_files.workdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME") and not k.startswith("CORE_CITIES_")
    }
    for key, value in image_files.environment().items():
        env[key] = str(root) + value[len(workdir) :] if value.startswith(workdir + "/") else value
    home = root.parent / "home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home), PYTHONDONTWRITEBYTECODE="1", PATH=f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '')}"
    )
    assert env["CORE_CITIES_WAREHOUSE"].startswith(str(root) + "/"), "the image names its warehouse inside /srv/app"
    return env


def _tree(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


SLOW_FIXTURES = {"image_tree"}  # the warehouse built in a copy of the image's files (~20 s), then served


@pytest.fixture(scope="module")
def image_tree(tmp_path_factory, files):
    """/srv/app as the image has it, warehouse built as `docker build` builds it; returns (root, env, the files the
    build added). The build writes only into the warehouse's folder (nothing into the code, static/ or extracts)."""
    root = tmp_path_factory.mktemp("image") / "srv-app"
    image_files.copy_tree(files, root)
    env = _environment(root)
    built = subprocess.run(
        [PYTHON, "-m", "indicators", "build"], cwd=root, env=env, capture_output=True, text=True, timeout=180
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    added = _tree(root) - set(files)
    home = Path(env["CORE_CITIES_WAREHOUSE"]).parent.relative_to(root).as_posix() + "/"
    assert added and all(path.startswith((home, "data/package/")) for path in added), sorted(added)
    assert any(path.endswith(".duckdb") for path in added)
    return root, env, added


@pytest.fixture(scope="module")
def served(image_tree):
    root, env, _ = image_tree
    port, opened = _free_port(), root.parent / "opened.log"
    log = open(root.parent / "streamlit.log", "wb")
    process = subprocess.Popen(
        [PYTHON, "-c", AUDIT, str(opened), "--server.address", "127.0.0.1", "--server.port", str(port)],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        try:
            serve.wait_healthy(base, process, timeout=60)
        except (RuntimeError, TimeoutError) as error:
            pytest.fail(f"{error}\n{(root.parent / 'streamlit.log').read_text()[-3000:]}")
        yield base, port, opened
    finally:
        serve.stop(process)
        log.close()


def test_healthcheck_command_passes_in_the_image_tree(image_tree, served):
    """The Dockerfile's HEALTHCHECK, run from the image's tree against the running app (its port swapped in);
    and its `indicators check` part fails when the warehouse is missing."""
    root, env, _ = image_tree
    base, port, _ = served
    command = image_files.healthcheck_command()
    assert isinstance(command, str) and command.startswith("python -m indicators check")
    result = subprocess.run(
        ["sh", "-c", command.replace(":8501/", f":{port}/")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip(), "the check prints the data version"
    broken = {**env, "CORE_CITIES_WAREHOUSE": str(root.parent / "missing" / "current.json")}
    failed = subprocess.run(
        [PYTHON, "-m", "indicators", "check"], cwd=root, env=broken, capture_output=True, text=True, timeout=60
    )
    assert failed.returncode != 0
    assert not (root.parent / "missing").exists(), "the check must not build a warehouse"


def test_maps_static_files_are_served(served):
    base, _, _ = served
    for path in STATIC:
        with urllib.request.urlopen(f"{base}/app/{path}", timeout=10) as response:
            assert response.status == 200, path
            body = json.loads(response.read())
        assert body.get("type") in ("FeatureCollection", "Topology"), path


def test_every_page_renders_from_the_image_tree(image_tree, served, files):
    """Every page of the navigation renders to the end with no exception element, and every file the app opened
    is in the image: none comes from the repository (other than the Python environment)."""
    root, _, added = image_tree
    base, _, opened = served

    async def scenario():
        pages = await discover_pages(base)
        runs = {}
        for path in pages:
            async with Session(base, page=path, timeout=60) as session:
                runs[path] = await session.rerun()
        return pages, runs

    pages, runs = asyncio.run(scenario())
    assert len(pages) >= 8, pages
    for path, run in runs.items():
        assert run.ok and not run.page_not_found, (path, run.status, run.exceptions)
    assert any(m.startswith("Sources:") for run in runs.values() for m in run.markdown)

    inside, outside = set(), set()
    venv = str(REPO / ".venv") + "/"
    for line in opened.read_text().splitlines():
        if line.startswith(str(root) + "/"):
            inside.add(line[len(str(root)) + 1 :])
        elif line.startswith(str(REPO) + "/") and not line.startswith(venv):
            outside.add(line)
    assert not outside, f"read from the repository, not the image: {sorted(outside)[:5]}"
    image = set(files) | added  # what COPY puts in, and what the image build's `indicators build` writes
    missing = {p for p in inside if p not in image and not OPTIONAL_PROBE.search(p)}
    assert not missing, f"opened but not in the image: {sorted(missing)}"
    assert {"assets/icon.png", "data/boundaries/lad.geojson"} <= inside


# Looked for and used only if present: Python's byte-code cache (the image compiles it at build time) and Streamlit's
# optional secrets file (the app has no secrets).
OPTIONAL_PROBE = re.compile(r"(^|/)__pycache__/|^\.streamlit/secrets\.toml$")

"""The files a container image holds, computed without a Docker engine: deploy/Dockerfile's COPY lines applied to
the build context that deploy/Dockerfile.dockerignore leaves, the way BuildKit does it.

- `.dockerignore` (moby/patternmatcher, as BuildKit uses it): one pattern a line, `#` comments and blank lines
  skipped, each pattern cleaned (surrounding spaces, a leading `/`, `./` and a trailing `/` dropped); `*` and `?`
  stay inside one path segment, `**` spans any number of segments; `!` lets back in what an earlier pattern left out;
  the last pattern that matches decides, and a pattern that matches a parent directory matches everything under it.
- `COPY`/`ADD` (local sources only): a source is a file, a directory (its contents are copied into the destination)
  or a glob; a destination ending in `/`, or taking several sources, is a directory; relative destinations are under
  the `WORKDIR` in effect. A source that matches nothing in the context is an error, as it is for `docker build`.

Used by tests/test_container.py; deploy/README.md says what the image holds.
"""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "deploy" / "Dockerfile"
DOCKERIGNORE = REPO / "deploy" / "Dockerfile.dockerignore"


class ImageError(ValueError):
    """The Dockerfile asks for something a build would refuse (a COPY source not in the context)."""


# ---- the Dockerfile


def instructions(dockerfile: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined and comment lines dropped."""
    result, pending = [], ""
    for raw in dockerfile.read_text().splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and pending):
            continue  # comments and empty lines may sit inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        line, pending = pending + line, ""
        if line:
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def _copy_arguments(arguments: str) -> tuple[dict[str, str], list[str], str]:
    """Flags, sources and destination of a COPY/ADD (shell or JSON form)."""
    words = arguments.split()
    flags = {}
    while words and words[0].startswith("--"):
        name, _, value = words.pop(0)[2:].partition("=")
        flags[name] = value
    rest = " ".join(words)
    paths = json.loads(rest) if rest.startswith("[") else rest.split()
    if len(paths) < 2:
        raise ImageError(f"COPY needs a source and a destination: {arguments!r}")
    if any("$" in p for p in paths):
        raise ImageError(f"variables in COPY paths are not modelled: {arguments!r}")
    return flags, paths[:-1], paths[-1]


def healthcheck_command(dockerfile: Path = DOCKERFILE) -> str | list[str]:
    """The HEALTHCHECK's command: a shell string (shell form) or an argument list (exec form)."""
    for keyword, arguments in instructions(dockerfile):
        if keyword == "HEALTHCHECK":
            command = re.split(r"(?:^|\s)CMD\s+", arguments, maxsplit=1)[1].strip()
            return json.loads(command) if command.startswith("[") else command
    raise ImageError("no HEALTHCHECK in the Dockerfile")


def environment(dockerfile: Path = DOCKERFILE) -> dict[str, str]:
    """The final stage's ENV settings (`ENV KEY=value ...` and the older `ENV KEY value`; no variable expansion)."""
    env: dict[str, str] = {}
    for keyword, arguments in instructions(dockerfile):
        if keyword == "FROM":
            env = {}
        elif keyword == "ENV":
            if "=" in arguments.split()[0]:
                env.update(word.split("=", 1) for word in shlex.split(arguments))
            else:
                key, _, value = arguments.partition(" ")
                env[key] = value.strip()
    return env


def workdir(dockerfile: Path = DOCKERFILE) -> str:
    """The WORKDIR in effect at the end of the final stage (where CMD runs)."""
    current = "/"
    for keyword, arguments in instructions(dockerfile):
        if keyword == "FROM":
            current = "/"
        elif keyword == "WORKDIR":
            current = posixpath.normpath(posixpath.join(current, arguments))
    return current


# ---- the .dockerignore


@dataclass(frozen=True)
class Pattern:
    text: str
    include: bool  # a `!` pattern: lets files back in
    regex: re.Pattern


def _compile(pattern: str) -> re.Pattern:
    """patternmatcher's translation: `**/` -> any number of segments, a trailing `**` -> anything, `*` and `?` ->
    within one segment, `[...]` as written, `\\x` -> a literal x."""
    out, i = "^", 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
            out += ".*" if i >= len(pattern) else "(.*/)?"
            continue
        if ch == "*":
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch in "[]":
            out += ch
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + "$")


def ignore_patterns(path: Path = DOCKERIGNORE) -> list[Pattern]:
    patterns = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        include = line.startswith("!")
        text = line[1:].strip() if include else line
        text = posixpath.normpath(text.lstrip("/")) if text.lstrip("/") else "."
        patterns.append(Pattern(line, include, _compile(text)))
    return patterns


def excluded(path: str, patterns: list[Pattern]) -> bool:
    """Whether the .dockerignore keeps `path` (relative, with `/`) out of the build context (MatchesOrParentMatches)."""
    parents = path.split("/")[:-1]
    matched = False
    for pattern in patterns:
        if pattern.include != matched:
            continue  # an include can only change an excluded path, an exclude only a kept one
        hit = bool(pattern.regex.match(path)) or any(
            pattern.regex.match("/".join(parents[: i + 1])) for i in range(len(parents))
        )
        if hit:
            matched = not pattern.include
    return matched


def build_context(files, patterns: list[Pattern] | None = None) -> set[str]:
    """The files (relative paths) of `files` that reach the build context."""
    patterns = ignore_patterns() if patterns is None else patterns
    return {f for f in files if not excluded(f, patterns)}


# ---- COPY


def _directories(files: set[str]) -> set[str]:
    return {"/".join(f.split("/")[:i]) for f in files for i in range(1, f.count("/") + 1)}


def _sources(source: str, context: set[str], directories: set[str]) -> list[str]:
    clean = posixpath.normpath(source.lstrip("/"))
    clean = "" if clean == "." else clean
    if clean == "" or clean in context or clean in directories:
        return [clean]
    if any(c in clean for c in "*?["):
        found = sorted(
            p for p in context | directories if fnmatch.fnmatchcase(p, clean) and p.count("/") == clean.count("/")
        )
        if found:
            return found
    raise ImageError(f"COPY source {source!r} is not in the build context (left out by the .dockerignore, or missing)")


def image_files(files, dockerfile: Path = DOCKERFILE, ignore: Path = DOCKERIGNORE) -> dict[str, str]:
    """{absolute path in the image: relative path in the repository} for every file the final stage COPYs in.

    `files` are the repository's files (relative paths with `/`), e.g. `tracked_files()`.
    """
    context = build_context(files, ignore_patterns(ignore))
    directories = _directories(context)
    result: dict[str, str] = {}
    current = "/"
    for keyword, arguments in instructions(dockerfile):
        if keyword == "FROM":
            result, current = {}, "/"
        elif keyword == "WORKDIR":
            current = posixpath.normpath(posixpath.join(current, arguments))
        elif keyword in ("COPY", "ADD"):
            flags, sources, destination = _copy_arguments(arguments)
            if "from" in flags:
                continue  # another stage or image: not from the context
            target = posixpath.normpath(posixpath.join(current, destination))
            expanded = [s for source in sources for s in _sources(source, context, directories)]
            into_directory = destination.endswith("/") or len(expanded) > 1 or destination in (".", "./")
            for source in expanded:
                if source == "" or source in directories:
                    prefix = source + "/" if source else ""
                    for f in context:
                        if f.startswith(prefix):
                            result[posixpath.join(target, f[len(prefix) :])] = f
                else:
                    dest = posixpath.join(target, posixpath.basename(source)) if into_directory else target
                    result[dest] = source
    return result


def app_files(files, dockerfile: Path = DOCKERFILE, ignore: Path = DOCKERIGNORE) -> dict[str, str]:
    """Like `image_files`, keyed by the path relative to the final WORKDIR (files outside it are left out)."""
    root = workdir(dockerfile).rstrip("/") + "/"
    return {
        path[len(root) :]: source
        for path, source in image_files(files, dockerfile, ignore).items()
        if path.startswith(root)
    }


# ---- the repository


def tracked_files(repo: Path = REPO) -> list[str]:
    """The repository's committed (git-tracked) files that exist in the working tree."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
    return [f for f in out.decode().split("\0") if f and (repo / f).exists()]


def working_tree_files(repo: Path = REPO) -> list[str]:
    """Every file in the working tree (untracked and ignored ones too, as `docker build .` would see them), but .git;
    a symlink (static/ -> data/boundaries) is one entry, as git records it."""
    found = []
    for folder, directories, names in os.walk(repo):
        relative = Path(folder).relative_to(repo).as_posix()
        prefix = "" if relative == "." else relative + "/"
        if not prefix:
            directories[:] = [d for d in directories if d != ".git"]
        found += [prefix + d for d in directories if (Path(folder) / d).is_symlink()]
        found += [prefix + n for n in names]
    return found


def copy_tree(mapping: dict[str, str], destination: Path, repo: Path = REPO) -> None:
    """Copy {relative destination: repository source} into `destination` (symlinks followed: the file itself)."""
    for target, source in mapping.items():
        path = destination / target
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(repo / source, path)

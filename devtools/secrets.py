"""`make secrets`: random strong values for the secrets in `.env`, never replacing a real one.

Creates `.env` from `.env.example` when it is missing, fills every secret that is missing,
empty or a `change-me` placeholder, and leaves the file readable by its owner only.
Standard library only, so it runs with the system Python before anything is installed.
"""

import argparse
import base64
import os
import secrets
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from kit.secrets import is_placeholder

ROOT_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT_DIR / ".env"
EXAMPLE_FILE = ROOT_DIR / ".env.example"

GENERATORS: dict[str, Callable[[], str]] = {
    "JWT_SECRET": lambda: secrets.token_urlsafe(48),
    "SERVICE_TOKEN": lambda: secrets.token_urlsafe(48),
    # One Fernet key (what `Fernet.generate_key()` makes).
    "ENCRYPTION_KEYS": lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    # docker-compose.yml only; url-safe, as it also goes into DATABASE_URL.
    "POSTGRES_PASSWORD": lambda: secrets.token_urlsafe(32),
}


def _is_unset(name: str, value: str) -> bool:
    value = value.strip().strip("\"'")
    if name == "ENCRYPTION_KEYS":
        # A list: one real key in it is data someone encrypted, so the list is left alone.
        return all(is_placeholder(key) for key in value.split(",") if key.strip())
    return is_placeholder(value)


def fill(text: str) -> tuple[str, list[str]]:
    """`text` (dotenv) with every unset secret given a random value; and the names filled."""
    lines = text.splitlines()
    filled: set[str] = set()
    present: set[str] = set()
    for index, line in enumerate(lines):
        name, sep, value = line.partition("=")
        name = name.strip().removeprefix("export ").strip()
        if not sep or name not in GENERATORS:
            continue
        present.add(name)
        if _is_unset(name, value):
            lines[index] = f"{name}={GENERATORS[name]()}"
            filled.add(name)
    for name, generate in GENERATORS.items():
        if name not in present:
            lines.append(f"{name}={generate()}")
            filled.add(name)
    return "\n".join(lines) + "\n", [name for name in GENERATORS if name in filled]


def write_secrets(env_file: Path = ENV_FILE, example: Path = EXAMPLE_FILE) -> list[str]:
    """Fill the unset secrets of `env_file` (made from `example` if missing); the names filled."""
    original = env_file.read_text() if env_file.exists() else example.read_text()
    text, filled = fill(original)
    if filled or not env_file.exists():
        _write_private(env_file, text)
    else:
        env_file.chmod(0o600)
    return filled


def _write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with a file only its owner can read (mode 0600)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        # mkstemp creates the file 0600 already; the chmod states it.
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="make secrets", description=__doc__)
    parser.add_argument("--env-file", type=Path, default=ENV_FILE, help="default: .env")
    args = parser.parse_args(argv)
    filled = write_secrets(args.env_file)
    kept = [name for name in GENERATORS if name not in filled]
    if filled:
        sys.stdout.write(f"{args.env_file}: wrote random {', '.join(filled)}\n")
    if kept:
        sys.stdout.write(f"{args.env_file}: kept the {', '.join(kept)} already set\n")


if __name__ == "__main__":
    main()

"""The layers hold: import-linter's contracts (pyproject.toml) pass, and they cover every
domain, so a new router or repository is not silently left outside them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "samband"


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _modules(filename: str) -> set[str]:
    return {f"samband.{path.parent.name}.{path.stem}" for path in PACKAGE.glob(f"*/{filename}")}


class TestImportContracts:
    def test_lint_imports_passes(self) -> None:
        lint_imports = Path(sys.executable).parent / "lint-imports"
        result = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
            [str(lint_imports), "--no-cache"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

        assert result.returncode == 0, result.stdout + result.stderr
        assert "0 broken" in result.stdout

    def test_every_router_is_under_the_routers_never_query_contract(self) -> None:
        contract = _contracts()["Routers never query: no router imports a repository or SQLAlchemy"]

        missing = _modules("router.py") - set(contract["source_modules"])  # type: ignore[arg-type]

        assert not missing, f"add these routers to the contract in pyproject.toml: {missing}"

    def test_every_repository_is_forbidden_to_routers(self) -> None:
        contract = _contracts()["Routers never query: no router imports a repository or SQLAlchemy"]
        forbidden = set(contract["forbidden_modules"])  # type: ignore[arg-type]

        missing = _modules("repository.py") - forbidden

        assert not missing, f"add these repositories to the contract in pyproject.toml: {missing}"

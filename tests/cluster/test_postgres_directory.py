"""`make cluster` from a clone the `postgres` user cannot enter (issue 15).

PostgreSQL runs as `postgres` when the cluster is started as root; a clone inside a home
directory of mode 0700 left initdb failing with "Permission denied" and nothing said why. The
private cluster then lives where `postgres` can reach it, and the reason is printed.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from shopops.cluster import Postgres

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("runuser"), reason="PostgreSQL runs as postgres only when root"
)


def postgres_user_exists() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A directory under /tmp everybody may enter (pytest's own tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="shop-pg-reach-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_clone_inside_a_private_directory_gets_its_postgres_data_where_postgres_can_reach_it(
    scratch: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not postgres_user_exists():
        pytest.skip("no postgres user (deploy/scripts/ensure-postgres.sh installs PostgreSQL)")
    home = scratch / "home"
    (home / "clone" / "var" / "cluster").mkdir(parents=True)
    home.chmod(0o700)
    elsewhere = scratch / "reachable"
    elsewhere.mkdir()
    monkeypatch.setenv("SHOP_CLUSTER_PG_DIR", str(elsewhere / "pg"))
    pg = Postgres(home / "clone" / "var" / "cluster" / "pg", port=0, bin_dir=Path("/bin"))

    pg._prepare()

    said = capsys.readouterr().out
    assert pg.directory == elsewhere / "pg"
    assert f"{home} is mode 700" in said
    assert str(elsewhere / "pg") in said
    reach = ["runuser", "-u", "postgres", "--", "test", "-w", str(pg.directory)]
    assert subprocess.run(reach, check=False).returncode == 0

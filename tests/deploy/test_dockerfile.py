"""The image's environment is built where it runs (issue 15).

Console scripts (`shop-provision`) start with the interpreter path of the environment they were
installed into; built in /src/.venv and copied to /app/.venv, `#!/src/.venv/bin/python` did not
exist at run time and provisioning never started. `make image-test` runs the built image; this
reads the Dockerfile so that `make test` catches the mistake without a build.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "deploy" / "Dockerfile"


def test_the_build_stage_installs_into_the_path_the_runtime_stage_runs_from() -> None:
    text = DOCKERFILE.read_text()
    built = re.search(r"UV_PROJECT_ENVIRONMENT=(\S+)", text)
    assert built, "the build stage names its environment (UV_PROJECT_ENVIRONMENT)"
    copied = re.findall(r"^COPY --from=build (\S+) (\S+)$", text, re.MULTILINE)
    assert copied == [(built.group(1), built.group(1))], copied
    assert re.search(rf"PATH={re.escape(built.group(1))}/bin:", text)


def test_the_provision_target_runs_shop_provision_configured_by_the_environment() -> None:
    provision = DOCKERFILE.read_text().split("AS provision", 1)[1]
    assert 'ENTRYPOINT ["shop-provision"]' in provision
    assert "nats-1:4222" not in provision, "the servers come from SHOP_NATS_URL"

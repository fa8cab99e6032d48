"""`shopops`: the operators' process tooling on the command line.

`shopops identity init | rotate [--program NAME] [--retire KID] | show` (shopops.identity); the
supervisor (`shop-run`, `make run`) and the local cluster (`make cluster`) have their own entry points.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from shopops import identity

USAGE = "usage: shopops identity {init,rotate,show} [--dir DIR] ... (shopops identity --help)"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "identity":
        print(USAGE, file=sys.stderr)
        return 2
    return identity.main(args[1:])


if __name__ == "__main__":
    raise SystemExit(main())

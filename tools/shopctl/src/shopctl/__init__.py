"""shopctl: the operators' command line (issue 9)."""

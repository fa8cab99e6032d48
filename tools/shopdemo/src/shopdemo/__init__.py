"""The shop driven from outside, through public commands and queries only (issue 10)."""

"""What HR's two contexts share: the role ids and the own-act check (rules.md §0 roles, C9)."""

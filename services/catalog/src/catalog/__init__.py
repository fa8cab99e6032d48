"""Catalogue service (issue 19): products from selection to listing and delisting (CAT-1..CAT-11, SM-LIST)."""

"""Orders service: the order lifecycle, its SLAs and the immutability rule (ORD-1..ORD-16, SM-ORD)."""

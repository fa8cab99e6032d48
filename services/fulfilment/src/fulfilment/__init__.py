"""Fulfilment service: the 14:00 shipping batch, the four documents, the shipping-only stamp and
the stock ledger (FUL-1..FUL-24, SM-SHIP-BATCH, SM-SHIP).
"""

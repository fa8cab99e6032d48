"""Aftersales service: refund and return cases, the 7-day quality window and complaints within 24
hours (AS-1..AS-21, SM-RET, SM-CMP).
"""

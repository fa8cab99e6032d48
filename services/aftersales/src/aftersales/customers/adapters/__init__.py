"""The customer context's adapters: complaint, flag and review views, their queries, the complaint
deadline table."""

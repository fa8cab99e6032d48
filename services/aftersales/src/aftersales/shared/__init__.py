"""After-sales' shared kernel: the one policy of business numbers (AS-1, AS-11, AS-14, AS-15,
AS-17, AS-19) and the one command-roles table (C9), read by both contexts; it imports neither."""

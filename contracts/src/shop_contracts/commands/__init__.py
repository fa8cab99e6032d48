"""Versioned command models other services and clients send over request/reply."""

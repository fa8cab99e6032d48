"""Query models answered over request/reply (`<service>.queries.<QueryName>`)."""

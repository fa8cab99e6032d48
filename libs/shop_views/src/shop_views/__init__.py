"""Read models of another service's aggregate, shared by the services that keep them (decision 0011).

`catalogue`: the catalogue's products as another service sees them (CAT-7, FUL-4, AS-7).
`duty`: who is on duty, from HR's duty rota events (DUTY-1..DUTY-3, AS-22).
A service declares its own subclass (its projection name, the facts it keeps), so its durable
consumer, checkpoint and tables stay its own. This package imports no service.
"""

"""After-sales' refund context: refund and return cases (SM-RET, AS-1..AS-11) and the order facts
behind them, fed by orders' and fulfilment's events."""

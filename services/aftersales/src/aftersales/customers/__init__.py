"""After-sales' customer context: complaints (SM-CMP, AS-15, AS-19), customer flags (SM-CUST-FLAG,
AS-18), negative reviews (AS-16), consultations (AS-17) and return visits (AS-21). It does not
import the refund context (an import contract keeps it so)."""

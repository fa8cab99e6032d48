"""KPI service (issue 19): the department's numbers, targets, appraisals, performance pay and commission (KPI-1..KPI-13, ORD-16)."""

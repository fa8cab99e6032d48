"""HR service: shifts, attendance, the absence ladder, leave, discipline and payroll (HR-1..HR-42,
DIS-1..DIS-15).
"""

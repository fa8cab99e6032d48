"""HR's time context: shifts and rotas, attendance days and their evaluation, the absence ladder,
leave, overtime and comp time (HR-1..HR-32; SM-DAY, SM-ABS, SM-LEAVE). It reads the people
context's Employee and DisciplineRecord aggregates (DIS-11, DIS-13) through their domain types."""

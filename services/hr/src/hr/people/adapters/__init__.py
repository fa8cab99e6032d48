"""HR people adapters: the people and payroll read models, the employees' data keys."""

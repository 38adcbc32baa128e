"""The Excel budget-and-accounts template: build, export and import."""

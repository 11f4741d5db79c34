"""Cash-flow statements (CFS) of the report's stakeholders, following its line-item hierarchy."""

"""The core: models, catalogue, departments, staff, case services, staff UI, jobs."""

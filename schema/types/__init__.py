"""GraphQL object types. Roots are database rows (SQLAlchemy Rows from the loaders, or ORM
instances from mutations): plain columns resolve by attribute, relations through loaders."""

"""Non-GraphQL routes. Each module exposes `routes: list[BaseRoute]`; app.main mounts them."""

"""PostgreSQL through Tortoise ORM; schema changes through aerich migrations shipped with the package."""

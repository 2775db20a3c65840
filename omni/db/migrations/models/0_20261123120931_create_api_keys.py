from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "api_keys" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "key_prefix" VARCHAR(8) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "scopes" JSONB NOT NULL,
    "instance_ids" JSONB,
    "status" VARCHAR(16) NOT NULL,
    "rate_limit" INT,
    "expires_at" TIMESTAMPTZ,
    "last_used_at" TIMESTAMPTZ,
    "last_used_ip" VARCHAR(64),
    "usage_count" BIGINT NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "revoked_by" VARCHAR(255),
    "revoke_reason" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_api_keys_status_68faf0" ON "api_keys" ("status");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztme1v2jwQwP8VlE+dtFU0UOCZpkm0ZRvbCtOavWjTZJnYgEXiZLHTgfr0f59tEpI4CS"
    "us6QD1Syn3klx+vtwd9o3hegg77Ljrk3d4YTyv3RgUulj8o2me1gzo+4lcCjgcOcoU+gTM"
    "8EIJ4YjxANpcyMfQYViIEGZ2QHxOPCqkNHQcKfRsYUjoJBGFlPwMMeDeBPMpDoTi+w8hJh"
    "ThOWbxV38GxgQ7KBMsQfLeSg74wleyT5/6F6+UpbzdCNieE7o0sfYXfOrRlXkYEnQsfaRu"
    "gikOIMco9RgyyuiJY9EyYiHgQYhXoaJEgPAYho6EYbwYh9SWDGrqTvJP82UUWsoMgMHQAl"
    "c9CwBjA3a2RyV3QrkEdXO7vG4CREkNeYPzN92PR43WE4XAY3wSKKXCZdwqR8jh0lVBTyir"
    "zxzn8ykMijnH9hppEeg2jGNBAjlJsBhfDKgCpIYL58DBdMKn4qt5erqG8efuR4VZWCnOnn"
    "gjlq/KIFKZS53knfBNR5bDbOE5L8asuW1FO8rXXYG9hq3V+2rJK7uM/XTSSI8uu18VbXcR"
    "ad4PB69j89QSnL8fnmnkRfUCfoDHZL5Jfme9DjDLO3fI8U5phnf0/Ja8ppBNN2Uc+9wP4T"
    "/X6gfj22reAXCrWUpYqrKIme3Ja+QAv70aDooBJx4aXkRsXvu/5hDGq0rkVFMchcThhLJj"
    "eb9/0RclofV1RS8hWgOVF9DringgDqmNAUEbLYru91dLsz+1vZI1ECR5WEC/vOYkHlXV9P"
    "x4KEZmco2ryvts2Tlp3aHsnLRKy45UZRlLGsAhLuF5zn1aMrdknTTUIvL9S20Rrvh4Zp40"
    "281Oo9XsCBMV50rSXkO+P7A0rHjuE5HZABZgvRBUOHFxMdusp14+Itfj+J/9I71uQOxf9q"
    "6s7uWHTCW56Fo9qTEzE2IsPdKTfXWR2pe+9aYmv9a+DQc9veCs7KxvhowJhtwD1PsFIEoz"
    "icWxKLPKDmQchAyjLdZZ931c6f1YaeJv0pB0v0P4iVf1JBwyOMGCYUgLXqozMiltS5rjVn"
    "1pq2m4Xm1X+s80G422WW+0OqfNdvu0U1+1p7xqXZ8667+WrSqzEvneFeBrb7ZVTct6Pla0"
    "Xa5o8VqNFpvUs6zX4VWzSnYHl9BAgCHbbH8w53gIwB96h9AW+PhW5SzreQ/lbOf2DMUDoi"
    "F1FlGW7El9ixJ6bXkLfbTlqmc9H1d9V1a9oKup6OXR4niWOvaSghG0Z79ggEBO45lemW1e"
    "5ZquLoFUDJkogivDjI9bcUDsqVF0ELvUPF17EJvY7MwxbOmcXXgKWzBeR+/p7m7p38umT/"
    "mp6zUOWOGJYPl8lXI5wFOpSqYr+VJtQDgyP0C6J/X6XXaH6/Xy7WGp06Ynj3Jc9EO8/Agk"
    "5fLwB1N7fvzxT5vZ7W8CB5DV"
)

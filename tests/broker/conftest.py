from tests.helpers_redis import private_redis

__all__ = ["private_redis"]

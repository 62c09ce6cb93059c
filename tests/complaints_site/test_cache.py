"""The cache is per process by default and shared (Redis) when CACHE_URL says so."""

from tests.support.django_process import run_python

SCRIPT = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


def test_local_memory_by_default():
    out = run_python(SCRIPT, CACHE_URL="locmemcache://")
    assert out.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache", out.stderr


def test_redis_from_the_environment():
    out = run_python(SCRIPT, CACHE_URL="redis://127.0.0.1:6379/1")
    assert out.stdout.strip() == "django.core.cache.backends.redis.RedisCache", out.stderr

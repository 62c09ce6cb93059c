"""gunicorn settings for the web process (`gunicorn -c gunicorn.conf.py complaints_site.wsgi`).

Chosen by measurement with bench/intake.py on the 2-core development machine, where
PostgreSQL and the load generator share the two cores with the server (figures in the
README, "Intake API benchmark"):

- gthread workers: keep-alive connections (the sync worker closes after every response, so
  every request pays a new TCP connection), and threads overlap the time a request waits for
  PostgreSQL. Requests are short and CPU-bound in Python; more threads than about four per
  worker only add GIL contention.
- workers = cores (WEB_CONCURRENCY overrides): one process per core runs Python in parallel;
  more processes than cores only add context switches next to PostgreSQL.
- Database connections are reused across requests with CONN_MAX_AGE (an environment
  setting, 60 s in production and in the benchmark), saving a connection set-up per request;
  each thread holds its own connection, so PostgreSQL sees workers x threads connections.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Idle keep-alive connections are kept this long (behind a load balancer: above its idle
# timeout is not needed, below it avoids 502s on reuse).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "30"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# The large evidence upload bodies go to Django, which streams them; header limits stay default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

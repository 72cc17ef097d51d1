"""gunicorn settings for production serving (see docs/deployment.md).

Everything can be overridden from the environment: BIND, WEB_CONCURRENCY,
WEB_THREADS, WEB_TIMEOUT, WEB_MAX_REQUESTS.  Static files are served by whitenoise in-process.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = 30
# Recycling a worker every few thousand requests (a guard against leaks) cost
# the tail: at 1,000 requests a second a worker restarted every two seconds and
# the requests queued on it waited for Django to start again (p99 1.2 s against
# 0.27 s without, bench/health_load.py).  Off by default; set it if a leak shows.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "warning")
# never log request bodies or headers: an Authorization header carries an API token
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

"""gunicorn settings for production serving (see docs/deployment.md).

Everything can be overridden from the environment: BIND, WEB_CONCURRENCY,
WEB_THREADS, WEB_TIMEOUT.  Static files are served by whitenoise in-process.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "warning")
# never log request bodies or headers: an Authorization header carries an API token
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

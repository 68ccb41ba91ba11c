"""gunicorn's settings for the Strategy Portal in production.

Read by `scripts/serve_production.sh web`, which the systemd unit
(deploy/systemd/strategy-portal-web.service), the Procfile and CI's smoke test all
run; see docs/operations.md, "Deploying". Each value can be changed from the
environment without editing this file.
"""

import multiprocessing
import os


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Behind the Trust's TLS-terminating proxy on the same host by default; set
# GUNICORN_BIND=0.0.0.0:8000 when the proxy or load balancer is on another machine.
# A platform that runs the Procfile sets PORT and routes to it from outside, so then
# every address is bound (what gunicorn itself does with PORT).
_port = os.environ.get("PORT")
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{_port}" if _port else "127.0.0.1:8000")

# Sync workers, each serving one request at a time: the pages are CPU-bound Python
# (assembling and rendering reports) with short waits on PostgreSQL, so (2 × cores)
# + 1 keeps the cores busy while one worker waits. WEB_CONCURRENCY overrides it
# (gunicorn's usual variable). On two cores that is 5, which held 50 users in the
# load test (docs/operations.md, "Proven under load").
workers = _number("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)

# Reading the slowest possible workbook takes about 15 s on two cores; a request
# still running after 60 s is killed (nginx's proxy_read_timeout is 60 s too).
timeout = _number("GUNICORN_TIMEOUT", 60)
# On a restart, requests in progress get this long to finish.
graceful_timeout = 30

# Requests far larger than any the portal accepts are refused before Django reads
# them (docs/operations.md, "Request size limits"); these are gunicorn's defaults,
# stated so that they are kept.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# X-Forwarded-For/-Proto are believed only from these addresses: the proxy in
# front. Django decides https from X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# One line per request on standard output (the journal under systemd), with the
# time taken in milliseconds last; errors on standard error.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Workers' heartbeat files in memory rather than on disk, where a slow disk could
# get a healthy worker killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn), which
# two servers on one machine (a deployment and CI's smoke test, say) would both
# claim; it is off unless a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# The one image behind web, worker, beat and migrate in docker-compose.yml.
FROM python:3.11-slim

# PYTHONPATH: `celery` (unlike `python manage.py` and gunicorn) does not put the working directory
# on sys.path, so without it the worker would import the copy pip installed into site-packages,
# whose BASE_DIR has no templates/ or static/.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=probation.settings

RUN groupadd --system --gid 10001 probation \
    && useradd --system --uid 10001 --gid probation --create-home --home-dir /home/probation \
        --shell /usr/sbin/nologin probation

WORKDIR /app

# Runtime dependencies (not the dev extras), at the versions pinned in the lock file.
COPY . .
RUN pip install -c requirements.lock .

# Static files are baked into the image and served by whitenoise. The values here exist only for
# this step: the key signs nothing, and setting DATABASE_URL keeps the embedded PostgreSQL from
# starting (collectstatic never connects). The real ones come from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=false DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --no-input

USER probation
EXPOSE 8000
CMD ["gunicorn", "probation.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

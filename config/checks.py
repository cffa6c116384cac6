"""Refuse to run production with a missing or stale static-files manifest.

With DEBUG=0, WhiteNoise's CompressedManifestStaticFilesStorage answers every page with a 500
("Missing staticfiles manifest entry") when `collectstatic` ran without the production
environment (no manifest) or before the code's newest assets (stale manifest); `check --deploy`
did not notice. This check does, and config/wsgi.py runs it before gunicorn serves anything."""

import json

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages

# Assets every page links to: a manifest without them is from an older checkout.
REQUIRED_ASSETS = ("css/duban.css", "js/duban.js", "vendor/bootstrap/bootstrap.min.css", "vendor/htmx/htmx.min.js")


def static_manifest_problem() -> str | None:
    """A sentence saying what is wrong with the manifest, or None when it is fine or unused."""
    target = storages["staticfiles"]
    if not isinstance(target, ManifestFilesMixin):
        return None
    path = settings.STATIC_ROOT / target.manifest_name
    if not path.exists():
        return (
            f"静态文件清单 {path} 不存在：请在生产环境变量下（DEBUG=0）运行 "
            "`python manage.py collectstatic --noinput` 后再启动。"
        )
    try:
        paths = json.loads(path.read_text(encoding="utf-8")).get("paths", {})
    except (OSError, ValueError):
        return f"静态文件清单 {path} 无法读取：请重新运行 `python manage.py collectstatic --noinput`。"
    missing = [name for name in REQUIRED_ASSETS if name not in paths]
    if missing:
        return (
            f"静态文件清单 {path} 缺少 {', '.join(missing)}（清单比代码旧）：请重新运行 "
            "`python manage.py collectstatic --noinput`。"
        )
    return None


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs, **kwargs):
    problem = static_manifest_problem()
    return [checks.Error(problem, id="duban.E001")] if problem else []


def refuse_to_start_without_manifest() -> None:
    problem = static_manifest_problem()
    if problem:
        raise ImproperlyConfigured(problem)

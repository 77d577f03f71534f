"""Deployment basics, checked in child processes with a production-like environment.

Settings are read once per process, so each environment gets its own `manage.py` or
tests/support/show_settings.py run: DEBUG off, a long secret key, a real host name.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from intake.models import Report
from tests.support import processes as procs

pytestmark = pytest.mark.slow  # every test starts Python processes

# What the test process's own environment must not leak into a "production" child.
_TEST_ONLY = ("TINGIA_", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_", "CACHE_URL")


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_TEST_ONLY)}
    env.update(
        DJANGO_SETTINGS_MODULE="tingia.settings",
        TINGIA_SECRET_KEY=secrets.token_urlsafe(64),
        TINGIA_ALLOWED_HOSTS="tingia.example.vn",
        TINGIA_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=procs.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def resolved_settings(env: dict[str, str]) -> dict:
    shown = procs.run_module("tests.support.show_settings", env=env)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout.strip().splitlines()[-1])


def test_production_settings_pass_check_deploy(tmp_path):
    checked = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_check_deploy_does_catch_a_weak_setting(tmp_path):
    """The check above can fail: a short secret key is reported."""
    checked = manage(production_env(tmp_path, TINGIA_SECRET_KEY="ngan-qua"), "check", "--deploy",
                     "--fail-level", "WARNING")
    assert checked.returncode != 0
    assert "security.W009" in checked.stdout + checked.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["TINGIA_SECRET_KEY"]
    checked = manage(env, "check")
    assert checked.returncode != 0
    assert "TINGIA_SECRET_KEY must be set" in checked.stderr


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory) -> tuple[dict, Path]:
    tmp_path = tmp_path_factory.mktemp("production")
    return resolved_settings(production_env(tmp_path)), tmp_path


def test_production_settings_are_not_debug(production_settings):
    shown, _ = production_settings
    assert shown["DEBUG"] is False


@pytest.mark.django_db(transaction=True)
def test_demo_data_refuses_to_load_when_debug_is_off(tmp_path):
    if importlib.util.find_spec("intake.management.commands.load_demo") is None:
        pytest.skip("intake/management/commands/load_demo.py does not exist yet")
    env = production_env(tmp_path, DATABASE_URL=procs.database_url())
    loaded = manage(env, "load_demo")
    assert loaded.returncode != 0
    assert "DEBUG" in loaded.stderr
    assert not Report.objects.exists()  # not one demo report ...
    assert not User.objects.exists()  # ... nor a demo account reached the database


def test_uploads_go_to_s3_when_a_bucket_is_set(tmp_path, production_settings):
    shown = resolved_settings(production_env(tmp_path, TINGIA_S3_BUCKET="tingia-media",
                                             TINGIA_S3_ENDPOINT_URL="https://s3.example.vn"))
    assert shown["default_storage"] == "storages.backends.s3.S3Storage"
    assert shown["report_images_use_default_storage"] is True
    assert shown["bucket_name"] == "tingia-media" and shown["endpoint_url"] == "https://s3.example.vn"
    # Private objects behind signed, expiring URLs; a name is never silently overwritten.
    assert shown["default_acl"] == "private" and shown["querystring_auth"] is True
    assert shown["file_overwrite"] is False

    local, _ = production_settings
    assert local["default_storage"] == "django.core.files.storage.filesystem.FileSystemStorage"


@pytest.mark.parametrize(("broker_url", "expected_options"), [
    ("amqp://guest:guest@rabbit.example.vn:5672//", {"confirm_publish": True}),
    ("redis://redis.example.vn:6379/1", {"visibility_timeout": 3600}),
])
def test_real_brokers_are_configured_for_redelivery(tmp_path, broker_url, expected_options):
    env = production_env(tmp_path, CELERY_BROKER_URL=broker_url, TINGIA_QUEUE_PREFIX="prod-")
    shown = resolved_settings(env)
    assert shown["broker_transport_options"] == expected_options
    assert shown["task_acks_late"] is True and shown["task_reject_on_worker_lost"] is True
    assert shown["task_default_queue"] == "prod-default"


def test_the_embedded_queue_has_its_folders(production_settings):
    shown, tmp_path = production_settings
    assert shown["broker_url"] == "filesystem://"
    folder = Path(shown["broker_transport_options"]["data_folder_in"])
    assert folder.is_dir() and folder.is_relative_to(tmp_path / "var")
    assert shown["beat_sweep_seconds"] == 15

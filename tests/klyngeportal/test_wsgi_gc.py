"""The WSGI application freezes what it loaded at start, so that full garbage collections skip it (issue 16)."""
import gc
import importlib


def test_the_objects_loaded_at_start_are_frozen():
    import klyngeportal.wsgi

    gc.unfreeze()
    try:
        importlib.reload(klyngeportal.wsgi)
        assert gc.get_freeze_count() > 10_000  # Django, the apps and their modules
        assert callable(klyngeportal.wsgi.application)
    finally:
        gc.unfreeze()  # the test process goes on collecting as before

pytest_plugins = ["jetstream_es.testing.pytest_plugin"]

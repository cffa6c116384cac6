# The task fixtures and the browser of the tasks app's tests, shared rather than copied.
from tasks.tests.conftest import browser, lead_assignment, support_assignment, task  # noqa: F401

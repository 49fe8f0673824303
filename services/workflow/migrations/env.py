from runtime.migrations import run_env
from services.workflow import SPEC

run_env(SPEC.metadata)

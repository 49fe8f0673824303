from runtime.migrations import run_env
from services.workflow.store import Base

run_env(Base.metadata)

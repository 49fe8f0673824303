from runtime.migrations import run_env
from services.notify.store import Base

run_env(Base.metadata)

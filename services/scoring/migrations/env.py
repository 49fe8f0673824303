from runtime.migrations import run_env
from services.scoring.store import Base

run_env(Base.metadata)

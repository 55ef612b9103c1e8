"""Operations that touch every app: backup, restore, the scheduled retention run. Installed in
production (the backups run there)."""

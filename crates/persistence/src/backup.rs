//! Online backups: a consistent copy of a SQLite database taken while writes go on.
//!
//! `VACUUM INTO` runs in one read transaction on a reader connection, so it copies the database
//! as of one commit (WAL lets writers continue beside it) and never blocks the writer. The copy
//! is written beside the target and renamed into place, so a backup interrupted halfway never
//! leaves a file that looks complete.

use std::path::Path;

use bantin_domain::{Error, Result};
use sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::{Store, mapping::db_err};

impl Store {
    /// Writes a consistent copy of the database to `target`, which must not exist yet.
    pub async fn backup_to(&self, target: &Path) -> Result<()> {
        if self.reader.get_database_backend() != DatabaseBackend::Sqlite {
            return Err(Error::invalid(
                "database",
                "bantin backs up SQLite databases; for PostgreSQL use its own tools: \
                 pg_dump --format=custom DATABASE_URL > FILE (or continuous archiving)",
            ));
        }
        if target.exists() {
            return Err(Error::invalid(
                "to",
                format!("{} exists already; choose a new file", target.display()),
            ));
        }
        let partial = target.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let path = partial
            .to_str()
            .ok_or_else(|| Error::invalid("to", "the backup path must be valid UTF-8"))?
            .replace('\'', "''");
        self.reader
            .execute_unprepared(&format!("VACUUM INTO '{path}'"))
            .await
            .map_err(db_err("copying the database"))?;
        std::fs::rename(&partial, target).map_err(|err| {
            Error::Unexpected(format!("moving the backup into place at {}: {err}", target.display()))
        })
    }
}

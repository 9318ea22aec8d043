use rusqlite::Connection;

use crate::domain::{Error, Result};

/// The schema's steps, in order; `PRAGMA user_version` counts those a database has taken.
/// Append a step for every change and never edit one that has shipped: a data folder of any
/// earlier version is brought up to date when it is opened.
pub(super) const MIGRATIONS: &[&str] = &[
    BASELINE,
    AUTHORIZATIONS,
    BLOCKS_AND_HIDING,
    EDITS_AND_REACTIONS,
    ATTACHMENTS,
];

/// Version 5: attachments, announced before their upload and used by one message.
const ATTACHMENTS: &str = "
        CREATE TABLE attachments (
            id BLOB PRIMARY KEY,
            group_id BLOB NOT NULL,
            uploader_id BLOB NOT NULL,
            filename TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            used_by TEXT
        ) WITHOUT ROWID;
        ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
";

/// Sets the connection up and migrates the schema. WAL with `synchronous = NORMAL` keeps every
/// committed write across a crash of the process (not of the machine), and is fast.
pub(super) fn prepare(conn: &mut Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    migrate(conn, MIGRATIONS)
}

/// Runs the steps the database has not taken yet, each in its own transaction with its
/// version, so an interrupted upgrade resumes where it stopped. A database from a newer
/// version is refused rather than misread.
pub(super) fn migrate(conn: &mut Connection, steps: &[&str]) -> Result<()> {
    let stored: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let version = usize::try_from(stored)
        .map_err(|_| Error::internal(format!("the database has schema version {stored}")))?;
    if version > steps.len() {
        return Err(Error::internal(format!(
            "the database has schema version {version}, newer than this build knows ({}): \
             run a newer chat-local or restore a backup",
            steps.len()
        )));
    }
    for (index, step) in steps.iter().enumerate().skip(version) {
        let transaction = conn.transaction()?;
        transaction.execute_batch(step)?;
        transaction.pragma_update(None, "user_version", index as i64 + 1)?;
        transaction.commit()?;
        tracing::info!(version = index + 1, "database schema migrated");
    }
    Ok(())
}

/// Version 1: the schema as first released. Written with `IF NOT EXISTS` because folders
/// created before versioning (user_version 0) already hold these tables.
const BASELINE: &str = "
        CREATE TABLE IF NOT EXISTS users (
            id BLOB PRIMARY KEY,
            username TEXT NOT NULL,
            username_key TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sessions (
            id BLOB PRIMARY KEY,
            user_id BLOB NOT NULL,
            device TEXT NOT NULL,
            secret_hash BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id, expires_at);
        CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
        CREATE TABLE IF NOT EXISTS chat_groups (
            id BLOB PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT,
            created_by BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0,
            direct_key TEXT UNIQUE
        );
        CREATE TABLE IF NOT EXISTS members (
            group_id BLOB NOT NULL,
            user_id BLOB NOT NULL,
            role TEXT NOT NULL,
            joined_at INTEGER NOT NULL,
            read_seq INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (group_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS members_by_user ON members (user_id);
        CREATE TABLE IF NOT EXISTS messages (
            group_id BLOB NOT NULL,
            seq INTEGER NOT NULL,
            id BLOB NOT NULL,
            sender_id BLOB NOT NULL,
            text TEXT NOT NULL,
            client_msg_id TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            PRIMARY KEY (group_id, seq)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id
            ON messages (group_id, sender_id, client_msg_id);
        CREATE TABLE IF NOT EXISTS inboxes (
            session_id BLOB PRIMARY KEY,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS inbox_entries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id BLOB NOT NULL,
            body TEXT NOT NULL,
            visible_at INTEGER NOT NULL,
            receipt TEXT
        );
        CREATE INDEX IF NOT EXISTS inbox_entries_by_session
            ON inbox_entries (session_id, visible_at);
        CREATE TABLE IF NOT EXISTS timers (
            group_id BLOB PRIMARY KEY,
            state TEXT NOT NULL,
            accumulated_ms INTEGER NOT NULL,
            running_since INTEGER,
            started_at INTEGER,
            updated_at INTEGER NOT NULL,
            rate_amount INTEGER,
            rate_currency TEXT,
            version INTEGER NOT NULL,
            run_id BLOB
        );
        CREATE TABLE IF NOT EXISTS wallets (
            user_id BLOB NOT NULL,
            currency TEXT NOT NULL,
            balance INTEGER NOT NULL CHECK (balance >= 0),
            PRIMARY KEY (user_id, currency)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS ledger_entries (
            id BLOB PRIMARY KEY,
            user_id BLOB NOT NULL,
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            kind TEXT NOT NULL,
            charge_id BLOB,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ledger_entries_by_user ON ledger_entries (user_id, created_at);
        CREATE TABLE IF NOT EXISTS charges (
            id BLOB PRIMARY KEY,
            payer_id BLOB NOT NULL,
            payee_id BLOB NOT NULL,
            amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            group_id BLOB,
            description TEXT,
            created_at INTEGER NOT NULL,
            source TEXT UNIQUE
        );
        CREATE INDEX IF NOT EXISTS charges_by_payer ON charges (payer_id, created_at);
        CREATE INDEX IF NOT EXISTS charges_by_payee ON charges (payee_id, created_at);
        CREATE TABLE IF NOT EXISTS idempotency (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            result_id BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (scope, key)
        ) WITHOUT ROWID;
";

/// Version 4: edited and deleted messages, replies, and reactions.
const EDITS_AND_REACTIONS: &str = "
        ALTER TABLE messages ADD COLUMN edited_at INTEGER;
        ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN reply_to INTEGER;
        CREATE TABLE reactions (
            group_id BLOB NOT NULL,
            seq INTEGER NOT NULL,
            emoji TEXT NOT NULL,
            user_id BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (group_id, seq, emoji, user_id)
        ) WITHOUT ROWID;
";

/// Version 3: blocks between users, and chats a member hid.
const BLOCKS_AND_HIDING: &str = "
        CREATE TABLE blocks (
            blocker BLOB NOT NULL,
            blocked BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (blocker, blocked)
        ) WITHOUT ROWID;
        CREATE INDEX blocks_by_blocked ON blocks (blocked, blocker);
        ALTER TABLE members ADD COLUMN hidden_seq INTEGER;
";

/// Version 2: spending authorizations, one per payer, provider and currency.
const AUTHORIZATIONS: &str = "
        CREATE TABLE authorizations (
            payer_id BLOB NOT NULL,
            provider_id BLOB NOT NULL,
            currency TEXT NOT NULL,
            id BLOB NOT NULL UNIQUE,
            max_amount INTEGER NOT NULL,
            remaining INTEGER NOT NULL CHECK (remaining >= 0),
            expires_at INTEGER,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (payer_id, provider_id, currency)
        ) WITHOUT ROWID;
";

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> usize {
        let stored: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        stored as usize
    }

    #[test]
    fn migrate_runs_only_the_steps_a_database_has_not_taken_in_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps = [
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
            "INSERT INTO notes (body) VALUES ('from step 2');",
        ];
        migrate(&mut conn, &steps[..1]).unwrap();
        assert_eq!(version(&conn), 1);
        migrate(&mut conn, &steps).unwrap();
        migrate(&mut conn, &steps).unwrap();
        assert_eq!(version(&conn), 2);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM notes", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 1, "step 2 ran once");
    }

    #[test]
    fn a_failed_step_leaves_the_database_at_the_previous_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps = [
            "CREATE TABLE a (x);",
            "CREATE TABLE b (y); SELECT nonsense FROM nowhere;",
        ];
        assert!(migrate(&mut conn, &steps).is_err());
        assert_eq!(version(&conn), 1);
        let b_exists: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'b'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(b_exists, 0, "the failed step was rolled back whole");
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", MIGRATIONS.len() as i64 + 1)
            .unwrap();
        let error = prepare(&mut conn).unwrap_err();
        assert!(
            error.to_string().contains("newer than this build"),
            "{error}"
        );
    }

    #[test]
    fn a_new_database_takes_every_step() {
        let mut conn = Connection::open_in_memory().unwrap();
        prepare(&mut conn).unwrap();
        assert_eq!(version(&conn), MIGRATIONS.len());
    }
}

use rusqlite::Connection;

/// Creates the tables when they do not exist. WAL with `synchronous = NORMAL` keeps every
/// committed write across a crash of the process (not of the machine), and is fast.
pub(super) fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    conn.execute_batch(
        "
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
        ",
    )
}

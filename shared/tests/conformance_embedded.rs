//! The conformance suite on the embedded adapters (SQLite file + in-process wake-ups).

use std::sync::Arc;
use std::time::Duration;

use chat_core::embedded::EmbeddedStore;
use chat_core::ports::{Ports, SystemClock};

const VISIBILITY: Duration = Duration::from_secs(1);

async fn embedded() -> (tempfile::TempDir, Ports, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(
        &dir.path().join("chat.db"),
        Arc::new(SystemClock),
        VISIBILITY,
    )
    .unwrap();
    (dir, store.ports(), VISIBILITY)
}

chat_core::conformance_suite!(embedded);

//! Failed-attempt counters in memory: chat-local is one process, and a restart forgetting
//! them only lifts limits early.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::domain::{Error, Result, Timestamp};
use crate::ports::FailureCounters;

/// Past this many keys, those of ended windows are dropped before another is added.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Default)]
pub struct MemoryFailureCounters {
    counts: Mutex<HashMap<String, (u32, Timestamp)>>,
}

fn poisoned<T>(_: T) -> Error {
    Error::internal("the failure counters' lock is poisoned")
}

#[async_trait]
impl FailureCounters for MemoryFailureCounters {
    async fn failures(&self, keys: &[String], window_end: Timestamp) -> Result<Vec<u32>> {
        let counts = self.counts.lock().map_err(poisoned)?;
        Ok(keys
            .iter()
            .map(|key| match counts.get(key) {
                Some((count, end)) if *end == window_end => *count,
                _ => 0,
            })
            .collect())
    }

    async fn count_failure(&self, keys: &[String], window_end: Timestamp) -> Result<()> {
        let mut counts = self.counts.lock().map_err(poisoned)?;
        if counts.len() > PRUNE_ABOVE {
            counts.retain(|_, (_, end)| *end >= window_end);
        }
        for key in keys {
            let entry = counts.entry(key.clone()).or_insert((0, window_end));
            if entry.1 != window_end {
                *entry = (0, window_end);
            }
            entry.0 = entry.0.saturating_add(1);
        }
        Ok(())
    }
}

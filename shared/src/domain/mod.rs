//! Types and rules of the chat domain. Nothing here does I/O.

pub mod error;
pub mod event;
pub mod group;
pub mod live;
pub mod message;
pub mod money;
pub mod page;
pub mod policy;
pub mod session;
pub mod time;
pub mod timer;
pub mod user;

pub use error::{Error, Result};
pub use time::Timestamp;

/// Every id in the product is a UUID; v7 ones sort by creation time.
pub type Id = uuid::Uuid;

/// A new time-ordered id.
pub fn new_id() -> Id {
    uuid::Uuid::now_v7()
}

/// When an id from [`new_id`] was made (a UUID v7 carries its time); `None` for others.
pub fn id_time(id: Id) -> Option<Timestamp> {
    let (seconds, nanos) = id.get_timestamp()?.to_unix();
    let millis = i64::try_from(seconds).ok()?.checked_mul(1000)? + i64::from(nanos / 1_000_000);
    Some(Timestamp::from_millis(millis))
}

/// Parses an id from a path segment or body field, naming the field in the error.
pub fn parse_id(field: &str, raw: &str) -> Result<Id> {
    uuid::Uuid::try_parse(raw).map_err(|_| Error::Invalid(format!("{field} is not a valid id")))
}

use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Counts the calls the adapters make, per service, and how many were in flight at once:
/// the measured cost of a use case, not an estimate.
#[derive(Default)]
pub struct Meter {
    dynamodb: AtomicU64,
    sqs: AtomicU64,
    push: AtomicU64,
    s3: AtomicU64,
    in_flight: AtomicI64,
    max_in_flight: AtomicI64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallCounts {
    pub dynamodb: u64,
    pub sqs: u64,
    /// Calls to API Gateway's management API (pushes and closes on live connections).
    pub push: u64,
    /// S3 calls (attachments; presigning makes none).
    pub s3: u64,
    pub max_in_flight: i64,
}

struct InFlight<'a>(&'a Meter);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Meter {
    fn enter(&self, counter: &AtomicU64) -> InFlight<'_> {
        counter.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }

    pub async fn dynamodb<T>(&self, call: impl Future<Output = T>) -> T {
        let _in_flight = self.enter(&self.dynamodb);
        call.await
    }

    pub async fn sqs<T>(&self, call: impl Future<Output = T>) -> T {
        let _in_flight = self.enter(&self.sqs);
        call.await
    }

    pub async fn s3<T>(&self, call: impl Future<Output = T>) -> T {
        let _in_flight = self.enter(&self.s3);
        call.await
    }

    pub async fn push<T>(&self, call: impl Future<Output = T>) -> T {
        let _in_flight = self.enter(&self.push);
        call.await
    }

    pub fn counts(&self) -> CallCounts {
        CallCounts {
            dynamodb: self.dynamodb.load(Ordering::SeqCst),
            sqs: self.sqs.load(Ordering::SeqCst),
            push: self.push.load(Ordering::SeqCst),
            s3: self.s3.load(Ordering::SeqCst),
            max_in_flight: self.max_in_flight.load(Ordering::SeqCst),
        }
    }

    /// Starts a new measurement.
    pub fn reset(&self) {
        self.dynamodb.store(0, Ordering::SeqCst);
        self.sqs.store(0, Ordering::SeqCst);
        self.push.store(0, Ordering::SeqCst);
        self.s3.store(0, Ordering::SeqCst);
        self.max_in_flight.store(0, Ordering::SeqCst);
    }
}

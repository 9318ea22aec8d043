/// The one error type of the domain. Each variant is a meaning; the HTTP layer maps it to a
/// status and the contract's code (`http::status_of`, `http::code_of`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    InsufficientFunds(String),
    #[error("{0}")]
    Forbidden(String),
    /// The payer has not authorized this payee to charge this much.
    #[error("{0}")]
    PaymentNotAuthorized(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// The client took too long to send its request.
    #[error("{0}")]
    RequestTimeout(String),
    /// Refused for now; the client may try again after `retry_after_secs`.
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    /// Busy for now (a store stayed contended): the client may retry shortly.
    #[error("{0}")]
    Unavailable(String),
    /// A fault of ours or of a backing service; the text is logged, never sent to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn internal(context: impl std::fmt::Display) -> Self {
        Error::Internal(context.to_string())
    }

    /// What the client may read: internal details stay in the logs.
    pub fn public_message(&self) -> String {
        match self {
            Error::Internal(_) => "internal error".to_string(),
            other => other.to_string(),
        }
    }
}

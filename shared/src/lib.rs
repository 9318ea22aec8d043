//! chat-core: the chat domain, its ports, the services over them, the HTTP plumbing every
//! function shares, and the adapters: embedded (SQLite) always, AWS (DynamoDB + SQS) behind the
//! `aws` feature.

#[cfg(feature = "aws")]
pub mod aws;
pub mod config;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod domain;
pub mod embedded;
pub mod fixture;
pub mod http;
pub mod ports;
pub mod service;

pub use domain::error::{Error, Result};

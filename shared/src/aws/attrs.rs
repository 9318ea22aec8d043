//! Reading and writing DynamoDB items by hand: explicit about every attribute's type.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};

use crate::domain::{Error, Id, Result, Timestamp};

pub type Item = HashMap<String, AttributeValue>;

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn id(value: Id) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

pub fn time(value: Timestamp) -> AttributeValue {
    n(value.as_millis())
}

pub fn bytes(value: &[u8]) -> AttributeValue {
    AttributeValue::B(Blob::new(value))
}

/// A fixed-width time for sort keys, so that string order is time order.
pub fn sortable_time(value: Timestamp) -> String {
    format!("{:015}", value.as_millis().max(0))
}

/// Seconds since the epoch, as DynamoDB's TTL wants them.
pub fn ttl(value: Timestamp) -> AttributeValue {
    n(value.as_millis() / 1000)
}

fn missing(name: &str) -> Error {
    Error::internal(format!("stored item lacks {name}"))
}

pub fn get_s(item: &Item, name: &str) -> Result<String> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Ok(value.clone()),
        _ => Err(missing(name)),
    }
}

pub fn get_opt_s(item: &Item, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.clone()),
        _ => None,
    }
}

pub fn get_n(item: &Item, name: &str) -> Result<i64> {
    match item.get(name) {
        Some(AttributeValue::N(value)) => value.parse().map_err(|_| missing(name)),
        _ => Err(missing(name)),
    }
}

pub fn get_opt_n(item: &Item, name: &str) -> Result<Option<i64>> {
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(_) => get_n(item, name).map(Some),
    }
}

pub fn get_id(item: &Item, name: &str) -> Result<Id> {
    uuid::Uuid::try_parse(&get_s(item, name)?).map_err(|_| missing(name))
}

pub fn get_opt_id(item: &Item, name: &str) -> Result<Option<Id>> {
    get_opt_s(item, name)
        .map(|text| uuid::Uuid::try_parse(&text).map_err(|_| missing(name)))
        .transpose()
}

pub fn get_time(item: &Item, name: &str) -> Result<Timestamp> {
    get_n(item, name).map(Timestamp::from_millis)
}

pub fn get_opt_time(item: &Item, name: &str) -> Result<Option<Timestamp>> {
    get_opt_n(item, name).map(|v| v.map(Timestamp::from_millis))
}

pub fn get_bytes(item: &Item, name: &str) -> Result<Vec<u8>> {
    match item.get(name) {
        Some(AttributeValue::B(blob)) => Ok(blob.as_ref().to_vec()),
        _ => Err(missing(name)),
    }
}

/// Builds an item from pairs, skipping absent optional values.
pub fn item<const N: usize>(pairs: [(&str, Option<AttributeValue>); N]) -> Item {
    pairs
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name.to_string(), v)))
        .collect()
}

/// One put in a transaction, with a condition on attributes named as they are.
pub fn transact_put(table: &str, item: Item, condition: Option<&str>) -> Result<TransactWriteItem> {
    Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .set_condition_expression(condition.map(str::to_string))
        .build()
        .map(|put| TransactWriteItem::builder().put(put).build())
        .map_err(Error::internal)
}

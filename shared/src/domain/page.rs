//! Paged lists: a page size and an opaque cursor in, the items and the next cursor out.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Error, Result};

pub const DEFAULT_PAGE_SIZE: usize = 50;
pub const MAX_PAGE_SIZE: usize = 200;

/// What a client asks for: `?limit=N&cursor=C`.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; absent for the first.
    pub cursor: Option<String>,
}

/// A page request as a store takes it: at most `limit` items after the position `after`
/// (the store's own cursor, from its previous page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<String>,
    pub limit: usize,
}

/// One page: its items, and the store's cursor for the next page (none on the last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The page from `limit + 1` items read in order: the extra one only says there is more.
    pub fn from_one_extra(
        mut items: Vec<T>,
        limit: usize,
        cursor_of: impl Fn(&T) -> String,
    ) -> Page<T> {
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more {
            items.last().map(cursor_of)
        } else {
            None
        };
        Page { items, next }
    }
}

impl<T> Page<T> {
    /// The page as a client sees it: the store's cursor made opaque.
    pub fn for_client(self) -> Page<T> {
        Page {
            items: self.items,
            next: self.next.as_deref().map(client_cursor),
        }
    }
}

fn bad_cursor() -> Error {
    Error::Invalid("cursor is not a next_cursor of this list".to_string())
}

impl PageQuery {
    /// The store's request: the limit checked, the cursor unwrapped.
    pub fn request(&self) -> Result<PageRequest> {
        let limit = match self.limit {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (1..=MAX_PAGE_SIZE as u32).contains(&n) => n as usize,
            Some(_) => {
                return Err(Error::Invalid(format!(
                    "limit must be 1 to {MAX_PAGE_SIZE}"
                )));
            }
        };
        let after = match &self.cursor {
            None => None,
            Some(cursor) => {
                let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
                Some(String::from_utf8(bytes).map_err(|_| bad_cursor())?)
            }
        };
        Ok(PageRequest { after, limit })
    }
}

/// The cursor a client sees: the store's, wrapped so that it is opaque and URL-safe.
pub fn client_cursor(store_cursor: &str) -> String {
    URL_SAFE_NO_PAD.encode(store_cursor)
}

/// A store cursor of the form `<millis>:<uuid>`, as the embedded store and the group list
/// write them; anything else is the client's invention (400).
pub fn parse_time_id_cursor(cursor: &str) -> Result<(i64, super::Id)> {
    let (time, id) = cursor.split_once(':').ok_or_else(bad_cursor)?;
    Ok((
        time.parse().map_err(|_| bad_cursor())?,
        uuid::Uuid::try_parse(id).map_err(|_| bad_cursor())?,
    ))
}

/// A store cursor that must begin with `prefix` (a DynamoDB sort key, say).
pub fn check_prefixed_cursor<'a>(cursor: &'a str, prefix: &str) -> Result<&'a str> {
    if cursor.starts_with(prefix) && cursor.len() <= 200 {
        Ok(cursor)
    } else {
        Err(bad_cursor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_query_checks_its_limit_and_unwraps_its_cursor() {
        let query = |limit, cursor: Option<&str>| PageQuery {
            limit,
            cursor: cursor.map(str::to_string),
        };
        assert_eq!(query(None, None).request().unwrap().limit, 50);
        assert_eq!(query(Some(200), None).request().unwrap().limit, 200);
        for bad in [Some(0), Some(201)] {
            assert!(query(bad, None).request().is_err());
        }
        let wrapped = client_cursor("123:abc");
        assert_eq!(
            query(None, Some(&wrapped))
                .request()
                .unwrap()
                .after
                .as_deref(),
            Some("123:abc")
        );
        assert!(query(None, Some("not base64!")).request().is_err());
        assert!(parse_time_id_cursor("123:abc").is_err());
        assert!(check_prefixed_cursor("CHARGE#1", "ENTRY#").is_err());
    }

    #[test]
    fn a_page_of_one_extra_says_whether_there_is_more() {
        let page = Page::from_one_extra(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(
            page,
            Page {
                items: vec![1, 2],
                next: Some("2".to_string())
            }
        );
        let last = Page::from_one_extra(vec![1, 2], 2, |n| n.to_string());
        assert_eq!(last.next, None);
    }
}

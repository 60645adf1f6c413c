//! Paginated listings (catalog and tags) exactly as the distribution API: lexical order,
//! `n` items at most, `last` excludes itself, `n = 0` gives an empty page with no next marker,
//! and `next` (the `last` for the following page) is present only while more remain.

use serde::Serialize;

use super::error::{ErrorCode, Result, arg, err_k};

/// Page size when the client gives no `n` (ACR answers 100 repositories per page).
pub const PAGE_DEFAULT: usize = 100;
/// Largest `n` accepted (distribution's default maximum entries).
pub const PAGE_MAX: usize = 1000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Page {
    pub items: Vec<String>,
    /// Pass as `last` to get the next page; absent on the last page.
    pub next: Option<String>,
}

/// Validates `n`; `None` means the default page size.
pub fn page_size(n: Option<u64>) -> Result<usize> {
    match n {
        None => Ok(PAGE_DEFAULT),
        Some(n) if n <= PAGE_MAX as u64 => Ok(n as usize),
        Some(n) => {
            err_k(ErrorCode::PaginationNumberInvalid, "errors.page_too_large", [arg(n), arg(PAGE_MAX)])
        }
    }
}

/// Takes up to `n` names from an ordered iterator that already starts after `last`.
pub fn paginate<'a>(mut after_last: impl Iterator<Item = &'a str>, n: usize) -> Page {
    if n == 0 {
        return Page { items: vec![], next: None };
    }
    let items: Vec<String> = after_last.by_ref().take(n).map(str::to_string).collect();
    let next = match after_last.next() {
        Some(_) => items.last().cloned(),
        None => None,
    };
    Page { items, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_distribution_rules() {
        let names = ["a", "b", "c"];
        assert_eq!(paginate(names.into_iter(), 0), Page { items: vec![], next: None });
        assert_eq!(
            paginate(names.into_iter(), 2),
            Page { items: vec!["a".into(), "b".into()], next: Some("b".into()) }
        );
        assert_eq!(
            paginate(names.into_iter(), 3),
            Page { items: vec!["a".into(), "b".into(), "c".into()], next: None }
        );
        assert_eq!(paginate(names.into_iter().skip(2), 5), Page { items: vec!["c".into()], next: None });
        assert_eq!(page_size(None), Ok(100));
        assert_eq!(page_size(Some(1000)), Ok(1000));
        assert_eq!(page_size(Some(1001)).map_err(|e| e.code), Err(ErrorCode::PaginationNumberInvalid));
    }
}

//! Names a client gives: repository names, tags and references (tag or digest), parsed once at
//! the edge by the OCI distribution-spec grammar. Inside the engine they are always valid.

use std::borrow::Borrow;
use std::fmt;

use serde::Serialize;

use super::digest::{Digest, truncate};
use super::error::{ErrorCode, RegistryError, Result, quoted};

/// Longest repository name accepted (many clients cap host + `/` + name at 255).
pub const REPO_NAME_MAX_CHARS: usize = 255;
/// Longest tag (`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`).
pub const TAG_MAX_CHARS: usize = 128;

/// A repository name: `/`-separated components, each
/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`. Namespaces are not a hierarchy.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RepoName(String);

impl RepoName {
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = |key: &'static str| {
            RegistryError::keyed(ErrorCode::NameInvalid, key, [quoted(truncate(text, 80))])
        };
        if text.is_empty() {
            return Err(invalid("errors.repo_name_empty"));
        }
        if text.len() > REPO_NAME_MAX_CHARS {
            return Err(invalid("errors.repo_name_too_long"));
        }
        for component in text.split('/') {
            check_component(component).map_err(invalid)?;
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks one path component of a repository name; the error is the catalogue key saying why.
fn check_component(c: &str) -> std::result::Result<(), &'static str> {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = c.as_bytes();
    match (bytes.first(), bytes.last()) {
        (None, _) => return Err("errors.repo_name_empty_component"),
        (Some(&f), Some(&l)) if !alnum(f) || !alnum(l) => {
            return Err("errors.repo_name_component_ends");
        }
        _ => {}
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !ok {
            return Err("errors.repo_name_separators");
        }
    }
    Ok(())
}

impl Borrow<str> for RepoName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// A tag: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Tag(String);

impl Tag {
    /// Parses a tag; a bad one is `MANIFEST_INVALID` (the code a registry answers a push with).
    pub fn parse(text: &str) -> Result<Self> {
        let ok_first = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let ok_rest = |b: u8| ok_first(b) || b == b'.' || b == b'-';
        let bytes = text.as_bytes();
        let why = match bytes.split_first() {
            None => Some("errors.tag_empty"),
            Some(_) if bytes.len() > TAG_MAX_CHARS => Some("errors.tag_too_long"),
            Some((&f, _)) if !ok_first(f) => Some("errors.tag_first_char"),
            Some((_, rest)) if !rest.iter().all(|&b| ok_rest(b)) => Some("errors.tag_chars"),
            _ => None,
        };
        match why {
            Some(why) => {
                Err(RegistryError::keyed(ErrorCode::ManifestInvalid, why, [quoted(truncate(text, 80))]))
            }
            None => Ok(Self(text.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Tag {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// What a manifest request names: a tag or a digest. Text with a `:` is a digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    Tag(Tag),
    Digest(Digest),
}

impl Reference {
    pub fn parse(text: &str) -> Result<Self> {
        if text.contains(':') {
            Digest::parse(text).map(Self::Digest)
        } else {
            Tag::parse(text).map(Self::Tag)
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tag(t) => t.fmt(f),
            Self::Digest(d) => d.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_repository_names_parse() {
        for good in [
            "a",
            "library/ubuntu",
            "my-app",
            "my--app",
            "a.b",
            "a_b",
            "a__b",
            "team/sub.team/app_1-2",
            "0",
            &"a".repeat(255),
        ] {
            assert_eq!(RepoName::parse(good).map(|r| r.to_string()), Ok(good.to_string()));
        }
    }

    #[test]
    fn bad_repository_names_are_name_invalid() {
        for bad in [
            "",
            "A",
            "Library/ubuntu",
            "-a",
            "a-",
            "a..b",
            "a___b",
            "a._b",
            "/a",
            "a/",
            "a//b",
            "a b",
            "a:b",
            "a@b",
            "ä",
            &"a".repeat(256),
        ] {
            let e = RepoName::parse(bad).expect_err(bad);
            assert_eq!(e.code, ErrorCode::NameInvalid, "{bad:?}");
        }
    }

    #[test]
    fn tags_follow_the_oci_grammar() {
        for good in ["latest", "v1.2.3", "_x", "A-b_c.d", "1", &"t".repeat(128)] {
            assert!(Tag::parse(good).is_ok(), "{good}");
        }
        for bad in ["", ".x", "-x", "a/b", "a:b", "a b", "é", &"t".repeat(129)] {
            assert_eq!(Tag::parse(bad).map_err(|e| e.code), Err(ErrorCode::ManifestInvalid), "{bad}");
        }
    }

    #[test]
    fn references_are_tags_or_digests() {
        assert!(matches!(Reference::parse("latest"), Ok(Reference::Tag(_))));
        let d = Digest::of(b"x").to_string();
        assert!(matches!(Reference::parse(&d), Ok(Reference::Digest(_))));
        assert_eq!(Reference::parse("sha256:00").map_err(|e| e.code), Err(ErrorCode::DigestInvalid));
    }
}

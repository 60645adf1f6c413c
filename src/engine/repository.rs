//! A repository: its tags, the manifests it holds and its links to blobs. A link counts how
//! many of the repository's manifests reference the blob; a link at 0 is a blob pushed (or
//! mounted) and not yet referenced by any manifest, as during a push.

use std::collections::{BTreeMap, BTreeSet};

use super::digest::Digest;
use super::names::Tag;

#[derive(Clone, Debug, Default)]
pub struct Repository {
    pub tags: BTreeMap<Tag, Digest>,
    pub manifests: BTreeSet<Digest>,
    pub links: BTreeMap<Digest, u32>,
}

impl Repository {
    pub fn has_blob(&self, digest: &Digest) -> bool {
        self.links.contains_key(digest)
    }

    /// Tags pointing at a manifest, in lexical order.
    pub fn tags_of(&self, digest: &Digest) -> Vec<Tag> {
        self.tags.iter().filter(|(_, d)| *d == digest).map(|(t, _)| t.clone()).collect()
    }

    /// Removes every tag pointing at `digest`; returns them.
    pub fn remove_tags_of(&mut self, digest: &Digest) -> Vec<Tag> {
        let tags = self.tags_of(digest);
        for t in &tags {
            self.tags.remove(t);
        }
        tags
    }

    /// A repository with nothing left in it disappears.
    pub fn is_empty(&self) -> bool {
        self.manifests.is_empty() && self.links.is_empty()
    }
}

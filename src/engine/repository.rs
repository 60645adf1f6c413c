//! A repository: its tags, the manifests it holds and its links to blobs. A link counts how
//! many of the repository's manifests reference the blob; a link at 0 is a blob pushed (or
//! mounted) and not yet referenced by any manifest, as during a push.

use std::collections::{BTreeMap, BTreeSet};

use super::clock::Millis;
use super::digest::Digest;
use super::locks::Attributes;
use super::names::Tag;
use super::soft_delete::DeletedTag;

/// What a lock is on, inside a repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockTarget {
    Tag(Tag),
    Manifest(Digest),
}

#[derive(Clone, Debug, Default)]
pub struct Repository {
    pub tags: BTreeMap<Tag, Digest>,
    pub manifests: BTreeSet<Digest>,
    pub links: BTreeMap<Digest, u32>,
    pub attributes: Attributes,
    /// Tag and manifest attributes that differ from the default (locks are few: a vector).
    pub locks: Vec<(LockTarget, Attributes)>,
    /// When each manifest that lost its last tag lost it (the retention policy's clock).
    pub untagged_at: BTreeMap<Digest, Millis>,
    /// Soft delete's bin: manifests deleted (when, with which tags), still held and billed.
    pub deleted_manifests: BTreeMap<Digest, (Millis, Vec<Tag>)>,
    /// Soft delete's bin: tags removed from manifests that may still be live.
    pub deleted_tags: Vec<DeletedTag>,
    /// When (and in which region) each tag was last written or removed: geo-replication's
    /// last-writer-wins rule compares these.
    pub tag_stamps: BTreeMap<Tag, (Millis, &'static str)>,
    /// When each manifest arrived in the repository (pushed, replicated, mounted or restored).
    pub pushed_at: BTreeMap<Digest, Millis>,
}

impl LockTarget {
    /// Parses the target of an attributes event: `repository` (None), `:tag` or `@digest`.
    pub fn parse(text: &str) -> Option<Self> {
        if let Some(t) = text.strip_prefix(':') {
            return super::names::Tag::parse(t).ok().map(Self::Tag);
        }
        text.strip_prefix('@').and_then(|d| Digest::parse(d).ok()).map(Self::Manifest)
    }
}

impl Repository {
    /// The last write of `tag` here: (virtual time, region); the lowest stamp if never.
    pub fn tag_stamp(&self, tag: &Tag) -> (Millis, &'static str) {
        self.tag_stamps.get(tag).copied().unwrap_or((Millis(0), ""))
    }

    pub fn attributes_of(&self, target: &LockTarget) -> Attributes {
        self.locks.iter().find(|(t, _)| t == target).map_or_else(Attributes::default, |(_, a)| *a)
    }

    pub fn tag_attributes(&self, tag: &Tag) -> Attributes {
        self.attributes_of(&LockTarget::Tag(tag.clone()))
    }

    pub fn manifest_attributes(&self, digest: &Digest) -> Attributes {
        self.attributes_of(&LockTarget::Manifest(*digest))
    }

    /// Sets a tag's or manifest's attributes (a default set removes the entry).
    pub fn set_attributes(&mut self, target: LockTarget, attributes: Attributes) {
        self.locks.retain(|(t, _)| *t != target);
        if !attributes.is_default() {
            self.locks.push((target, attributes));
        }
    }

    /// Forgets the attributes of a tag or manifest that is gone.
    pub fn forget(&mut self, target: &LockTarget) {
        self.locks.retain(|(t, _)| t != target);
    }

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
            self.forget(&LockTarget::Tag(t.clone()));
        }
        tags
    }

    /// A repository with nothing left in it disappears.
    pub fn is_empty(&self) -> bool {
        self.manifests.is_empty()
            && self.links.is_empty()
            && self.deleted_manifests.is_empty()
            && self.deleted_tags.is_empty()
    }
}

//! A repository: its tags, the manifests it holds and its links to blobs. A link counts how
//! many of the repository's manifests reference the blob; a link at 0 is a blob pushed (or
//! mounted) and not yet referenced by any manifest, as during a push. `Repos`: a replica's
//! repositories, with the indexes its views read kept as they change.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::clock::Millis;
use super::digest::Digest;
use super::locks::Attributes;
use super::names::{RepoName, Tag};
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

/// Every repository of one replica, by name, with what the page asks of them all kept up to
/// date as they change: how many hold a manifest, which have a soft-delete bin, which are
/// empty. Reads go through `Deref` to the map; every change goes through a `RepoMut` guard (or
/// `remove`, `clear`), which updates the indexes when it is dropped, so they cannot drift.
/// Copies share their repositories (`Rc`): a copy of the registry, as a time-travel checkpoint
/// takes, copies names and pointers, and a repository changed later is copied then, alone.
#[derive(Clone, Debug, Default)]
pub struct Repos {
    map: BTreeMap<RepoName, Rc<Repository>>,
    index: RepoIndex,
}

/// What `Repos` keeps about its repositories.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepoIndex {
    /// Repositories with at least one manifest.
    pub live: usize,
    /// Repositories whose soft-delete bin holds a manifest or a tag.
    pub binned: BTreeSet<RepoName>,
    /// Repositories with nothing in them (`Repository::is_empty`), waiting to be dropped.
    pub empty: BTreeSet<RepoName>,
}

/// Which indexes one repository is in.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Marks {
    live: bool,
    binned: bool,
    empty: bool,
}

impl Marks {
    /// Not there: in no index.
    const NONE: Self = Self { live: false, binned: false, empty: false };

    fn of(r: &Repository) -> Self {
        Self {
            live: !r.manifests.is_empty(),
            binned: !r.deleted_manifests.is_empty() || !r.deleted_tags.is_empty(),
            empty: r.is_empty(),
        }
    }
}

impl RepoIndex {
    /// Moves `name` from the indexes of `before` to those of `after` (None: not there).
    fn mark(&mut self, name: &RepoName, before: Option<Marks>, after: Option<Marks>) {
        let (was, now) = (before.unwrap_or(Marks::NONE), after.unwrap_or(Marks::NONE));
        if was == now {
            return;
        }
        match (was.live, now.live) {
            (false, true) => self.live += 1,
            (true, false) => self.live = self.live.saturating_sub(1),
            _ => {}
        }
        for (set, was, now) in
            [(&mut self.binned, was.binned, now.binned), (&mut self.empty, was.empty, now.empty)]
        {
            match (was, now) {
                (false, true) => {
                    set.insert(name.clone());
                }
                (true, false) => {
                    set.remove(name);
                }
                _ => {}
            }
        }
    }
}

impl std::ops::Deref for Repos {
    type Target = BTreeMap<RepoName, Rc<Repository>>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<'a> IntoIterator for &'a Repos {
    type Item = (&'a RepoName, &'a Rc<Repository>);
    type IntoIter = std::collections::btree_map::Iter<'a, RepoName, Rc<Repository>>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

/// A repository being changed; the indexes follow when it is dropped.
pub struct RepoMut<'a> {
    name: &'a RepoName,
    repo: &'a mut Repository,
    index: &'a mut RepoIndex,
    /// Its marks when the guard was made (None: a new repository, in no index yet).
    before: Option<Marks>,
}

impl std::ops::Deref for RepoMut<'_> {
    type Target = Repository;

    fn deref(&self) -> &Repository {
        self.repo
    }
}

impl std::ops::DerefMut for RepoMut<'_> {
    fn deref_mut(&mut self) -> &mut Repository {
        self.repo
    }
}

impl Drop for RepoMut<'_> {
    fn drop(&mut self) {
        self.index.mark(self.name, self.before, Some(Marks::of(self.repo)));
    }
}

impl Repos {
    /// Repositories with at least one manifest.
    pub fn live(&self) -> usize {
        self.index.live
    }

    /// Repositories whose soft-delete bin is not empty, in name order.
    pub fn binned(&self) -> &BTreeSet<RepoName> {
        &self.index.binned
    }

    /// Repositories with nothing in them, in name order.
    pub fn empty(&self) -> &BTreeSet<RepoName> {
        &self.index.empty
    }

    /// The indexes as kept.
    pub fn index(&self) -> &RepoIndex {
        &self.index
    }

    /// The indexes counted again from every repository (what `index` must equal).
    pub fn recount(&self) -> RepoIndex {
        let mut index = RepoIndex::default();
        for (name, r) in &self.map {
            index.mark(name, None, Some(Marks::of(r)));
        }
        index
    }

    /// The repository `name`, to change.
    pub fn get_mut<'a>(&'a mut self, name: &'a RepoName) -> Option<RepoMut<'a>> {
        let repo = Rc::make_mut(self.map.get_mut(name)?);
        let before = Some(Marks::of(repo));
        Some(RepoMut { name, repo, index: &mut self.index, before })
    }

    /// The repository `name`, to change; a new empty one if there is none.
    pub fn get_or_default<'a>(&'a mut self, name: &'a RepoName) -> RepoMut<'a> {
        let mut new = false;
        let repo = Rc::make_mut(self.map.entry(name.clone()).or_insert_with(|| {
            new = true;
            Rc::new(Repository::default())
        }));
        let before = (!new).then(|| Marks::of(repo));
        RepoMut { name, repo, index: &mut self.index, before }
    }

    pub fn remove(&mut self, name: &RepoName) -> Option<Repository> {
        let repo = self.map.remove(name)?;
        self.index.mark(name, Some(Marks::of(&repo)), None);
        Some(Rc::unwrap_or_clone(repo))
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.index = RepoIndex::default();
    }
}

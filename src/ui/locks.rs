//! Locks in words: what each of ACR's four changeable attributes does to a repository, a tag or
//! a manifest, for the toggles' titles and the status line. The engine enforces them; this only
//! says what it will refuse.

use crate::engine::{AttributePatch, Attributes, Digest};
use crate::i18n::{Arg, Lang, Msg, t, tf};

/// What a set of attributes belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Repository,
    Tag,
    Manifest,
}

impl Scope {
    /// A reference is a digest (`sha256:…`) or a tag (tags cannot hold a colon).
    pub fn of(reference: Option<&str>) -> Self {
        match reference {
            None => Self::Repository,
            Some(r) if r.contains(':') => Self::Manifest,
            Some(_) => Self::Tag,
        }
    }

    /// The `data-scope` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Repository => "repository",
            Self::Tag => "tag",
            Self::Manifest => "manifest",
        }
    }
}

/// One of the four attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attr {
    Write,
    Delete,
    Read,
    List,
}

impl Attr {
    pub const ALL: [Self; 4] = [Self::Write, Self::Delete, Self::Read, Self::List];

    /// The toggle's label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Self::Write => "locks.attr_write",
                Self::Delete => "locks.attr_delete",
                Self::Read => "locks.attr_read",
                Self::List => "locks.attr_list",
            },
        )
    }

    /// The toggle's `data-attr` value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Write => "write",
            Self::Delete => "delete",
            Self::Read => "read",
            Self::List => "list",
        }
    }

    /// ACR's name for it.
    pub fn acr_name(self) -> &'static str {
        match self {
            Self::Write => "writeEnabled",
            Self::Delete => "deleteEnabled",
            Self::Read => "readEnabled",
            Self::List => "listEnabled",
        }
    }

    pub fn get(self, a: &Attributes) -> bool {
        match self {
            Self::Write => a.write_enabled,
            Self::Delete => a.delete_enabled,
            Self::Read => a.read_enabled,
            Self::List => a.list_enabled,
        }
    }

    fn of_patch(self, p: &AttributePatch) -> Option<bool> {
        match self {
            Self::Write => p.write_enabled,
            Self::Delete => p.delete_enabled,
            Self::Read => p.read_enabled,
            Self::List => p.list_enabled,
        }
    }

    /// A patch that sets this attribute only.
    pub fn patch(self, enabled: bool) -> AttributePatch {
        let mut p = AttributePatch::default();
        let field = match self {
            Self::Write => &mut p.write_enabled,
            Self::Delete => &mut p.delete_enabled,
            Self::Read => &mut p.read_enabled,
            Self::List => &mut p.list_enabled,
        };
        *field = Some(enabled);
        p
    }

    /// What turning it off does, as the end of "Off: …", in `lang`.
    fn off_means(self, lang: Lang, scope: Scope) -> &'static str {
        use Scope::{Manifest, Repository, Tag};
        let key = match (self, scope) {
            (Self::Write, Repository) => "locks.off_write_repository",
            (Self::Write, Tag) => "locks.off_write_tag",
            (Self::Write, Manifest) => "locks.off_write_manifest",
            (Self::Delete, Repository) => "locks.off_delete_repository",
            (Self::Delete, Tag) => "locks.off_delete_tag",
            (Self::Delete, Manifest) => "locks.off_delete_manifest",
            (Self::Read, Repository) => "locks.off_read_repository",
            (Self::Read, Tag) => "locks.off_read_tag",
            (Self::Read, Manifest) => "locks.off_read_manifest",
            (Self::List, Repository) => "locks.off_list_repository",
            (Self::List, Tag) => "locks.off_list_tag",
            (Self::List, Manifest) => "locks.off_list_manifest",
        };
        t(lang, key)
    }

    /// The toggle's title in `lang`: its state, what off means here, and what a click does.
    pub fn title(self, lang: Lang, scope: Scope, enabled: bool) -> String {
        let key = if enabled { "locks.toggle_title_on" } else { "locks.toggle_title_off" };
        tf(lang, key, &[self.acr_name(), self.off_means(lang, scope)])
    }
}

/// The attributes that are off, by ACR name, e.g. `"writeEnabled=false, readEnabled=false"`.
pub fn off_list(a: &Attributes, which: &[Attr]) -> String {
    which
        .iter()
        .filter(|x| !x.get(a))
        .map(|x| format!("{}=false", x.acr_name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a lock that refuses an operation (write, delete or read) is set.
pub fn is_locked(a: &Attributes) -> bool {
    !(a.write_enabled && a.delete_enabled && a.read_enabled)
}

/// The locks that refuse operations.
pub const LOCKING: [Attr; 3] = [Attr::Write, Attr::Delete, Attr::Read];

/// How sentences name a target: as an object (`demo/app:v1`, `repository demo/app`, `manifest
/// sha256:… in demo/app`) and as a sentence's subject (`Tag demo/app:v1`, …), in no language yet.
struct Target {
    scope: Scope,
    object: Msg,
    subject: Msg,
}

impl Target {
    fn new(repo: &str, reference: Option<&str>) -> Self {
        let scope = Scope::of(reference);
        let (object, subject) = match reference {
            None => (
                Msg::new("locks.target_repository", [repo.into()]),
                Msg::new("notes.subject_repository", [repo.into()]),
            ),
            Some(d) if scope == Scope::Manifest => {
                let args = || [Arg::from(short_digest(d)), repo.into()];
                (Msg::new("locks.target_manifest", args()), Msg::new("notes.subject_manifest", args()))
            }
            Some(tag) => {
                let name = [repo, ":", tag].concat();
                (Msg::from(name.clone()), Msg::new("notes.subject_tag", [name.into()]))
            }
        };
        Self { scope, object, subject }
    }
}

/// The target as an object in `lang`: `demo/app:v1`, `repository demo/app`, `manifest sha256:…
/// in demo/app`.
pub fn target_words(lang: Lang, repo: &str, reference: Option<&str>) -> String {
    match Scope::of(reference) {
        Scope::Repository => tf(lang, "locks.target_repository", &[repo]),
        Scope::Tag => [repo, ":", reference.unwrap_or_default()].concat(),
        Scope::Manifest => {
            tf(lang, "locks.target_manifest", &[&short_digest(reference.unwrap_or_default()), repo])
        }
    }
}

fn short_digest(digest: &str) -> String {
    Digest::parse(digest).map_or_else(|_| digest.to_string(), |d| d.short())
}

/// The status line after a change: one sentence per attribute changed, then what is still set.
pub fn change_sentence(repo: &str, reference: Option<&str>, patch: &AttributePatch, now: &Attributes) -> Msg {
    let target = Target::new(repo, reference);
    let mut out: Vec<Msg> = vec![];
    let mut unlocked = false;
    for attr in Attr::ALL {
        let Some(enabled) = attr.of_patch(patch) else { continue };
        unlocked |= enabled;
        out.push(if enabled { on_sentence(attr, &target, now) } else { off_sentence(attr, &target, now) });
    }
    if out.is_empty() {
        return Msg::new("notes.lock_nothing_changed", [target.object.into()]);
    }
    if unlocked {
        out.push(if now.is_default() {
            Msg::key("notes.lock_none_left")
        } else {
            Msg::new("notes.lock_still_set", [off_list(now, &Attr::ALL).into()])
        });
    }
    // One sentence after the other, a space between them.
    out.into_iter().reduce(|a, b| Msg::new("notes.then", [a.into(), b.into()])).unwrap_or_default()
}

fn off_sentence(attr: Attr, target: &Target, now: &Attributes) -> Msg {
    use Scope::{Manifest, Repository, Tag};
    let pushes_still = now.write_enabled;
    let key = match (attr, target.scope) {
        (Attr::Write, Tag) => "notes.lock_write_tag",
        (Attr::Write, Manifest) => "notes.lock_write_manifest",
        (Attr::Write, Repository) => "notes.lock_write_repository",
        (Attr::Delete, Tag) if pushes_still => "notes.lock_delete_tag_pushes",
        (Attr::Delete, Tag) => "notes.lock_delete_tag",
        (Attr::Delete, Manifest) => "notes.lock_delete_manifest",
        (Attr::Delete, Repository) if pushes_still => "notes.lock_delete_repository_pushes",
        (Attr::Delete, Repository) => "notes.lock_delete_repository",
        (Attr::Read, Tag) => "notes.lock_read_tag",
        (Attr::Read, Manifest) => "notes.lock_read_manifest",
        (Attr::Read, Repository) => "notes.lock_read_repository",
        (Attr::List, Repository) => "notes.lock_list_repository",
        (Attr::List, Tag) => "notes.lock_list_tag",
        (Attr::List, Manifest) => "notes.lock_list_manifest",
    };
    // The list lock's sentences start with the target as their subject.
    let who = if attr == Attr::List { &target.subject } else { &target.object };
    Msg::new(key, [who.clone().into()])
}

fn on_sentence(attr: Attr, target: &Target, now: &Attributes) -> Msg {
    let key = match attr {
        Attr::Write => "notes.unlock_write",
        Attr::Delete if !now.write_enabled => "notes.unlock_delete_write_off",
        Attr::Delete => "notes.unlock_delete",
        Attr::Read => "notes.unlock_read",
        Attr::List => {
            let key = match target.scope {
                Scope::Repository => "notes.unlist_repository",
                Scope::Tag => "notes.unlist_tag",
                Scope::Manifest => "notes.unlist_manifest",
            };
            return Msg::new(key, [target.subject.clone().into()]);
        }
    };
    Msg::new(key, [target.object.clone().into()])
}

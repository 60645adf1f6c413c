//! Locks in words: what each of ACR's four changeable attributes does to a repository, a tag or
//! a manifest, for the toggles' titles and the status line. The engine enforces them; this only
//! says what it will refuse.

use crate::engine::{AttributePatch, Attributes, Digest};
use crate::i18n::{Lang, t, tf};

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

/// How sentences name a target: its kind (`"repository"`, `"tag"`, `"manifest"`) and its name
/// (`demo/app`, `demo/app:v1`, `sha256:… in demo/app`).
struct Target {
    scope: Scope,
    name: String,
}

impl Target {
    fn new(repo: &str, reference: Option<&str>) -> Self {
        let scope = Scope::of(reference);
        let name = match reference {
            None => repo.to_string(),
            Some(d) if scope == Scope::Manifest => [short_digest(d).as_str(), " in ", repo].concat(),
            Some(tag) => [repo, ":", tag].concat(),
        };
        Self { scope, name }
    }

    /// As an object: a tag bare (`demo/app:v1`), the others with their kind.
    fn object(&self) -> String {
        match self.scope {
            Scope::Tag => self.name.clone(),
            Scope::Repository => ["repository ", &self.name].concat(),
            Scope::Manifest => ["manifest ", &self.name].concat(),
        }
    }

    /// As the subject of a sentence: `Repository demo/app`, `Tag demo/app:v1`, `Manifest …`.
    fn subject(&self) -> String {
        let kind = match self.scope {
            Scope::Repository => "Repository ",
            Scope::Tag => "Tag ",
            Scope::Manifest => "Manifest ",
        };
        [kind, &self.name].concat()
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
pub fn change_sentence(
    repo: &str,
    reference: Option<&str>,
    patch: &AttributePatch,
    now: &Attributes,
) -> String {
    let target = Target::new(repo, reference);
    let mut out: Vec<String> = vec![];
    let mut unlocked = false;
    for attr in Attr::ALL {
        let Some(enabled) = attr.of_patch(patch) else { continue };
        unlocked |= enabled;
        out.push(if enabled { on_sentence(attr, &target, now) } else { off_sentence(attr, &target, now) });
    }
    if out.is_empty() {
        return ["Nothing changed on ", &target.object(), "."].concat();
    }
    if unlocked {
        out.push(if now.is_default() {
            "It has no locks of its own left.".to_string()
        } else {
            ["Still set on it: ", &off_list(now, &Attr::ALL), "."].concat()
        });
    }
    out.join(" ")
}

fn off_sentence(attr: Attr, target: &Target, now: &Attributes) -> String {
    use Scope::{Manifest, Repository, Tag};
    let pushes_still = now.write_enabled;
    let rest = match (attr, target.scope) {
        (Attr::Write, Tag) => "it can't be pushed over, untagged or deleted until unlocked.",
        (Attr::Write, Manifest) => "it can't be deleted until unlocked. Its tags keep their own locks.",
        (Attr::Write, Repository) => {
            "nothing can be pushed into it, and nothing in it untagged or deleted, until unlocked."
        }
        (Attr::Delete, Tag) if pushes_still => {
            "it can't be untagged, nor its manifest deleted, until unlocked. A push can still move it to \
             another manifest."
        }
        (Attr::Delete, Tag) => "it can't be untagged, nor its manifest deleted, until unlocked.",
        (Attr::Delete, Manifest) => "it can't be deleted until unlocked.",
        (Attr::Delete, Repository) if pushes_still => {
            "nothing in it can be untagged or deleted, nor the repository itself, until unlocked. Pushes \
             into it still work."
        }
        (Attr::Delete, Repository) => {
            "nothing in it can be untagged or deleted, nor the repository itself, until unlocked."
        }
        (Attr::Read, Tag) => {
            "pulls by this tag are refused until unlocked. The manifest still pulls by digest unless it is \
             locked itself."
        }
        (Attr::Read, Manifest) => {
            "pulling it, by digest or by any tag, is refused until unlocked. Its layers are not locked."
        }
        (Attr::Read, Repository) => "every pull from it, manifests and blobs, is refused until unlocked.",
        (Attr::List, Repository) => {
            "the catalog leaves it out, but pulls by name still work. This page is the owner's view, so \
             it stays here, marked hidden."
        }
        (Attr::List, Tag) => "the tag list leaves it out, but pulling it by name still works.",
        (Attr::List, Manifest) => "manifest listings leave it out, but pulling it by digest still works.",
    };
    match attr {
        Attr::Write => ["Locked ", &target.object(), " against writes: ", rest].concat(),
        Attr::Delete => ["Locked ", &target.object(), " against deletes: ", rest].concat(),
        Attr::Read => ["Locked ", &target.object(), " against reads: ", rest].concat(),
        Attr::List => [&target.subject(), " is now hidden from listings: ", rest].concat(),
    }
}

fn on_sentence(attr: Attr, target: &Target, now: &Attributes) -> String {
    let (lead, rest) = match attr {
        Attr::Write => ("Unlocked ", " for writes: its own write lock no longer refuses anything."),
        Attr::Delete if !now.write_enabled => {
            ("Unlocked ", " for deletes, but writeEnabled is still off, and that refuses deletes too.")
        }
        Attr::Delete => ("Unlocked ", " for deletes: its own delete lock no longer refuses anything."),
        Attr::Read => ("Unlocked ", " for reads: its own read lock no longer refuses pulls."),
        Attr::List => {
            let rest = match target.scope {
                Scope::Repository => " is listed again: the catalog shows it.",
                Scope::Tag => " is listed again: the tag list shows it.",
                Scope::Manifest => " is listed again: manifest listings show it.",
            };
            return [&target.subject(), rest].concat();
        }
    };
    [lead, &target.object(), rest].concat()
}

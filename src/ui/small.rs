//! A small map kept as a vector. The page's open/checked sets hold a handful of entries; a
//! vector with linear search costs far less code in the wasm bundle than one `BTreeMap`
//! instantiation per key/value type (each is several KiB of monomorphised tree code).

#[derive(Clone, Debug, PartialEq)]
pub struct SmallMap<K, V>(Vec<(K, V)>);

/// A small set: a `SmallMap` with no values.
pub type SmallSet<K> = SmallMap<K, ()>;

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K: PartialEq, V> SmallMap<K, V> {
    pub fn get(&self, key: &K) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => Some(std::mem::replace(v, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(i).1)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.0.retain(|(k, v)| keep(k, v));
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }
}

impl<K: PartialEq> SmallSet<K> {
    /// Adds the key if absent, removes it if present.
    pub fn toggle(&mut self, key: K) {
        if self.remove(&key).is_none() {
            self.0.push((key, ()));
        }
    }
}

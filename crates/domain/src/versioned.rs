//! Values derived from content and kept while the content they were derived from is current: the
//! content version ([`crate::ContentReader::content_version`]) moves with every write, and a value
//! read at an older version is never served again.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Mutex, PoisonError},
};

/// A map whose entries all belong to one content version. An entry put at a newer version drops
/// every older one at once (under steady writes they would otherwise hold most of the memory); one
/// put at an older version is not kept, since it was read before a change already seen.
#[derive(Debug)]
pub struct AtVersion<K, V> {
    entries: Mutex<Entries<K, V>>,
    capacity: usize,
}

#[derive(Debug)]
struct Entries<K, V> {
    version: u64,
    map: HashMap<K, V>,
}

impl<K: Eq + Hash, V: Clone> AtVersion<K, V> {
    /// Keeps at most `capacity` entries: a full map starts over.
    pub fn new(capacity: usize) -> AtVersion<K, V> {
        AtVersion { entries: Mutex::new(Entries { version: 0, map: HashMap::new() }), capacity }
    }

    /// The value of `key`, if it was put at `version`.
    pub fn get(&self, key: &K, version: u64) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        (entries.version == version).then(|| entries.map.get(key).cloned()).flatten()
    }

    /// Keeps `key`'s value as read at `version`, taken before the reads that made it.
    pub fn put(&self, key: K, version: u64, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if version < entries.version {
            return;
        }
        if version > entries.version || entries.map.len() >= self.capacity {
            entries.map.clear();
            entries.version = version;
        }
        entries.map.insert(key, value);
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

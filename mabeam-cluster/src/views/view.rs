use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;
use tokio::sync::watch;

/// State one part of the node publishes and any other reads: the latest value, read without a
/// lock or a mailbox hop, and a change notification for whoever waits for a condition on it
/// ([`View::wait_for`]) instead of polling. Cheap to clone; every clone sees the same value.
///
/// The membership, the transport sessions, the health report, the load balancer's scores and
/// the cluster registry are each published as one.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use mabeam_cluster::View;
///
/// let view = View::new(0u32);
/// let waiter = {
///     let view = view.clone();
///     tokio::spawn(async move { *view.wait_for(|n| *n >= 2).await })
/// };
/// view.publish(1);
/// view.publish(2);
/// assert_eq!(waiter.await.unwrap(), 2);
/// assert_eq!(*view.get(), 2);
/// # }
/// ```
pub struct View<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    value: ArcSwap<T>,
    /// Bumped on every publish; waiters watch it.
    version: watch::Sender<u64>,
}

impl<T> Clone for View<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for View<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("View")
            .field("version", &*self.inner.version.borrow())
            .field("value", &self.get())
            .finish()
    }
}

impl<T: Default> Default for View<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> View<T> {
    /// A view holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            inner: Arc::new(Inner {
                value: ArcSwap::from_pointee(value),
                version: watch::Sender::new(0),
            }),
        }
    }

    /// The latest value.
    pub fn get(&self) -> Arc<T> {
        self.inner.value.load_full()
    }

    /// How many values were published so far (0 for the initial one).
    pub fn version(&self) -> u64 {
        *self.inner.version.borrow()
    }

    /// Replaces the value and wakes every waiter.
    pub fn publish(&self, value: T) {
        self.publish_arc(Arc::new(value));
    }

    /// [`publish`](Self::publish) of a value already in an `Arc`.
    pub fn publish_arc(&self, value: Arc<T>) {
        self.inner.value.store(value);
        self.inner.version.send_modify(|v| *v += 1);
    }

    /// Replaces the value with `change` applied to the latest one (publishers of one view
    /// should not race each other: the last store wins).
    pub fn update(&self, change: impl FnOnce(&T) -> T) {
        let next = change(&self.get());
        self.publish(next);
    }

    /// Waits until the value satisfies `condition` (checked at once, then after every change)
    /// and returns that value.
    pub async fn wait_for(&self, condition: impl FnMut(&T) -> bool) -> Arc<T> {
        self.wait_for_versioned(condition).await.1
    }

    /// [`wait_for`](Self::wait_for), with the version read *before* the value: a change
    /// published after that version may or may not be in the value, but
    /// [`changed_since`](Self::changed_since) that version never misses it.
    pub(crate) async fn wait_for_versioned(
        &self,
        mut condition: impl FnMut(&T) -> bool,
    ) -> (u64, Arc<T>) {
        let mut changes = self.inner.version.subscribe();
        loop {
            let version = *changes.borrow_and_update();
            let value = self.get();
            if condition(&value) {
                return (version, value);
            }
            // The sender lives as long as `self`: `changed` cannot fail while we hold it.
            if changes.changed().await.is_err() {
                return (version, value);
            }
        }
    }

    /// Waits until a value newer than `version` is published (at once if one already was).
    pub(crate) async fn changed_since(&self, version: u64) {
        let mut changes = self.inner.version.subscribe();
        let _ = changes.wait_for(|v| *v > version).await;
    }

    /// Waits for the next change and returns the value then.
    pub async fn changed(&self) -> Arc<T> {
        let mut changes = self.inner.version.subscribe();
        changes.borrow_and_update();
        let _ = changes.changed().await;
        self.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_waiter_sees_a_change_published_after_it_started_waiting() {
        let view = View::new(Vec::<u32>::new());
        let waiter = {
            let view = view.clone();
            tokio::spawn(async move { view.wait_for(|v| v.len() == 3).await.len() })
        };
        for n in 0..3 {
            view.update(|v| {
                let mut v = v.clone();
                v.push(n);
                v
            });
        }
        assert_eq!(waiter.await.unwrap(), 3);
        assert_eq!(view.version(), 3);
    }

    #[tokio::test]
    async fn a_condition_already_true_returns_at_once() {
        let view = View::new(7u8);
        assert_eq!(*view.wait_for(|n| *n == 7).await, 7);
    }
}

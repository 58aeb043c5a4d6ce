use std::collections::VecDeque;

use super::envelope::{take, version};
use super::{WireError, WIRE_VERSION};

/// How big one batch may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Frames per batch, at most.
    pub max_frames: usize,
    /// Bytes per batch, at most (a single larger frame still goes, alone).
    pub max_bytes: usize,
}

impl Default for BatchLimits {
    /// 1 024 frames or 256 KiB.
    fn default() -> Self {
        Self {
            max_frames: 1024,
            max_bytes: 256 * 1024,
        }
    }
}

/// The frames waiting for one peer, urgent (control-lane) ones first, cut into batches.
///
/// The sender takes [`BatchBuilder::next_batch`] whenever the previous batch was delivered,
/// so an idle link sends each frame at once (a batch of one, no added latency) and a busy
/// one sends whatever queued meanwhile. Urgent frames always go at the head of the next
/// batch, so a flood of bulk frames delays them by at most the batch in flight.
///
/// ```
/// use mabeam_core::wire::{Batch, BatchBuilder, BatchLimits};
///
/// let mut queue = BatchBuilder::new(BatchLimits { max_frames: 2, max_bytes: 1024 });
/// queue.push(false, b"bulk-1".to_vec());
/// queue.push(false, b"bulk-2".to_vec());
/// queue.push(true, b"urgent".to_vec());
/// let batch = queue.next_batch().unwrap();
/// assert_eq!(Batch::frames(&batch)?, vec![&b"urgent"[..], &b"bulk-1"[..]]);
/// assert_eq!(queue.len(), 1);
/// # Ok::<(), mabeam_core::wire::WireError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct BatchBuilder {
    urgent: VecDeque<Vec<u8>>,
    bulk: VecDeque<Vec<u8>>,
    limits: BatchLimits,
}

impl BatchBuilder {
    /// An empty queue cutting batches within `limits`.
    pub fn new(limits: BatchLimits) -> Self {
        Self {
            urgent: VecDeque::new(),
            bulk: VecDeque::new(),
            limits,
        }
    }

    /// Queues a frame; `urgent` frames (control lane) go before every bulk frame.
    pub fn push(&mut self, urgent: bool, frame: Vec<u8>) {
        if urgent {
            self.urgent.push_back(frame);
        } else {
            self.bulk.push_back(frame);
        }
    }

    /// Frames waiting.
    pub fn len(&self) -> usize {
        self.urgent.len() + self.bulk.len()
    }

    /// Bulk (not urgent) frames waiting.
    pub fn bulk_len(&self) -> usize {
        self.bulk.len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next batch: urgent frames first, in order, then bulk ones, within the limits
    /// (always at least one frame). `None` when nothing waits.
    pub fn next_batch(&mut self) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let mut out = vec![WIRE_VERSION, 0, 0, 0, 0];
        let mut count: u32 = 0;
        // Stops at the first frame that does not fit: a smaller bulk frame never overtakes an
        // urgent one.
        'fill: for queue in [&mut self.urgent, &mut self.bulk] {
            while let Some(frame) = queue.front() {
                let full = count as usize >= self.limits.max_frames
                    || (count > 0 && out.len() + 4 + frame.len() > self.limits.max_bytes);
                if full {
                    break 'fill;
                }
                out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                out.extend_from_slice(frame);
                queue.pop_front();
                count += 1;
            }
        }
        out[1..5].copy_from_slice(&count.to_le_bytes());
        Some(out)
    }
}

/// Reading a batch written by [`BatchBuilder::next_batch`], and its ack.
#[derive(Debug, Clone, Copy)]
pub struct Batch;

impl Batch {
    /// The ack of a batch: how many of its frames the receiver took, as 4 bytes (`u32` LE).
    ///
    /// ```
    /// use mabeam_core::wire::Batch;
    ///
    /// assert_eq!(Batch::read_ack(&Batch::ack(1024))?, 1024);
    /// assert!(Batch::read_ack(b"\x01").is_err());
    /// # Ok::<(), mabeam_core::wire::WireError>(())
    /// ```
    pub fn ack(taken: u32) -> Vec<u8> {
        taken.to_le_bytes().to_vec()
    }

    /// How many frames an ack written by [`Batch::ack`] says were taken.
    pub fn read_ack(bytes: &[u8]) -> Result<u32, WireError> {
        let mut input = bytes;
        let taken = take(&mut input, 4, "a batch ack")?;
        if !input.is_empty() {
            return Err(WireError::MalformedBatch("bytes after the ack"));
        }
        Ok(u32::from_le_bytes([taken[0], taken[1], taken[2], taken[3]]))
    }

    /// The frames of a batch, in order, borrowed from `bytes`. The whole batch is checked
    /// first: a malformed one yields no frame at all.
    pub fn frames(bytes: &[u8]) -> Result<Vec<&[u8]>, WireError> {
        let mut input = bytes;
        version(&mut input)?;
        let count = take(&mut input, 4, "the frame count")?;
        let count = u32::from_le_bytes([count[0], count[1], count[2], count[3]]) as usize;
        // Each frame takes at least its 4-byte length: a count beyond that is a lie.
        if count > input.len() / 4 {
            return Err(WireError::MalformedBatch(
                "more frames announced than bytes hold",
            ));
        }
        let mut frames = Vec::with_capacity(count);
        for _ in 0..count {
            let len = take(&mut input, 4, "a frame length")?;
            let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
            frames.push(take(&mut input, len, "a frame")?);
        }
        if !input.is_empty() {
            return Err(WireError::MalformedBatch("bytes after the last frame"));
        }
        Ok(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_urgent_frame_overtakes_a_flood_of_bulk_frames() {
        let mut queue = BatchBuilder::new(BatchLimits {
            max_frames: 10,
            max_bytes: 1 << 20,
        });
        for i in 0..100u32 {
            queue.push(false, i.to_le_bytes().to_vec());
        }
        queue.push(true, b"stop".to_vec());
        let batch = queue.next_batch().unwrap();
        let frames = Batch::frames(&batch).unwrap();
        assert_eq!(frames.len(), 10);
        assert_eq!(frames[0], b"stop");
        assert_eq!(frames[1], 0u32.to_le_bytes());
    }

    #[test]
    fn a_frame_larger_than_the_byte_limit_goes_alone() {
        let mut queue = BatchBuilder::new(BatchLimits {
            max_frames: 10,
            max_bytes: 16,
        });
        queue.push(false, vec![1; 100]);
        queue.push(false, vec![2; 4]);
        assert_eq!(
            Batch::frames(&queue.next_batch().unwrap()).unwrap().len(),
            1
        );
        assert_eq!(
            Batch::frames(&queue.next_batch().unwrap()).unwrap(),
            vec![&[2u8; 4][..]]
        );
        assert_eq!(queue.next_batch(), None);
    }

    #[test]
    fn a_batch_announcing_more_frames_than_it_holds_is_refused() {
        let mut bytes = vec![WIRE_VERSION];
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            Batch::frames(&bytes),
            Err(WireError::MalformedBatch(_))
        ));
    }

    proptest! {
        #[test]
        fn batches_deliver_every_frame_once_urgent_first_within_limits(
            frames in prop::collection::vec((any::<bool>(), prop::collection::vec(any::<u8>(), 0..40)), 0..60),
            max_frames in 1usize..8,
            max_bytes in 1usize..200,
        ) {
            let limits = BatchLimits { max_frames, max_bytes };
            let mut queue = BatchBuilder::new(limits);
            for (urgent, frame) in &frames {
                queue.push(*urgent, frame.clone());
            }
            let mut received = Vec::new();
            while let Some(batch) = queue.next_batch() {
                let got = Batch::frames(&batch).unwrap();
                prop_assert!(!got.is_empty() && got.len() <= max_frames);
                prop_assert!(got.len() == 1 || batch.len() <= max_bytes);
                received.extend(got.into_iter().map(<[u8]>::to_vec));
            }
            let expected: Vec<Vec<u8>> = frames.iter().filter(|f| f.0).chain(frames.iter().filter(|f| !f.0)).map(|f| f.1.clone()).collect();
            prop_assert_eq!(received, expected);
        }

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = Batch::frames(&bytes);
        }
    }
}

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{check_len, check_segment, Topic, TopicError};

/// One segment of a [`TopicPattern`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Segment {
    /// Matches this exact segment.
    Literal(Arc<str>),
    /// `*`: matches exactly one segment.
    One,
    /// `**`: matches zero or more segments.
    Any,
}

/// A topic pattern: literal segments, `*` for exactly one segment, `**` for zero or more.
///
/// ```
/// use mabeam_core::{Topic, TopicPattern};
///
/// let one: TopicPattern = "orders.*".parse()?;
/// let deep: TopicPattern = "orders.**".parse()?;
/// let t = |s| Topic::new(s).unwrap();
/// assert!(one.matches(&t("orders.created")));
/// assert!(!one.matches(&t("orders.eu.created")));
/// assert!(deep.matches(&t("orders.eu.created")));
/// assert!(deep.matches(&t("orders")));
/// assert!("orders.cre*".parse::<TopicPattern>().is_err());
/// # Ok::<(), mabeam_core::TopicError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TopicPattern {
    text: Arc<str>,
    segments: Arc<[Segment]>,
}

impl TopicPattern {
    /// Parses and validates a pattern. Segments follow the [`Topic`] rules, except that a
    /// segment may be exactly `*` or `**`.
    pub fn new(pattern: &str) -> Result<Self, TopicError> {
        check_len(pattern)?;
        let mut segments = Vec::new();
        for segment in pattern.split('.') {
            segments.push(match segment {
                "*" => Segment::One,
                "**" => {
                    // `a.**.**` means the same as `a.**`: keep one, so matching stays linear.
                    if segments.last() == Some(&Segment::Any) {
                        continue;
                    }
                    Segment::Any
                }
                literal => {
                    check_segment(pattern, literal)?;
                    Segment::Literal(Arc::from(literal))
                }
            });
        }
        Ok(Self {
            text: Arc::from(pattern),
            segments: segments.into(),
        })
    }

    /// Parses a pattern known when the program is written.
    ///
    /// # Panics
    /// When `pattern` is invalid: a bug in the program, not bad input.
    #[track_caller]
    pub fn from_static(pattern: &'static str) -> Self {
        match Self::new(pattern) {
            Ok(p) => p,
            Err(err) => panic!("invalid topic pattern `{pattern}`: {err}"),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the pattern has no wildcard.
    pub fn is_literal(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Literal(_)))
    }

    pub(crate) fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether `topic` matches this pattern.
    ///
    /// Runs in `O(pattern segments × topic segments)` at worst, without allocating for topics
    /// of up to 32 segments.
    pub fn matches(&self, topic: &Topic) -> bool {
        let mut buf = [""; 32];
        let mut count = 0;
        let mut overflow = Vec::new();
        for seg in topic.segments() {
            if count < buf.len() {
                buf[count] = seg;
            } else {
                if overflow.is_empty() {
                    overflow.extend_from_slice(&buf);
                }
                overflow.push(seg);
            }
            count += 1;
        }
        let segs: &[&str] = if overflow.is_empty() {
            &buf[..count]
        } else {
            &overflow
        };
        match_segments(&self.segments, segs)
    }
}

/// Glob matching with one backtrack point: `**` is the "star", `*` and literals consume one.
fn match_segments(pattern: &[Segment], topic: &[&str]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < topic.len() {
        match pattern.get(p) {
            Some(Segment::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Segment::One) => {
                p += 1;
                t += 1;
            }
            Some(Segment::Literal(lit)) if **lit == *topic[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last `**` swallow one more segment and retry from there.
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|s| *s == Segment::Any)
}

impl fmt::Debug for TopicPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TopicPattern({:?})", &*self.text)
    }
}

impl fmt::Display for TopicPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for TopicPattern {
    type Err = TopicError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for TopicPattern {
    type Error = TopicError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<Topic> for TopicPattern {
    fn from(topic: Topic) -> Self {
        // A valid topic is a valid, literal pattern.
        Self {
            segments: topic
                .segments()
                .map(|s| Segment::Literal(Arc::from(s)))
                .collect(),
            text: Arc::from(topic.as_str()),
        }
    }
}

impl Serialize for TopicPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for TopicPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        TopicPattern::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The obviously-correct reference: plain recursion over both lists.
    fn reference(pattern: &[&str], topic: &[&str]) -> bool {
        match (pattern.first(), topic.first()) {
            (None, None) => true,
            (Some(&"**"), _) => {
                reference(&pattern[1..], topic)
                    || (!topic.is_empty() && reference(pattern, &topic[1..]))
            }
            (Some(&"*"), Some(_)) => reference(&pattern[1..], &topic[1..]),
            (Some(p), Some(t)) => p == t && reference(&pattern[1..], &topic[1..]),
            _ => false,
        }
    }

    fn topic_strategy() -> impl Strategy<Value = Vec<&'static str>> {
        prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 1..7)
    }

    fn pattern_strategy() -> impl Strategy<Value = Vec<&'static str>> {
        prop::collection::vec(prop::sample::select(vec!["a", "b", "*", "**"]), 1..7)
    }

    proptest! {
        #[test]
        fn matches_agrees_with_the_reference_matcher(p in pattern_strategy(), t in topic_strategy()) {
            let pattern = TopicPattern::new(&p.join(".")).unwrap();
            let topic = Topic::new(&t.join(".")).unwrap();
            prop_assert_eq!(pattern.matches(&topic), reference(&p, &t));
        }

        #[test]
        fn a_literal_pattern_matches_exactly_its_topic(t in topic_strategy(), u in topic_strategy()) {
            let pattern = TopicPattern::from(Topic::new(&t.join(".")).unwrap());
            let other = Topic::new(&u.join(".")).unwrap();
            prop_assert_eq!(pattern.matches(&other), t == u);
        }
    }

    #[test]
    fn single_star_matches_exactly_one_segment() {
        let p = TopicPattern::new("orders.*").unwrap();
        assert!(p.matches(&Topic::new("orders.created").unwrap()));
        assert!(!p.matches(&Topic::new("orders").unwrap()));
        assert!(!p.matches(&Topic::new("orders.eu.created").unwrap()));
    }

    #[test]
    fn double_star_matches_zero_or_more_segments() {
        let p = TopicPattern::new("orders.**").unwrap();
        for t in ["orders", "orders.a", "orders.a.b.c"] {
            assert!(p.matches(&Topic::new(t).unwrap()), "{t}");
        }
        assert!(!p.matches(&Topic::new("payments.a").unwrap()));
        let mid = TopicPattern::new("a.**.z").unwrap();
        assert!(mid.matches(&Topic::new("a.z").unwrap()));
        assert!(mid.matches(&Topic::new("a.b.c.z").unwrap()));
        assert!(!mid.matches(&Topic::new("a.b.c").unwrap()));
    }

    #[test]
    fn partial_wildcards_and_empty_segments_are_rejected() {
        assert!(matches!(
            TopicPattern::new("orders.cre*"),
            Err(TopicError::InvalidCharacter { character: '*', .. })
        ));
        assert!(matches!(
            TopicPattern::new("orders..x"),
            Err(TopicError::EmptySegment { .. })
        ));
        assert!(matches!(TopicPattern::new(""), Err(TopicError::Empty)));
        assert!(matches!(
            TopicPattern::new(&"a".repeat(300)),
            Err(TopicError::TooLong { .. })
        ));
    }

    #[test]
    fn topics_longer_than_the_stack_buffer_still_match() {
        let long: Vec<String> = (0..40).map(|i| format!("s{i}")).collect();
        let topic = Topic::new(&long.join(".")).unwrap();
        assert!(TopicPattern::new("s0.**.s39").unwrap().matches(&topic));
        assert!(!TopicPattern::new("s0.**.s38").unwrap().matches(&topic));
    }
}

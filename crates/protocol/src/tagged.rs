//! Reading internally tagged enums straight from their JSON, the tag first: the protocol's
//! enums, and the format library's validation rules (`Rule`, stored as JSON).
//!
//! Every enum that travels is internally tagged (`{"kind": "imported", …the variant's
//! fields}`), and serde's `Serialize` writes the tag first. serde's derived `Deserialize` for
//! such an enum accepts the tag anywhere: it first copies the whole map into a buffer of its own
//! (`Content`), then reads the variant's fields from that buffer, so every type inside a tagged
//! enum is read by two sets of code, one for JSON and one for the buffer. Reading the tag first
//! and the variant's fields straight from the JSON takes that code out of the page's and the
//! worker's wasm (docs/performance.md, "First-visit size"). A map whose first field is not the
//! tag is refused with a message that says so.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, Error, IgnoredAny, MapAccess, Visitor};

/// An enum read tag first: its tag's name and how to read each variant.
pub trait TagFirst: Sized {
    /// The field that names the variant (`kind`).
    const TAG: &'static str;
    /// What a value of this type is, for messages (`a request`).
    const WHAT: &'static str;

    /// Reads the variant `tag` names from the rest of the map.
    fn read<'de, A: MapAccess<'de>>(tag: &str, rest: Rest<A>) -> Result<Self, A::Error>;
}

/// The rest of a tagged map once its tag is read: the variant's fields.
pub type Rest<A> = MapAccessDeserializer<A>;

/// `Deserialize::deserialize` of a [`TagFirst`] enum.
pub fn deserialize<'de, D: Deserializer<'de>, T: TagFirst>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(TagFirstVisitor(PhantomData))
}

/// The variant's fields read as `T` (a newtype variant's type, or a struct variant's fields).
pub fn fields<'de, A: MapAccess<'de>, T: Deserialize<'de>>(rest: Rest<A>) -> Result<T, A::Error> {
    T::deserialize(rest)
}

/// A unit variant: whatever else the map holds is passed over.
pub fn unit<'de, A: MapAccess<'de>, T>(rest: Rest<A>, value: T) -> Result<T, A::Error> {
    IgnoredAny::deserialize(rest)?;
    Ok(value)
}

/// The error for a tag no variant of `T` has (quoted in part).
pub fn unknown<T: TagFirst, E: Error>(tag: &str) -> E {
    let shown: String = tag.chars().take(40).collect();
    E::custom(format_args!("{} with an unknown {} {shown:?}", T::WHAT, T::TAG))
}

struct TagFirstVisitor<T>(PhantomData<T>);

impl<'de, T: TagFirst> Visitor<'de> for TagFirstVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: an object whose first field is its `{}`", T::WHAT, T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let first: Option<String> = map.next_key()?;
        if first.is_none_or(|k| k != T::TAG) {
            return Err(A::Error::custom(format_args!("the first field of {} must be its `{}`", T::WHAT, T::TAG)));
        }
        let tag: String = map.next_value()?;
        T::read(&tag, MapAccessDeserializer::new(map))
    }
}

/// Implements [`TagFirst`] and `Deserialize` for an internally tagged enum: its tag's field, what
/// it is (for messages), and the body of [`TagFirst::read`] over `tag` and `rest`:
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use stepwise_protocol::tag_first;
/// use stepwise_protocol::tagged::{fields, unit, unknown};
///
/// #[derive(Debug, PartialEq, Serialize)]
/// #[serde(tag = "kind", rename_all = "snake_case")]
/// enum Shape {
///     Dot,
///     Circle { radius: u32 },
/// }
/// tag_first!(Shape, tag "kind", "a shape", |tag, rest| {
///     #[derive(Deserialize)]
///     struct Circle {
///         radius: u32,
///     }
///     match tag {
///         "dot" => unit(rest, Shape::Dot),
///         "circle" => fields(rest).map(|Circle { radius }| Shape::Circle { radius }),
///         _ => Err(unknown::<Self, _>(tag)),
///     }
/// });
/// let json = serde_json::to_string(&Shape::Circle { radius: 2 }).unwrap();
/// assert_eq!(serde_json::from_str::<Shape>(&json).unwrap(), Shape::Circle { radius: 2 });
/// assert!(serde_json::from_str::<Shape>(r#"{"radius":2,"kind":"circle"}"#).is_err());
/// ```
#[macro_export]
macro_rules! tag_first {
    ($ty:ty, tag $tag:literal, $what:literal, |$name:ident, $rest:ident| $body:block) => {
        impl $crate::tagged::TagFirst for $ty {
            const TAG: &'static str = $tag;
            const WHAT: &'static str = $what;

            fn read<'de, A: serde::de::MapAccess<'de>>(
                $name: &str,
                $rest: $crate::tagged::Rest<A>,
            ) -> Result<Self, A::Error> {
                $body
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::tagged::deserialize(deserializer)
            }
        }
    };
}

/// Whether `tag` is `variant` as serde's `rename_all = "snake_case"` spells it (`BrowseTable`
/// is `browse_table`).
pub(crate) fn spells(tag: &str, variant: &str) -> bool {
    let mut tag = tag.bytes();
    for (i, c) in variant.bytes().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && tag.next() != Some(b'_') {
            return false;
        }
        if tag.next() != Some(c.to_ascii_lowercase()) {
            return false;
        }
    }
    tag.next().is_none()
}

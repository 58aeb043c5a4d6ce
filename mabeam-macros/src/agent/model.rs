//! What `#[agent]` understood of an impl block.

use proc_macro2::Ident;
use syn::{Path, Type, Visibility};

/// What is being generated: an agent, or a skill agents mount.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Agent,
    Skill,
}

/// A skill mounted by an agent: `#[agent(skill(field: Type))]`.
pub(crate) struct SkillMount {
    pub(crate) field: Ident,
    pub(crate) ty: Type,
    pub(crate) variant: Ident,
}

pub(crate) struct AgentDef {
    pub(crate) mode: Mode,
    pub(crate) skills: Vec<SkillMount>,
    /// Path of the runtime crate (`::mabeam_actors` unless renamed).
    pub(crate) krate: Path,
    /// The agent type's stable name.
    pub(crate) name: String,
    /// Actions are checked to be serde types, and a serializable request enum is generated.
    pub(crate) remote: bool,
    /// `snapshot`/`restore` are generated from the type's serde impls.
    pub(crate) snapshot: bool,
    pub(crate) vis: Visibility,
    pub(crate) self_ty: Type,
    pub(crate) ident: Ident,
    /// The impl block as the user wrote it, minus our attributes.
    pub(crate) item: syn::ItemImpl,
    pub(crate) actions: Vec<ActionDef>,
    pub(crate) sensors: Vec<SensorDef>,
    pub(crate) handlers: Vec<SignalHandlerDef>,
    pub(crate) on_start: Option<HookDef>,
    pub(crate) on_stop: Option<HookDef>,
    pub(crate) on_restart: Option<HookDef>,
}

/// The parts every handler method shares.
pub(crate) struct Method {
    pub(crate) ident: Ident,
    pub(crate) is_async: bool,
    /// Takes `&mut Ctx<Self>` as its first argument after `self`.
    pub(crate) ctx: bool,
    /// The other arguments.
    pub(crate) args: Vec<(Ident, Type)>,
    /// The declared return type (`()` when none).
    pub(crate) output: Type,
}

pub(crate) struct ActionDef {
    pub(crate) method: Method,
    pub(crate) variant: Ident,
}

pub(crate) enum SensorKind {
    Every { nanos: u64 },
    Stream { source: Ident, item: Box<Type> },
}

pub(crate) struct SensorDef {
    pub(crate) method: Method,
    pub(crate) kind: SensorKind,
}

pub(crate) struct SignalHandlerDef {
    pub(crate) method: Method,
    pub(crate) patterns: Vec<String>,
}

pub(crate) struct HookDef {
    pub(crate) method: Method,
}

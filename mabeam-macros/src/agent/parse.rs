//! Impl block → [`AgentDef`], collecting every misuse as an error on the offending tokens.

use proc_macro2::{Span, TokenStream};
use quote::format_ident;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{
    Attribute, FnArg, ImplItem, ImplItemFn, ItemImpl, LitStr, Pat, Path, ReturnType, Token, Type,
    Visibility,
};

use super::model::{
    ActionDef, AgentDef, HookDef, Method, Mode, SensorDef, SensorKind, SignalHandlerDef, SkillMount,
};
use crate::duration;
use crate::errors::Errors;

/// Handle methods that would be shadowed by `AgentRef`'s own methods.
const RESERVED: &[&str] = &[
    "call",
    "request",
    "tell",
    "cast",
    "cast_when_running",
    "id",
    "is_running",
    "snapshot",
    "clone",
    "eq",
    "ne",
    "fmt",
];

/// Handle methods of a `remote` agent that would be shadowed by the cluster handle's
/// (`mabeam_cluster::gateway::ClusterRef`) own methods, besides those above.
const RESERVED_REMOTE: &[&str] = &["timeout", "owner"];

#[derive(Default)]
struct Options {
    name: Option<LitStr>,
    remote: bool,
    snapshot: bool,
    krate: Option<Path>,
    vis: Option<Visibility>,
    skills: Vec<(syn::Ident, Type)>,
}

fn parse_options(args: TokenStream, mode: Mode) -> syn::Result<Options> {
    let mut options = Options::default();
    let parser = syn::meta::parser(|meta| {
        let agent_only = ["name", "remote", "snapshot", "skill"];
        if mode == Mode::Skill && agent_only.iter().any(|o| meta.path.is_ident(o)) {
            return Err(meta.error("a skill takes only `crate = \"..\"` and `vis = \"..\"`"));
        }
        if meta.path.is_ident("skill") {
            let content;
            syn::parenthesized!(content in meta.input);
            let field: syn::Ident = content.parse()?;
            content.parse::<Token![:]>()?;
            let ty: Type = content.parse()?;
            options.skills.push((field, ty));
        } else if meta.path.is_ident("name") {
            options.name = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("remote") {
            options.remote = true;
        } else if meta.path.is_ident("snapshot") {
            options.snapshot = true;
        } else if meta.path.is_ident("crate") {
            let lit: LitStr = meta.value()?.parse()?;
            options.krate = Some(lit.parse()?);
        } else if meta.path.is_ident("vis") {
            let lit: LitStr = meta.value()?.parse()?;
            options.vis = Some(lit.parse()?);
        } else {
            return Err(meta.error(
                "unknown `#[agent]` option: expected `name = \"..\"`, `remote`, `snapshot`, `skill(field: Type)`, `crate = \"..\"` or `vis = \"..\"`",
            ));
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, args)?;
    Ok(options)
}

/// Which of our attributes a method carries.
enum Role {
    Action(Option<LitStr>),
    Sensor(Attribute),
    OnSignal(Attribute),
    OnStart,
    OnStop,
    OnRestart,
}

const ROLES: &[&str] = &[
    "action",
    "sensor",
    "on_signal",
    "on_start",
    "on_stop",
    "on_restart",
];

fn role_of(attr: &Attribute) -> Option<&'static str> {
    let last = attr.path().segments.last()?.ident.to_string();
    ROLES.iter().copied().find(|r| *r == last)
}

/// Takes our attributes off `method`, returning its role.
fn take_role(method: &mut ImplItemFn, errors: &mut Errors) -> Option<Role> {
    let mut role = None;
    let mut kept = Vec::with_capacity(method.attrs.len());
    for attr in std::mem::take(&mut method.attrs) {
        let Some(name) = role_of(&attr) else {
            kept.push(attr);
            continue;
        };
        if role.is_some() {
            errors.at(
                &attr,
                format!("a method has one role; `#[{name}]` is one too many"),
            );
            continue;
        }
        role = Some(match name {
            "action" => {
                let mut rename = None;
                if !matches!(attr.meta, syn::Meta::Path(_)) {
                    let result = attr.parse_nested_meta(|meta| {
                        if meta.path.is_ident("name") {
                            rename = Some(meta.value()?.parse()?);
                            Ok(())
                        } else {
                            Err(meta.error("unknown `#[action]` option: expected `name = \"..\"`"))
                        }
                    });
                    if let Err(err) = result {
                        errors.push(err);
                    }
                }
                Role::Action(rename)
            }
            "sensor" => Role::Sensor(attr),
            "on_signal" => Role::OnSignal(attr),
            "on_start" => Role::OnStart,
            "on_stop" => Role::OnStop,
            _ => Role::OnRestart,
        });
    }
    method.attrs = kept;
    role
}

/// Replaces `Self` with the agent's type, so types can be used outside the impl block.
struct ReplaceSelf<'a>(&'a Type);

impl VisitMut for ReplaceSelf<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(p) = ty {
            if p.qself.is_none() && p.path.is_ident("Self") {
                *ty = self.0.clone();
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

fn is_ctx(ty: &Type) -> Option<bool> {
    let Type::Reference(r) = ty else {
        return None;
    };
    let Type::Path(p) = &*r.elem else {
        return None;
    };
    let name = &p.path.segments.last()?.ident;
    (name == "Ctx" || name == "SkillCtx").then_some(r.mutability.is_some())
}

fn last_ident_is(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == name),
        Type::Reference(r) => last_ident_is(&r.elem, name),
        _ => false,
    }
}

/// Whether a type borrows (a reference or a named lifetime) or is an `impl Trait`.
fn borrows(ty: &Type) -> Option<&'static str> {
    struct Finder(Option<&'static str>);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_type_reference(&mut self, _: &'ast syn::TypeReference) {
            self.0.get_or_insert("a reference");
        }
        fn visit_lifetime(&mut self, l: &'ast syn::Lifetime) {
            if l.ident != "static" {
                self.0.get_or_insert("a borrowed lifetime");
            }
        }
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0.get_or_insert("`impl Trait`");
        }
    }
    let mut finder = Finder(None);
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.0
}

/// Reads a handler method's signature. `owned_args`: its arguments are moved into a message.
fn parse_method(
    method: &ImplItemFn,
    self_ty: &Type,
    owned_args: bool,
    errors: &mut Errors,
) -> Method {
    let sig = &method.sig;
    match sig.receiver() {
        None => errors.at(
            &sig.ident,
            "an agent's handler takes `&self` or `&mut self`",
        ),
        Some(receiver) if receiver.reference.is_none() => errors.at(
            receiver,
            "a handler cannot take `self` by value: use `&self` or `&mut self` (the agent lives on between messages)",
        ),
        Some(_) => {}
    }
    if !sig.generics.params.is_empty() {
        errors.at(&sig.generics, "an agent's handler cannot be generic");
    }
    let mut ctx = false;
    let mut args = Vec::new();
    for (position, input) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(arg) = input else {
            continue;
        };
        match is_ctx(&arg.ty) {
            Some(true) if position == 1 => {
                ctx = true;
                continue;
            }
            Some(true) => {
                errors.at(
                    &arg.ty,
                    "the context must be the first argument after `self`",
                );
                continue;
            }
            Some(false) => {
                errors.at(
                    &arg.ty,
                    "the context is taken as `&mut Ctx<Self>` (in a skill, `&mut SkillCtx`)",
                );
                continue;
            }
            None => {}
        }
        let Pat::Ident(name) = &*arg.pat else {
            errors.at(&arg.pat, "use a plain argument name here");
            continue;
        };
        let mut ty = (*arg.ty).clone();
        if owned_args {
            if let Some(what) = borrows(&ty) {
                errors.at(
                    &arg.ty,
                    format!("action arguments are moved into a message; {what} cannot be: use an owned type"),
                );
            }
        }
        ReplaceSelf(self_ty).visit_type_mut(&mut ty);
        args.push((name.ident.clone(), ty));
    }
    let mut output = match &sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    if owned_args {
        if let Some(what) = borrows(&output) {
            errors.at(
                &output,
                format!("an action's result is sent to its caller; {what} cannot be: return an owned type"),
            );
        }
    }
    ReplaceSelf(self_ty).visit_type_mut(&mut output);
    Method {
        ident: sig.ident.clone(),
        is_async: sig.asyncness.is_some(),
        ctx,
        args,
        output,
    }
}

fn no_args(method: &Method, what: &str, errors: &mut Errors) {
    if let Some((name, _)) = method.args.first() {
        errors.at(
            name,
            format!("{what} takes no arguments (besides `&mut Ctx<Self>`)"),
        );
    }
}

fn parse_sensor(attr: &Attribute, method: Method, errors: &mut Errors) -> Option<SensorDef> {
    let mut every: Option<LitStr> = None;
    let mut stream: Option<LitStr> = None;
    let result = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("every") {
            every = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("stream") {
            stream = Some(meta.value()?.parse()?);
        } else {
            return Err(meta.error(
                "unknown `#[sensor]` option: expected `every = \"1s\"` or `stream = \"method\"`",
            ));
        }
        Ok(())
    });
    if let Err(err) = result {
        errors.push(err);
        return None;
    }
    match (every, stream) {
        (Some(every), None) => {
            no_args(&method, "a periodic sensor", errors);
            match duration::parse(&every.value()) {
                Ok(nanos) => Some(SensorDef {
                    method,
                    kind: SensorKind::Every { nanos },
                }),
                Err(message) => {
                    errors.at(&every, message);
                    None
                }
            }
        }
        (None, Some(stream)) => {
            if method.args.len() != 1 {
                errors.at(
                    &method.ident,
                    "a stream sensor takes exactly one argument besides the context: the stream's item",
                );
                return None;
            }
            let item = Box::new(method.args[0].1.clone());
            match stream.parse::<syn::Ident>() {
                Ok(source) => Some(SensorDef {
                    method,
                    kind: SensorKind::Stream { source, item },
                }),
                Err(_) => {
                    errors.at(
                        &stream,
                        "expected the name of a method returning the stream",
                    );
                    None
                }
            }
        }
        (Some(_), Some(_)) | (None, None) => {
            errors.at(
                attr,
                "a sensor is either `every = \"<duration>\"` or `stream = \"<method>\"`",
            );
            None
        }
    }
}

fn parse_on_signal(
    attr: &Attribute,
    method: Method,
    errors: &mut Errors,
) -> Option<SignalHandlerDef> {
    let patterns = match attr.parse_args_with(Punctuated::<LitStr, Token![,]>::parse_terminated) {
        Ok(patterns) if !patterns.is_empty() => patterns,
        Ok(_) | Err(_) => {
            errors.at(
                attr,
                "expected one or more topic patterns: `#[on_signal(\"orders.*\")]`",
            );
            return None;
        }
    };
    let mut valid = Vec::new();
    for lit in &patterns {
        match mabeam_core::TopicPattern::new(&lit.value()) {
            Ok(_) => valid.push(lit.value()),
            Err(err) => errors.at(lit, format!("invalid topic pattern: {err}")),
        }
    }
    if method.args.len() != 1 || !last_ident_is(&method.args[0].1, "Signal") {
        errors.at(
            &method.ident,
            "a signal handler takes the signal as its one argument besides the context: `signal: Signal`",
        );
        return None;
    }
    Some(SignalHandlerDef {
        method,
        patterns: valid,
    })
}

fn to_camel(snake: &str) -> String {
    snake
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

pub(crate) fn parse(args: TokenStream, mut item: ItemImpl, mode: Mode) -> syn::Result<AgentDef> {
    let options = parse_options(args, mode)?;
    let mut errors = Errors::default();
    if let Some((_, path, _)) = &item.trait_ {
        errors.at(path, "`#[agent]` goes on the agent's own impl block (`impl MyAgent { .. }`), not on a trait impl");
    }
    if !item.generics.params.is_empty() {
        errors.at(&item.generics, "generic agents are not supported yet");
    }
    let self_ty = (*item.self_ty).clone();
    let ident = match &self_ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    };
    let Some(ident) = ident else {
        errors.at(&self_ty, "`#[agent]` needs a named type");
        return Err(errors.finish(()).unwrap_err());
    };

    let mut actions: Vec<ActionDef> = Vec::new();
    let mut sensors = Vec::new();
    let mut handlers = Vec::new();
    let (mut on_start, mut on_stop, mut on_restart) = (None, None, None);
    let mut handle_names: Vec<(String, Span)> = Vec::new();
    let mut handler_names: Vec<String> = Vec::new();

    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let Some(role) = take_role(method, &mut errors) else {
            continue;
        };
        let owned = matches!(role, Role::Action(_));
        let parsed = parse_method(method, &self_ty, owned, &mut errors);
        match role {
            Role::Action(rename) => {
                let (name, span) = match &rename {
                    Some(lit) => (lit.value(), lit.span()),
                    None => (parsed.ident.to_string(), parsed.ident.span()),
                };
                if RESERVED.contains(&name.as_str()) {
                    errors.push(syn::Error::new(
                        span,
                        format!("an action named `{name}` would be shadowed by `AgentRef::{name}`: rename it (`#[action(name = \"..\")]`)"),
                    ));
                } else if options.remote && RESERVED_REMOTE.contains(&name.as_str()) {
                    errors.push(syn::Error::new(
                        span,
                        format!("an action named `{name}` of a `remote` agent would be shadowed by `ClusterRef::{name}`: rename it (`#[action(name = \"..\")]`)"),
                    ));
                }
                let variant = format_ident!("{}", to_camel(&name), span = span);
                if let Some(other) = actions.iter().find(|a| a.variant == variant) {
                    errors.push(syn::Error::new(
                        span,
                        format!(
                            "actions `{}` and `{name}` have the same generated name `{variant}`",
                            other.method.ident
                        ),
                    ));
                }
                handle_names.push((name, span));
                actions.push(ActionDef {
                    method: parsed,
                    variant,
                });
            }
            Role::Sensor(attr) => {
                handler_names.push(parsed.ident.to_string());
                sensors.extend(parse_sensor(&attr, parsed, &mut errors));
            }
            Role::OnSignal(attr) => {
                handler_names.push(parsed.ident.to_string());
                handlers.extend(parse_on_signal(&attr, parsed, &mut errors));
            }
            Role::OnStart | Role::OnStop | Role::OnRestart if mode == Mode::Skill => {
                errors.at(
                    &parsed.ident,
                    "a skill has no lifecycle hooks: put them on the agents that mount it",
                );
            }
            Role::OnStart | Role::OnStop | Role::OnRestart => {
                let (slot, what) = match role {
                    Role::OnStart => (&mut on_start, "on_start"),
                    Role::OnStop => (&mut on_stop, "on_stop"),
                    _ => (&mut on_restart, "on_restart"),
                };
                if what == "on_restart" {
                    if parsed.args.len() > 1
                        || parsed
                            .args
                            .iter()
                            .any(|(_, t)| !last_ident_is(t, "RestartInfo"))
                    {
                        errors.at(&parsed.ident, "`#[on_restart]` takes at most `info: &RestartInfo` besides the context");
                    }
                } else {
                    no_args(&parsed, &format!("`#[{what}]`"), &mut errors);
                }
                if slot.is_some() {
                    errors.at(&parsed.ident, format!("only one method can be `#[{what}]`"));
                }
                *slot = Some(HookDef { method: parsed });
            }
        }
    }
    for (name, span) in &handle_names {
        if handler_names.contains(name) {
            errors.push(syn::Error::new(
                *span,
                format!("the action `{name}` has the same name as a sensor or signal handler"),
            ));
        }
    }

    let mut skills: Vec<SkillMount> = Vec::new();
    for (field, ty) in options.skills {
        let variant = format_ident!("{}", to_camel(&field.to_string()), span = field.span());
        if actions.iter().any(|a| a.variant == variant)
            || skills.iter().any(|s| s.variant == variant)
        {
            errors.at(
                &field,
                format!(
                    "the skill field `{field}` clashes with an action's generated name `{variant}`"
                ),
            );
        }
        let key = quote::quote!(#ty).to_string();
        if skills.iter().any(|s| {
            let t = &s.ty;
            quote::quote!(#t).to_string() == key
        }) {
            errors.at(&ty, "this skill type is mounted twice");
        }
        skills.push(SkillMount { field, ty, variant });
    }

    let name = options
        .name
        .map(|n| n.value())
        .unwrap_or_else(|| ident.to_string());
    errors.finish(AgentDef {
        mode,
        skills,
        krate: options
            .krate
            .unwrap_or_else(|| syn::parse_quote!(::mabeam_actors)),
        name,
        remote: options.remote,
        snapshot: options.snapshot,
        vis: options.vis.unwrap_or_else(|| syn::parse_quote!(pub)),
        self_ty,
        ident,
        item,
        actions,
        sensors,
        handlers,
        on_start,
        on_stop,
        on_restart,
    })
}

#[cfg(test)]
mod tests {
    use super::to_camel;

    #[test]
    fn snake_case_becomes_upper_camel_case() {
        assert_eq!(to_camel("increment"), "Increment");
        assert_eq!(to_camel("get_x"), "GetX");
        assert_eq!(to_camel("get__x"), "GetX");
    }
}

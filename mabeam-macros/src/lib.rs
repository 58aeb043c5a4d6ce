//! Procedural macros of mabeam. Use them through `mabeam_actors` (which re-exports them and
//! documents them with examples); generated code refers to `mabeam_actors::__private`.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod agent;
mod duration;
mod errors;
mod signal_derive;

/// Turns an impl block into an agent. See `mabeam_actors::agent` for the full reference.
#[proc_macro_attribute]
pub fn agent(args: TokenStream, input: TokenStream) -> TokenStream {
    agent::expand(args.into(), input.into(), agent::Mode::Agent).into()
}

/// Turns an impl block into a skill agents can mount (`#[agent(skill(field: Type))]`). See
/// `mabeam_actors::Skill`.
#[proc_macro_attribute]
pub fn skill(args: TokenStream, input: TokenStream) -> TokenStream {
    agent::expand(args.into(), input.into(), agent::Mode::Skill).into()
}

/// A typed signal payload with its topic (`#[signal(topic = "..", lane = "..")]`).
#[proc_macro_derive(Signal, attributes(signal))]
pub fn derive_signal(input: TokenStream) -> TokenStream {
    signal_derive::expand(input.into()).into()
}

fn outside_agent(name: &str, input: TokenStream) -> TokenStream {
    let input = proc_macro2::TokenStream::from(input);
    let message = format!("`#[{name}]` only works on a method inside an `#[agent]` impl block");
    let error = syn::Error::new_spanned(&input, message).to_compile_error();
    quote::quote!(#error #input).into()
}

/// Marks an action (inside `#[agent]` only).
#[proc_macro_attribute]
pub fn action(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_agent("action", input)
}

/// Marks a sensor (inside `#[agent]` only).
#[proc_macro_attribute]
pub fn sensor(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_agent("sensor", input)
}

/// Marks a signal handler (inside `#[agent]` only).
#[proc_macro_attribute]
pub fn on_signal(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_agent("on_signal", input)
}

/// Marks the start hook (inside `#[agent]` only).
#[proc_macro_attribute]
pub fn on_start(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_agent("on_start", input)
}

/// Marks the stop hook (inside `#[agent]` only).
#[proc_macro_attribute]
pub fn on_stop(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_agent("on_stop", input)
}

/// Marks the restart hook (inside `#[agent]` only).
#[proc_macro_attribute]
pub fn on_restart(_args: TokenStream, input: TokenStream) -> TokenStream {
    outside_agent("on_restart", input)
}

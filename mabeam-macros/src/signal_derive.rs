//! `#[derive(Signal)]`: a payload type that knows its topic and lane.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, LitStr};

use crate::errors::Errors;

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let mut errors = Errors::default();
    let mut topic: Option<LitStr> = None;
    let mut lane: Option<LitStr> = None;
    let mut krate: syn::Path = syn::parse_quote!(::mabeam_actors);
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("signal")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("topic") {
                topic = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("lane") {
                lane = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("crate") {
                krate = meta.value()?.parse::<LitStr>()?.parse()?;
            } else {
                return Err(
                    meta.error("unknown `#[signal]` option: expected `topic`, `lane` or `crate`")
                );
            }
            Ok(())
        });
        if let Err(err) = result {
            errors.push(err);
        }
    }
    let topic = match topic {
        Some(topic) => {
            if let Err(err) = mabeam_core::Topic::new(&topic.value()) {
                errors.at(&topic, format!("invalid topic: {err}"));
            }
            topic
        }
        None => {
            errors.at(
                &input.ident,
                "`#[derive(Signal)]` needs `#[signal(topic = \"..\")]`",
            );
            LitStr::new("invalid", proc_macro2::Span::call_site())
        }
    };
    let lane_variant = match lane.as_ref().map(LitStr::value).as_deref() {
        None | Some("events") => quote!(Events),
        Some("control") => quote!(Control),
        Some("data") => quote!(Data),
        Some("telemetry") => quote!(Telemetry),
        Some(_) => {
            errors.at(
                lane.as_ref().unwrap(),
                "unknown lane: expected \"control\", \"events\", \"data\" or \"telemetry\"",
            );
            quote!(Events)
        }
    };
    if let Err(err) = errors.finish(()) {
        return err.to_compile_error();
    }
    let p = quote!(#krate::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        impl #impl_generics #p::SignalPayload for #ident #ty_generics #where_clause {
            fn topic() -> #p::Topic {
                static TOPIC: #p::LazyLock<#p::Topic> =
                    #p::LazyLock::new(|| #p::Topic::from_static(#topic));
                TOPIC.clone()
            }

            fn lane() -> #p::Lane {
                #p::Lane::#lane_variant
            }
        }
    }
}

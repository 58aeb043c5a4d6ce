//! `#[agent]`: parse the impl block into a model, then generate code from it.

mod codegen;
mod model;
mod parse;

use proc_macro2::TokenStream;

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: syn::ItemImpl = match syn::parse2(input) {
        Ok(item) => item,
        Err(err) => {
            return syn::Error::new(
                err.span(),
                "`#[agent]` goes on an impl block: `#[agent] impl MyAgent { .. }`",
            )
            .to_compile_error()
        }
    };
    match parse::parse(args, item) {
        Ok(def) => codegen::generate(&def),
        Err(err) => crate::errors::to_compile_errors(err),
    }
}

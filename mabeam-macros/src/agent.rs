//! `#[agent]`: parse the impl block into a model, then generate code from it.

mod codegen;
mod model;
mod parse;

use proc_macro2::TokenStream;

pub(crate) use model::Mode;

pub(crate) fn expand(args: TokenStream, input: TokenStream, mode: Mode) -> TokenStream {
    let item: syn::ItemImpl = match syn::parse2(input) {
        Ok(item) => item,
        Err(err) => {
            return syn::Error::new(
                err.span(),
                match mode {
                    Mode::Agent => {
                        "`#[agent]` goes on an impl block: `#[agent] impl MyAgent { .. }`"
                    }
                    Mode::Skill => {
                        "`#[skill]` goes on an impl block: `#[skill] impl MySkill { .. }`"
                    }
                },
            )
            .to_compile_error()
        }
    };
    match parse::parse(args, item, mode) {
        Ok(def) => codegen::generate(&def),
        Err(err) => crate::errors::to_compile_errors(err),
    }
}

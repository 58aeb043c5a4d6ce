use thiserror::Error;

/// Why a configuration could not be read or layered.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is invalid or has unknown or mistyped keys.
    #[error("invalid configuration: {0}")]
    Parse(#[from] toml::de::Error),
    /// The argument matches given to [`Config::overridden_by`](super::Config::overridden_by)
    /// are not those of a command that flattens [`Config`](super::Config).
    #[error("the arguments are not a node's settings: {0}")]
    Args(#[from] clap::Error),
    /// A setting could not be carried from one layer to the next (a path that is not UTF-8).
    #[error("cannot layer the settings: {0}")]
    Layer(#[from] serde_json::Error),
}

use std::time::Duration;

use mabeam_actors::AgentSystem;
use mabeam_core::codec;
use ractor::{Actor, ActorProcessingErr, ActorRef};

use super::messages::Envelope;
use super::{AgentTypes, GatewayMsg, RemoteError, GATEWAY_GROUP};

/// The node's gateway actor; see the [module docs](super).
#[derive(Debug)]
pub(crate) struct Gateway;

/// What the gateway serves with.
#[derive(Debug, Clone)]
pub(crate) struct GatewayArgs {
    pub(crate) node: String,
    pub(crate) system: AgentSystem,
    pub(crate) types: AgentTypes,
}

/// Decodes and runs one envelope; never fails, the failure is the outcome.
async fn serve(args: &GatewayArgs, envelope: &[u8]) -> Result<Vec<u8>, RemoteError> {
    let envelope: Envelope = codec::decode(envelope).map_err(|err| RemoteError::Decode {
        what: "an envelope".to_owned(),
        reason: err.to_string(),
    })?;
    let timeout = envelope.timeout_ms.map(Duration::from_millis);
    args.types
        .dispatch(
            &args.node,
            args.system.clone(),
            &envelope.agent_type,
            envelope.agent,
            envelope.request,
            timeout,
        )
        .await
}

impl Actor for Gateway {
    type Msg = GatewayMsg;
    type State = GatewayArgs;
    type Arguments = GatewayArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: GatewayArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        ractor::pg::join(GATEWAY_GROUP.to_owned(), vec![myself.get_cell()]);
        Ok(args)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            GatewayMsg::Call(envelope, reply) => {
                // Each call in its own task: a slow or failing agent never holds the gateway.
                let args = state.clone();
                tokio::spawn(async move {
                    let outcome = serve(&args, &envelope).await;
                    if let Err(err) = &outcome {
                        tracing::debug!(node = %args.node, %err, "remote call failed");
                    }
                    match codec::encode(&outcome) {
                        Ok(bytes) => {
                            let _ = reply.send(bytes);
                        }
                        Err(err) => {
                            tracing::warn!(node = %args.node, %err, "cannot encode a remote call's outcome");
                        }
                    }
                });
            }
        }
        Ok(())
    }
}
